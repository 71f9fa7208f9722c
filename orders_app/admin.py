import json

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.html import format_html

from accounts.admin import CupboardUserAdmin
from orders_app.models import Address, BuyerSettings, Cart, CartLine, Order, OrderEvent, OrderLine
from orders_app.notices import money
from orders_app.services import (
    address_create,
    address_delete,
    address_update,
    order_reconcile,
    order_submit,
)
from supplier.client import get_client


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    """The address book, written through the same services (and audit) as its pages."""

    list_display = ["label", "name", "line1", "city", "state", "zip", "created_by", "updated_at"]
    search_fields = ["label", "name", "line1", "city", "zip"]
    list_filter = ["state"]
    readonly_fields = ["created_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        if change:
            address_update(user=request.user, address=obj, changed=bool(form.changed_data))
        else:
            address_create(user=request.user, address=obj)

    def delete_model(self, request, obj):
        address_delete(user=request.user, address=obj)

    def delete_queryset(self, request, queryset):
        for address in queryset:
            address_delete(user=request.user, address=address)


class BuyerSettingsInline(admin.StackedInline):
    model = BuyerSettings
    fields = ["approval_threshold", "default_address"]
    can_delete = False
    max_num = 1
    verbose_name_plural = "buying"


class BuyingUserAdmin(CupboardUserAdmin):
    """The accounts app's user admin, with each buyer's spending threshold under "Buying"."""

    inlines = [*CupboardUserAdmin.inlines, BuyerSettingsInline]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), BuyingUserAdmin)


@admin.register(BuyerSettings)
class BuyerSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "threshold", "default_address"]

    @admin.display(description="spending threshold", ordering="approval_threshold")
    def threshold(self, row: BuyerSettings) -> str:
        return money(row.approval_threshold) or "the default"

    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "default_address"]


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
    fields = ["sku", "name", "qty", "unit_price_display", "line_total_display"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description="unit price")
    def unit_price_display(self, line: OrderLine) -> str:
        whole, _, cents = f"{line.unit_price:,.4f}".partition(".")
        return f"${whole}.{cents.rstrip('0').ljust(2, '0')}"  # $0.048, $1.25, $3.00

    @admin.display(description="line total")
    def line_total_display(self, line: OrderLine) -> str:
        return money(line.line_total)

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

    list_display = ["reference", "placed_by", "status", "supplier_order_id", "amount",
                    "created_at", "attempts"]  # fmt: skip
    list_filter = [
        "state",
        "supplier_status",
        "created_at",
        ("placed_by", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["reference", "po_number", "supplier_order_id", "placed_by__username",
                     "idempotency_key"]  # fmt: skip
    list_select_related = ["placed_by", "placed_on_behalf_by"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    fieldsets = [
        (None, {"fields": ["reference", "placed_by", "placed_on_behalf_by", "status", "state",
                           "po_number", "address", "notes", "created_at"]}),
        ("Ledger", {"fields": ["idempotency_key", "attempts", "next_attempt_at", "claimed_until",
                               "problem", "problem_details"]}),
        ("Cup Source", {"fields": ["supplier_order_id", "supplier_status", "checkout_subtotal",
                                   "subtotal_display", "shipping_display", "total_display",
                                   "currency", "accepted_at"]}),
        ("Approval", {"fields": ["threshold_display", "reviewed_by", "reviewed_at",
                                 "review_comment"]}),
        ("Request body (POST /orders)", {"fields": ["payload_json"]}),
        ("Tracking", {"classes": ["collapse"],
                      "fields": ["tracking_json", "tracking_fetched_at", "tracking_checked_at"]}),
    ]  # fmt: skip
    readonly_fields = [
        *[f.name for f in Order._meta.fields if f.name not in {"notes", "payload", "tracking"}],
        "payload_json",
        "tracking_json",
        "status",
        "amount",
        "checkout_subtotal",
        "subtotal_display",
        "shipping_display",
        "total_display",
        "threshold_display",
    ]

    @admin.display(description="status", ordering="state")
    def status(self, order: Order) -> str:
        """As the buyer sees it ("Being prepared", "Waiting for approval")."""
        return order.status_label

    @admin.display(description="total", ordering="total")
    def amount(self, order: Order) -> str:
        """Cup Source's total once it answered, else the subtotal at checkout."""
        return money(order.total) or f"{money(order.expected_subtotal)} (subtotal)"

    @admin.display(description="subtotal at checkout")
    def checkout_subtotal(self, order: Order) -> str:
        return money(order.expected_subtotal)

    @admin.display(description="subtotal")
    def subtotal_display(self, order: Order) -> str:
        return money(order.subtotal) or "—"

    @admin.display(description="shipping")
    def shipping_display(self, order: Order) -> str:
        return money(order.shipping) or "—"

    @admin.display(description="total")
    def total_display(self, order: Order) -> str:
        return money(order.total) or "—"

    @admin.display(description="approval threshold")
    def threshold_display(self, order: Order) -> str:
        return money(order.approval_threshold) or "— (needed no approval)"

    actions = ["send_or_reconcile_now"]

    @admin.display(description="payload")
    def payload_json(self, order: Order) -> str:
        return format_html("<pre>{}</pre>", json.dumps(order.payload, indent=2))

    @admin.display(description="tracking")
    def tracking_json(self, order: Order) -> str:
        return format_html("<pre>{}</pre>", json.dumps(order.tracking, indent=2))

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
