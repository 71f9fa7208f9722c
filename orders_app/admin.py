from django.contrib import admin, messages

from dashboard.supplier import get_client
from orders_app.models import Address, BuyerSettings, Cart, CartLine, Order, OrderEvent, OrderLine
from orders_app.services import order_reconcile, order_submit


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["label", "name", "line1", "city", "state", "zip", "updated_at"]
    search_fields = ["label", "name", "line1", "city", "zip"]
    list_filter = ["state"]


@admin.register(BuyerSettings)
class BuyerSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "default_address"]


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["pk", "user", "status", "updated_at"]
    list_filter = ["status"]
    inlines = [CartLineInline]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["sku", "name", "qty", "unit_price", "line_total"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    fields = ["at", "state", "message", "actor"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """The submission ledger. Its fields are written by the ledger only, so they are read-only
    here; staff can nudge a stuck order with the actions."""

    list_display = ["reference", "placed_by", "state", "supplier_order_id", "supplier_status",
                    "total", "created_at", "attempts"]  # fmt: skip
    list_filter = ["state", "supplier_status", "created_at"]
    search_fields = ["reference", "po_number", "supplier_order_id", "placed_by__username"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    readonly_fields = [f.name for f in Order._meta.fields if f.name != "notes"]
    actions = ["send_or_reconcile_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send queued / reconcile in-doubt orders now")
    def send_or_reconcile_now(self, request, queryset):
        done = 0
        with get_client() as client:
            for order in queryset.filter(state__in=Order.PENDING_STATES):
                if order.state == Order.State.IN_DOUBT:
                    order_reconcile(order=order, client=client)
                else:
                    order_submit(order=order, client=client)
                done += 1
        self.message_user(request, f"Handled {done} order(s); see their states.", messages.INFO)
