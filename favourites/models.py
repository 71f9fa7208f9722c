"""What buyers keep track of: starred products and the team's saved lists.

Stars are personal (each buyer's own). Saved lists are shared by the whole organisation — every
user of this install — like the address book: anyone signed in may add to, change, rename or
delete any list; `updated_by` says who touched it last.
"""

from django.conf import settings
from django.db import models

from catalog_app.models import Product
from orders_app.quantities import MAX_UNITS, UnitsOfProduct


class Favourite(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourites"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product__sku"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="one_star_per_product"),
        ]

    def __str__(self):
        return f"{self.user} ★ {self.product.sku}"


class SavedList(models.Model):
    name = models.CharField(max_length=80, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SavedListItem(UnitsOfProduct, models.Model):
    saved_list = models.ForeignKey(SavedList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    qty = models.PositiveIntegerField(help_text="Units")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["saved_list", "product"], name="one_item_per_product"),
            models.CheckConstraint(
                condition=models.Q(qty__gte=1, qty__lte=MAX_UNITS),
                name="savedlistitem_qty_within_policy",
            ),
        ]

    def __str__(self):
        return f"{self.qty} × {self.product.sku} on {self.saved_list}"
