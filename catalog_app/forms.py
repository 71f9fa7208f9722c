from django import forms

from catalog_app.models import Category, Material

SORTS = {
    "sku": ("sku",),
    "price": ("unit_price", "sku"),
    "-price": ("-unit_price", "sku"),
    "capacity": ("capacity_oz", "sku"),
    "-capacity": ("-capacity_oz", "sku"),
}
SORT_CHOICES = [
    ("", "Best match"),  # catalog_app/search.py's ranking; without a search, by SKU
    ("sku", "SKU"),
    ("price", "Price: low to high"),
    ("-price", "Price: high to low"),
    ("capacity", "Capacity: small to large"),
    ("-capacity", "Capacity: large to small"),
]


class ProductFilterForm(forms.Form):
    """The catalog's filters, bound to the query string (so a filtered view is bookmarkable)."""

    q = forms.CharField(required=False, max_length=100, label="Search")
    category = forms.ChoiceField(required=False, choices=[("", "All"), *Category.choices])
    material = forms.ChoiceField(required=False, choices=[("", "All"), *Material.choices])
    capacity = forms.IntegerField(required=False, min_value=1, max_value=256, label="Capacity (oz)")
    in_stock = forms.BooleanField(required=False, label="In stock only")
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)

    FACETS = ("category", "material", "capacity")

    def filters(self, *, without: str | None = None) -> dict:
        """ORM lookups for the bound filters, optionally leaving one facet out (for its counts)."""
        data = self.cleaned_data
        lookups = {}
        if data.get("category") and without != "category":
            lookups["category"] = data["category"]
        if data.get("material") and without != "material":
            lookups["material"] = data["material"]
        if data.get("capacity") and without != "capacity":
            lookups["capacity_oz"] = data["capacity"]
        if data.get("in_stock"):
            lookups["stock__gt"] = 0
        return lookups

    @property
    def searching(self) -> bool:
        return bool(self.cleaned_data.get("q", "").strip())

    @property
    def sort_order(self) -> str:
        """The sort asked for: "relevance" (the best match first) by default when searching,
        else one of SORTS ("sku" by default)."""
        return self.cleaned_data.get("sort") or ("relevance" if self.searching else "sku")


class SuggestionForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
