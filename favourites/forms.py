from django import forms

from catalog_app.models import Product


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
    qty = forms.IntegerField(label="Quantity", min_value=1)
    unit = forms.ChoiceField(choices=[("cases", "cases"), ("units", "units")], initial="cases")

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip().upper()
        self.product = Product.objects.available().filter(sku__iexact=sku).first()
        if self.product is None:
            raise forms.ValidationError(f"No product {sku} in the catalog.")
        return sku

    def units(self) -> int:
        qty = self.cleaned_data["qty"]
        return qty * self.product.case_pack if self.cleaned_data["unit"] == "cases" else qty


class SaveToListForm(forms.Form):
    """From a product page: an existing list, or the name of a new one."""

    saved_list = forms.IntegerField(required=False)
    new_list = forms.CharField(required=False, max_length=80)
    qty = forms.IntegerField(min_value=1)
    unit = forms.ChoiceField(choices=[("cases", "cases"), ("units", "units")], initial="cases")

    def clean(self):
        data = super().clean()
        if not data.get("saved_list") and not (data.get("new_list") or "").strip():
            raise forms.ValidationError("Choose a list, or type a name for a new one.")
        return data


class ItemQuantityForm(forms.Form):
    qty = forms.IntegerField(min_value=1)
