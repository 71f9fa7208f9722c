"""Carts, the address book and the order ledger.

An `Order` here is Cupboard's own record of a checkout, written *before* anything is sent to
Cup Source (with the idempotency key and the exact payload), so no order can be lost, and moved
through its ledger states as the supplier answers.
"""

import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.roles import TEAM_ORDERS, order_visibility
from catalog_app.models import Product
from orders_app.quantities import MAX_ORDER_SUBTOTAL, MAX_UNITS, UnitsOfProduct


class Address(models.Model):
    """A ship-to address in the organisation's shared address book."""

    label = models.CharField(max_length=80, help_text="How your team calls it, e.g. “Main café”.")
    name = models.CharField("Recipient or business", max_length=100, blank=True)
    line1 = models.CharField("Street address", max_length=200)
    line2 = models.CharField("Suite, unit (optional)", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    zip = models.CharField("ZIP code", max_length=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["label"]
        verbose_name_plural = "addresses"

    def __str__(self):
        return f"{self.label} — {self.line1}, {self.city}, {self.state} {self.zip}"

    def as_api(self) -> dict:
        """The `shipping_address` object of POST /orders (optional fields only when set)."""
        data = {"line1": self.line1, "city": self.city, "state": self.state, "zip": self.zip}
        if self.line2:
            data["line2"] = self.line2
        if self.name:
            data["name"] = self.name
        return data


class BuyerSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="buyer_settings"
    )
    default_address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL)
    approval_threshold = models.DecimalField(
        "spending threshold (USD)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Orders with a subtotal above this wait for an approver before they are sent. "
        "Empty: the organisation's default (APPROVAL_THRESHOLD).",
    )

    class Meta:
        verbose_name = verbose_name_plural = "buyer settings"

    def __str__(self):
        return f"Settings of {self.user}"


class Cart(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CHECKED_OUT = "checked_out", "Checked out"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carts"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="open"), name="one_open_cart_per_user"
            ),
        ]

    def __str__(self):
        return f"Cart #{self.pk} of {self.user} ({self.status})"


class CartLine(UnitsOfProduct, models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    qty = models.PositiveIntegerField(help_text="Units")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="one_line_per_product"),
            models.CheckConstraint(
                condition=Q(qty__gte=1, qty__lte=MAX_UNITS), name="cartline_qty_within_policy"
            ),
        ]

    def __str__(self):
        return f"{self.qty} × {self.product.sku}"

    @property
    def owner_id(self) -> int | None:
        """The cart's user, without loading the cart if it is not loaded (None: cart gone)."""
        if CartLine.cart.is_cached(self):
            return self.cart.user_id
        return Cart.objects.filter(pk=self.cart_id).values_list("user_id", flat=True).first()


def cart_line_count(user) -> int:
    """How many lines the user's open cart has (the header's badge)."""
    return CartLine.objects.filter(cart__user=user, cart__status=Cart.Status.OPEN).count()


def subtotal(lines: Iterable) -> Decimal:
    """The sum of the lines' `line_total` (cart lines, order lines, list items, pasted lines)."""
    return sum((line.line_total for line in lines), Decimal(0))


class SupplierStatus(models.TextChoices):
    """What Cup Source says of an order it accepted (`Order.supplier_status`)."""

    RECEIVED = "received", "Received by Cup Source"
    PROCESSING = "processing", "Being prepared"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled by Cup Source"


class OrderQuerySet(models.QuerySet):
    def for_user(self, user):
        """A user's own orders: the ones they may change, cancel or reorder."""
        return self.filter(placed_by=user)

    def visible_to(self, user):
        """The orders a user may see: their own and those they entered for a buyer (staff), and
        — when the team's orders are visible (accounts.roles.order_visibility) — everyone's,
        read-only."""
        if order_visibility() == TEAM_ORDERS:
            return self.all()
        return self.filter(Q(placed_by=user) | Q(placed_on_behalf_by=user))

    def due(self, now=None):
        """Queued and in-doubt orders whose next attempt is due: the worker's sweep."""
        return self.filter(
            state__in=[Order.State.QUEUED, Order.State.IN_DOUBT],
            next_attempt_at__lte=now or timezone.now(),
        )

    def undelivered(self):
        """Orders Cup Source accepted that have not arrived yet (nor been cancelled)."""
        return self.filter(state=Order.State.ACCEPTED).exclude(
            supplier_status__in=[SupplierStatus.DELIVERED, SupplierStatus.CANCELLED]
        )


class Order(models.Model):
    class State(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", "Waiting for approval"
        SUBMITTING = "submitting", "Sending to Cup Source"
        QUEUED = "queued", "Queued"
        IN_DOUBT = "in_doubt", "Checking with Cup Source"
        NEEDS_CHANGES = "needs_changes", "Needs changes"
        HELD = "held", "Held for your review"
        ACCEPTED = "accepted", "Placed"
        REJECTED = "rejected", "Not approved"
        CANCELLED = "cancelled", "Cancelled"

    # States the worker picks up; an order in any other state is left alone.
    PENDING_STATES = (State.SUBMITTING, State.QUEUED, State.IN_DOUBT)
    # States in which an order waits for someone: the buyer (refused, or held for review), the
    # worker (queued, unsure) or an approver. The overview's "needs you" and the order list's
    # "Needs attention".
    ATTENTION_STATES = (
        State.NEEDS_CHANGES, State.HELD, State.IN_DOUBT, State.QUEUED, State.PENDING_APPROVAL,
    )  # fmt: skip
    # States in which the buyer may change the lines and send the order (`order_resubmit`): Cup
    # Source refused it, or it was written held for review (a standing order short of stock).
    CHANGEABLE_STATES = (State.NEEDS_CHANGES, State.HELD)
    # Every state of an order that is not (yet) with Cup Source and not finished.
    UNSENT_STATES = (
        State.SUBMITTING, State.QUEUED, State.IN_DOUBT, State.NEEDS_CHANGES, State.HELD,
        State.PENDING_APPROVAL,
    )  # fmt: skip

    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    placed_on_behalf_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member who entered it for the buyer (a phoned-in order); staff "
        "never approve such an order.",
    )
    cart = models.OneToOneField(
        Cart, null=True, blank=True, on_delete=models.SET_NULL, related_name="order"
    )
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.SUBMITTING, db_index=True
    )
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=64, db_index=True)
    po_number = models.CharField("PO reference", max_length=64, blank=True)
    notes = models.TextField(blank=True)
    address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField(help_text="The exact body sent with POST /orders.")
    # What the buyer saw at checkout.
    expected_subtotal = models.DecimalField(max_digits=14, decimal_places=4)
    # What the supplier answered.
    supplier_order_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    supplier_status = models.CharField(max_length=16, blank=True, choices=SupplierStatus.choices)
    subtotal = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    shipping = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    problem = models.TextField(
        blank=True, help_text="Why the order is not placed yet, for the buyer."
    )
    problem_details = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Tracking, as last fetched (kept so it can be shown with its age when the API is down).
    tracking = models.JSONField(null=True, blank=True)
    tracking_fetched_at = models.DateTimeField(null=True, blank=True)
    tracking_checked_at = models.DateTimeField(null=True, blank=True)
    # Approval: set when the subtotal was over the buyer's spending threshold at checkout.
    approval_threshold = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The spending threshold the order was over (empty: it needed no approval).",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    approved_subtotal = models.DecimalField(
        max_digits=14,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The subtotal an approver approved; a change up to it needs no new approval.",
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_order", "Can approve or reject orders over a spending threshold")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected_subtotal__gte=0, expected_subtotal__lte=MAX_ORDER_SUBTOTAL),
                name="order_subtotal_within_policy",
            ),
        ]

    def __str__(self):
        return f"Order {self.reference}"

    TONES = {
        State.PENDING_APPROVAL: "info",
        State.REJECTED: "error",
        State.SUBMITTING: "info",
        State.QUEUED: "warn",
        State.IN_DOUBT: "warn",
        State.NEEDS_CHANGES: "error",
        State.HELD: "warn",
        State.CANCELLED: "muted",
    }

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING_STATES

    @property
    def is_changeable(self) -> bool:
        """Whether the buyer may change its lines and send it (refused, or held for review)."""
        return self.state in self.CHANGEABLE_STATES

    @property
    def status_label(self) -> str:
        if self.state == self.State.ACCEPTED:
            return dict(SupplierStatus.choices).get(self.supplier_status, "Placed")
        return self.get_state_display()

    @property
    def status_tone(self) -> str:
        """The badge colour: ok, info, warn, error or muted."""
        if self.state == self.State.ACCEPTED:
            return "muted" if self.supplier_status == SupplierStatus.CANCELLED else "ok"
        return self.TONES[self.state]

    @property
    def shipping_address(self) -> dict:
        return self.payload["shipping_address"]

    @property
    def units(self) -> int:
        return self.lines.aggregate(n=Sum("qty"))["n"] or 0


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, null=True, on_delete=models.SET_NULL, related_name="+")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    qty = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=4)
    line_total = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(qty__gte=1, qty__lte=MAX_UNITS), name="orderline_qty_within_policy"
            ),
        ]

    def __str__(self):
        return f"{self.qty} × {self.sku}"


class OrderEvent(models.Model):
    """The order's history as the buyer sees it: every state change, who or what caused it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=Order.State.choices)
    message = models.TextField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.order} → {self.state}"


class SeenDelivery(models.Model):
    """The estimated delivery date of an order as the buyer last acknowledged it. When the
    tracking copy stored on the order says another date, the overview shows "delivery moved"
    until the buyer presses "Got it"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    estimated_delivery = models.DateField(null=True)
    seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "seen deliveries"
        constraints = [
            models.UniqueConstraint(fields=["user", "order"], name="one_seen_date_per_order"),
        ]

    def __str__(self):
        return f"{self.user} saw {self.order} due {self.estimated_delivery}"
