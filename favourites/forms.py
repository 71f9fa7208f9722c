from django import forms

from catalog_app.models import Product
from favourites.models import SavedList
from orders_app.forms import quantity_field, unit_field
from orders_app.quantities import to_units


class SavedListForm(forms.Form):
    name = forms.CharField(
        label="List name",
        max_length=80,
        error_messages={"required": "Give the list a name, e.g. “Weekly café”."},
    )


class StarForm(forms.Form):
    star = forms.BooleanField(required=False)


class ListItemForm(forms.Form):
    """A product and a quantity for a saved list: `qty` in cases (default) or units."""

    sku = forms.CharField(label="SKU", max_length=64)
    qty = quantity_field(label="Quantity")
    unit = unit_field()

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip().upper()
        self.product = Product.objects.available().filter(sku__iexact=sku).first()
        if self.product is None:
            raise forms.ValidationError(f"No product {sku} in the catalog.")
        return sku

    def units(self) -> int:
        return to_units(self.product, self.cleaned_data["qty"], self.cleaned_data["unit"])


class SaveToListForm(forms.Form):
    """From a product page: an existing list, or the name of a new one."""

    saved_list = forms.IntegerField(required=False)
    new_list = forms.CharField(required=False, max_length=80)
    qty = quantity_field()
    unit = unit_field()

    def clean(self):
        data = super().clean()
        if not data.get("saved_list") and not (data.get("new_list") or "").strip():
            raise forms.ValidationError("Choose a list, or type a name for a new one.")
        return data


class ItemQuantityForm(forms.Form):
    qty = quantity_field()


class SaveLinesForm(forms.Form):
    """A cart or a past order kept as a team list: an existing list, or a new one."""

    saved_list = forms.ModelChoiceField(
        queryset=SavedList.objects.all(),
        required=False,
        empty_label="— choose a list —",
        label="Add to an existing list",
        help_text="A product already on the list takes the quantity from here.",
    )
    new_list = forms.CharField(
        required=False,
        max_length=80,
        label="Or a new list called",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Weekly café"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        new_name = (data.get("new_list") or "").strip()
        if data.get("saved_list") and new_name:
            self.add_error("new_list", "Choose an existing list or type a new name, not both.")
        elif not data.get("saved_list") and not new_name and not self.errors:
            self.add_error("new_list", "Choose a list, or type a name for a new one.")
        return data
