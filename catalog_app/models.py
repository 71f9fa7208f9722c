"""The local mirror of the supplier catalog. Every catalog page is served from these tables."""

from decimal import Decimal

from django.db import models
from django.db.models import Q


class Category(models.TextChoices):
    CUPS = "cups", "Cups"
    BOWLS = "bowls", "Bowls"
    LIDS = "lids", "Lids"


class Material(models.TextChoices):
    PAPER = "paper", "Paper"
    PLASTIC = "plastic", "Plastic"
    BIOPLASTIC = "bioplastic", "Bioplastic"


LOW_STOCK_CASES = 10  # stock below this many cases is flagged "low stock"
SKU_MAX_LENGTH = 64


class ProductQuerySet(models.QuerySet):
    def available(self):
        return self.filter(discontinued=False)

    def search(self, text: str):
        return self.filter(Q(sku__icontains=text) | Q(name__icontains=text))

    def with_sku(self, sku: str):
        """The product with this SKU, as typed in a URL or a form — none for text no SKU can
        be: longer than the column, or with a NUL character (PostgreSQL refuses to even
        compare one, which would be a server error)."""
        if len(sku) > SKU_MAX_LENGTH or "\x00" in sku:
            return self.none()
        return self.filter(sku=sku)


class Product(models.Model):
    sku = models.CharField(max_length=SKU_MAX_LENGTH, unique=True)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=16, choices=Category.choices)
    material = models.CharField(max_length=16, choices=Material.choices)
    capacity_oz = models.PositiveIntegerField(null=True, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)
    currency = models.CharField(max_length=3, default="USD")
    case_pack = models.PositiveIntegerField()
    min_order_qty = models.PositiveIntegerField()
    stock = models.PositiveIntegerField()
    lead_time_days = models.PositiveIntegerField()
    description = models.TextField(blank=True)
    compatible_lids = models.JSONField(default=list, blank=True)
    supplier_updated_at = models.DateTimeField()
    discontinued = models.BooleanField(default=False)
    discontinued_at = models.DateTimeField(null=True, blank=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["sku"]
        indexes = [
            models.Index(fields=["discontinued", "category", "sku"], name="product_category_idx"),
            models.Index(fields=["discontinued", "material", "sku"], name="product_material_idx"),
            models.Index(
                fields=["discontinued", "capacity_oz", "sku"], name="product_capacity_idx"
            ),
            models.Index(fields=["discontinued", "unit_price", "sku"], name="product_price_idx"),
            models.Index(fields=["discontinued", "stock"], name="product_stock_idx"),
            models.Index(fields=["name"], name="product_name_idx"),
            # Covers the facet counts' GROUP BY (catalog_app/listing.py) and the page count.
            models.Index(
                fields=["discontinued", "category", "material", "capacity_oz"],
                name="product_facets_idx",
            ),
        ]

    def __str__(self):
        return f"{self.sku} — {self.name}"

    @property
    def price_per_case(self) -> Decimal:
        return self.unit_price * self.case_pack

    @property
    def min_cases(self) -> int:
        """The fewest whole cases that reach the minimum order."""
        return max(1, -(-self.min_order_qty // self.case_pack))

    @property
    def stock_cases(self) -> int:
        return self.stock // self.case_pack if self.case_pack else 0

    @property
    def is_low_stock(self) -> bool:
        return 0 < self.stock < self.case_pack * LOW_STOCK_CASES

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def takes_lids(self) -> bool:
        return self.category != Category.LIDS


class LidFit(models.Model):
    """One lid that fits one cup or bowl, so a lid page can list what it fits (by sku, not FK:
    the lid may arrive later in a sync than the cup that names it)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="lid_fits")
    lid_sku = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "lid_sku"], name="unique_lid_fit"),
        ]

    def __str__(self):
        return f"{self.lid_sku} fits {self.product_id}"


class SyncRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        STAFF = "staff", "Staff"
        COMMAND = "command", "Command line"

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pages = models.PositiveIntegerField(default=0)
    products_seen = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    discontinued = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "-finished_at"], name="syncrun_status_idx")]

    def __str__(self):
        return f"Sync #{self.pk} ({self.get_status_display()})"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class StagedProduct(models.Model):
    """A product as fetched by a running sync. The mirror is only changed once every page has
    arrived, in one transaction, so a failed or interrupted sync leaves it as it was."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="staged")
    sku = models.CharField(max_length=64)
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "sku"], name="unique_staged_sku"),
        ]

    def __str__(self):
        return f"{self.sku} (sync #{self.run_id})"


class SearchDocument(models.Model):
    """A product's words as the search finds them (catalog_app/search.py builds them with the
    sync): `terms` — SKU, name, category, material and capacity, normalised — is what the
    database's full-text index covers (SQLite FTS5, PostgreSQL tsvector); `name_terms` (padded
    with spaces) ranks matches in the name above the others."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    terms = models.TextField()
    name_terms = models.TextField()

    def __str__(self):
        return f"{self.product_id}: {self.terms}"


class SearchTerm(models.Model):
    """The search vocabulary: every word of the index, with the number of products it is in.
    Misspelt words are corrected against it (in Python, so both databases agree)."""

    term = models.CharField(max_length=64, primary_key=True)
    documents = models.PositiveIntegerField()

    def __str__(self):
        return self.term
