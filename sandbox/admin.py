from django.contrib import admin

from sandbox.models import Account, ApiKey, IdempotencyRecord, Order, OrderLine, Product


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ["prefix", "read_only", "expires_at", "revoked", "created_at"]
    readonly_fields = ["prefix", "created_at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # keys are created with `manage.py sandbox_create_key`


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "billing_verified", "created_at"]
    list_filter = ["billing_verified"]
    search_fields = ["name"]
    inlines = [ApiKeyInline]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Shows the non-secret prefix only; the key itself is never stored."""

    list_display = ["prefix", "account", "read_only", "revoked", "expires_at", "created_at"]
    list_filter = ["read_only", "revoked"]
    search_fields = ["prefix", "account__name"]
    fields = ["prefix", "account", "read_only", "revoked", "expires_at", "created_at"]
    readonly_fields = ["prefix", "account", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "category", "material", "capacity_oz", "unit_price", "stock"]
    list_filter = ["category", "material", "capacity_oz"]
    search_fields = ["sku", "name"]
    list_editable = ["stock"]
    list_per_page = 50


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["position", "sku", "qty", "unit_price", "line_total"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "account", "reference", "total", "created_at"]
    list_filter = ["account"]
    search_fields = ["id", "reference"]
    readonly_fields = [
        "id",
        "account",
        "reference",
        "subtotal",
        "shipping",
        "total",
        "currency",
        "shipping_address",
        "created_at",
    ]
    inlines = [OrderLineInline]

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["key", "account", "response_status", "order", "created_at"]
    search_fields = ["key"]
    readonly_fields = [
        "account",
        "key",
        "request_hash",
        "response_status",
        "response_body",
        "order",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False
