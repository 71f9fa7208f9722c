"""The sandbox's own tables (all prefixed `sandbox_`): catalog, accounts, keys, orders.

Nothing here stores a state that moves with time: an order's status and tracking are derived
from its `created_at` and the sandbox clock (see `sandbox.tracking`).
"""

from django.db import models
from django.db.models import Q


class Category(models.TextChoices):
    CUPS = "cups"
    BOWLS = "bowls"
    LIDS = "lids"


class Material(models.TextChoices):
    PAPER = "paper"
    PLASTIC = "plastic"
    BIOPLASTIC = "bioplastic"


class Product(models.Model):
    sku = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=10, choices=Category.choices)
    material = models.CharField(max_length=12, choices=Material.choices)
    capacity_oz = models.PositiveIntegerField(null=True, blank=True)
    unit_price = models.DecimalField(max_digits=10, decimal_places=4)
    currency = models.CharField(max_length=3, default="USD")
    case_pack = models.PositiveIntegerField()
    min_order_qty = models.PositiveIntegerField()
    stock = models.PositiveIntegerField()
    lead_time_days = models.PositiveIntegerField()
    description = models.TextField()
    compatible_lids = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["sku"]
        indexes = [models.Index(fields=["category", "material", "capacity_oz"])]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="sandbox_product_stock_gte_0")
        ]

    def __str__(self) -> str:
        return self.sku


class Account(models.Model):
    name = models.CharField(max_length=200, unique=True)
    billing_verified = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """An API key. Only its SHA-256 is stored; `prefix` is a non-secret hint for people."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.account})"


class RequestLog(models.Model):
    """One row per counted request: the rate limit's sliding window lives in the database."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["api_key", "at"])]

    def __str__(self) -> str:
        return f"{self.api_key_id} at {self.at:%H:%M:%S}"


class Order(models.Model):
    id = models.CharField(primary_key=True, max_length=32)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="orders")
    reference = models.CharField(max_length=64, blank=True, default="")  # "" is null in the API
    subtotal = models.DecimalField(max_digits=14, decimal_places=2)
    shipping = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    shipping_address = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["account", "reference"]),
        ]

    def __str__(self) -> str:
        return self.id


class OrderLine(models.Model):
    """A line as ordered: sku and price are copied, so a rebuilt catalog never changes it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    sku = models.CharField(max_length=40)
    qty = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=4)
    line_total = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["order", "position"]

    def __str__(self) -> str:
        return f"{self.qty} x {self.sku}"


class IdempotencyRecord(models.Model):
    """The first answer to a POST /orders with an Idempotency-Key, replayed for 24 hours."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    order = models.ForeignKey(Order, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="sandbox_idempotency_unique")
        ]

    def __str__(self) -> str:
        return self.key
