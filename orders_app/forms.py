import re

from django import forms
from django.core.exceptions import ValidationError

from core.forms import TextField
from orders_app.models import Address, Order, SupplierStatus
from orders_app.quantities import CASES, MAX_UNITS, PER_LINE, UNIT_CHOICES, UNITS, to_units

# The codes Cup Source accepts: the 50 states, DC and the five inhabited territories.
US_STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"), ("AS", "American Samoa"), ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"), ("PR", "Puerto Rico"), ("VI", "U.S. Virgin Islands"),
]  # fmt: skip
ZIP_RE = re.compile(r"[0-9]{5}(-[0-9]{4})?")


class AddressForm(forms.ModelForm):
    """An address-book entry, validated the way Cup Source validates a shipping address."""

    REQUIRED = {
        "label": "Give the address a name your team will recognise, e.g. “Main café”.",
        "line1": "Enter the street address.",
        "city": "Enter the city.",
        "state": "Choose the state.",
        "zip": "Enter the ZIP code: 12345 or 12345-6789.",
    }

    state = forms.ChoiceField(
        choices=[("", "Choose a state"), *[(c, f"{n} ({c})") for c, n in US_STATES]]
    )
    make_default = forms.BooleanField(required=False, label="Make this my default ship-to address")

    class Meta:
        model = Address
        fields = ["label", "name", "line1", "line2", "city", "state", "zip"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            self.fields[name].error_messages["required"] = message
        self.fields["label"].label = "Name for this address"

    def clean_zip(self):
        value = self.cleaned_data["zip"].strip()
        if not ZIP_RE.fullmatch(value):
            raise ValidationError("Enter a US ZIP code: 12345 or 12345-6789.")
        return value


QUANTITY_ERRORS = {
    "required": "Enter a quantity.",
    "invalid": "Enter a whole number, like 5 or 5000.",
    "min_value": "Enter at least 1.",
    "max_value": f"That is too many: {PER_LINE}.",
}


def quantity_field(**kwargs) -> forms.IntegerField:
    """A typed quantity (cases or units): a whole number from 1 to MAX_UNITS; the product's
    own rules are checked by `check_quantity` once it is in units."""
    return forms.IntegerField(
        min_value=1, max_value=MAX_UNITS, error_messages=QUANTITY_ERRORS, **kwargs
    )


def unit_field(**kwargs) -> forms.ChoiceField:
    kwargs.setdefault("initial", CASES)
    return forms.ChoiceField(choices=UNIT_CHOICES, **kwargs)


def first_error(form: forms.Form) -> str:
    """The first thing wrong with a bound, invalid form, as a sentence for a message."""
    return next((str(e) for errors in form.errors.values() for e in errors), "")


def with_exact_units(data):
    """A copy of POST data in which a clicked suggestion chip ("exact_units", a number of
    units) replaces the typed quantity and unit."""
    data = data.copy()
    if data.get("exact_units"):
        data["qty"], data["unit"] = data["exact_units"], UNITS
    return data


class AddToCartForm(forms.Form):
    sku = forms.CharField(max_length=64, widget=forms.HiddenInput)
    qty = quantity_field(label="Quantity")
    unit = unit_field()
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class OneClickAddForm(forms.Form):
    """A one-click "Add" (the lids that fit a cup, the cups a lid fits): a product and units."""

    sku = forms.CharField(max_length=64)
    qty = quantity_field()


class ResubmitLineForm(forms.Form):
    """A refused order's line, changed before it is sent again: 0 removes the line."""

    qty = forms.IntegerField(
        min_value=0,
        max_value=MAX_UNITS,
        error_messages={**QUANTITY_ERRORS, "min_value": "Enter 0 to remove the line, or more."},
    )


class CartLineForm(forms.Form):
    """A cart line's new quantity, in cases or units (units when not said)."""

    qty = quantity_field(label="Quantity")
    unit = unit_field(required=False, initial=UNITS)

    def units(self, product) -> int:
        return to_units(product, self.cleaned_data["qty"], self.cleaned_data["unit"] or UNITS)


class CheckoutForm(forms.Form):
    address = forms.ModelChoiceField(
        queryset=Address.objects.all(), empty_label=None, label="Ship to", widget=forms.RadioSelect
    )
    po_number = forms.CharField(
        max_length=64, required=False, label="PO reference (optional)",
        help_text="Your purchase order number; Cup Source prints it on the invoice.",
    )  # fmt: skip
    notes = TextField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Notes for your team (optional)",
        help_text="Kept in Cupboard; not sent to Cup Source.",
    )


class OrderFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", "Any status"),
        ("attention", "Needs attention"),
        ("pending", "Being sent"),
        *SupplierStatus.choices,
    ]
    whose = forms.ChoiceField(
        required=False,
        label="Placed by",
        choices=[("", "Me"), ("team", "Anyone in the team")],
    )
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    reference = forms.CharField(required=False, max_length=64, label="PO or reference")
    placed_from = forms.DateField(
        required=False, label="Placed from", widget=forms.DateInput(attrs={"type": "date"})
    )
    placed_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )
    page = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        data = super().clean()
        if (
            data.get("placed_from")
            and data.get("placed_to")
            and data["placed_from"] > data["placed_to"]
        ):
            raise ValidationError("The start date is after the end date.")
        return data


class DecisionForm(forms.Form):
    comment = TextField(
        required=False,
        max_length=2000,
        error_messages={"max_length": "The comment is too long (2,000 characters at most)."},
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment for the buyer",
        help_text="Required when you reject the order: say what to change.",
    )


class AllOrdersFilterForm(forms.Form):
    state = forms.ChoiceField(
        required=False, choices=[("", "Any state"), *Order.State.choices], label="State"
    )
    q = forms.CharField(required=False, max_length=64, label="Buyer, PO or reference")
    page = forms.IntegerField(required=False, min_value=1)
