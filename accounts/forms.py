from django import forms

from orders_app.models import Order


class DecisionForm(forms.Form):
    comment = forms.CharField(
        required=False,
        max_length=2000,
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
