"""Cart and order services: every multi-step write of the orders app lives here.

The order ledger's promise: one checkout becomes exactly one order at Cup Source — never zero
without the buyer knowing, never two. How:

1. `order_place` writes the local order (state `submitting`, a fresh idempotency key, the exact
   payload, who placed it) in the same transaction that checks the cart out. Nothing has been
   sent yet, so nothing can be lost. An order whose subtotal is over the buyer's spending
   threshold is written as `pending_approval` instead and is not sent at all until an approver
   decides: `order_approve` makes it `queued` (certainly not created at Cup Source — it never
   left), so it goes out through step 2 with the key it was written with; `order_reject` ends it
   (`rejected`, with the approver's comment).
2. `order_submit` claims the order (a short lease, so no two processes send it at once) and
   POSTs it once with that key. The answer decides the state: `accepted`, `needs_changes` (the
   supplier refused it: the buyer fixes and resubmits), `queued` (certainly not created —
   rate limited, supplier unreachable, our key refused — the worker sends it later), or
   `in_doubt` (it may exist: timeout, dropped connection, 5xx).
3. `order_reconcile` settles `in_doubt`: it looks the order up by reference and only if the
   supplier has no such order re-sends it, with the same key.
4. `orders_process_due` is the worker's sweep over queued and in-doubt orders, and over orders
   whose sender died mid-request.
"""

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import Action, audit_address, audit_record
from accounts.roles import is_approver
from catalog_app.models import Product
from catalog_app.services import products_refresh
from core.once import consume
from cupsource.budget import Priority
from cupsource.client import CupSourceClient
from cupsource.errors import (
    OUTCOME_REJECTED,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CupSourceError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from cupsource.models import Order as SupplierOrder
from notifications.models import Notification
from orders_app.models import (
    Address,
    BuyerSettings,
    Cart,
    CartLine,
    Order,
    OrderEvent,
    OrderLine,
    SeenDelivery,
    subtotal,
)
from orders_app.notices import (
    notice_approval_requested,
    notice_decided,
    notice_needs_changes,
    notice_placed,
    notice_stuck,
)
from orders_app.problems import describe_error, describe_lookup_error
from orders_app.quantities import (
    QuantityCheck,
    check_order_size,
    check_quantity,
)
from orders_app.version import orders_changed

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 120  # longer than any single send: timeout × attempts + budget wait
RECHECK_TTL = 30  # seconds: reloading the checkout page does not cost an API call each time
RETRY_BASE = 30  # seconds; doubled per attempt up to RETRY_CAP
RETRY_CAP = 15 * 60


class ApprovalError(Exception):
    """An approval decision that cannot be made (already decided, own order, not an approver)."""


class CartError(Exception):
    """A cart change that cannot be made; `checks` say why, line by line."""

    def __init__(self, message: str, checks: dict[str, QuantityCheck] | None = None):
        super().__init__(message)
        self.message = message
        self.checks = checks or {}


# --- cart ------------------------------------------------------------------------------------


def cart_for(user) -> Cart:
    """The buyer's one open cart (created on first use)."""
    cart = Cart.objects.filter(user=user, status=Cart.Status.OPEN).first()
    if cart:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user)
    except IntegrityError:  # created by a parallel request
        return Cart.objects.get(user=user, status=Cart.Status.OPEN)


def cart_add(*, user, product: Product, qty: int) -> tuple[CartLine, QuantityCheck]:
    """Add `qty` units (to any already in the cart). Raises CartError if the total is invalid."""
    lines, checks = cart_add_lines(user=user, items=[(product, qty)])
    return lines[0], checks[product.sku]


def cart_add_lines(
    *, user, items: Iterable[tuple[Product, int]]
) -> tuple[list[CartLine], dict[str, QuantityCheck]]:
    """Add several products at once: all of them, or (CartError) none."""
    with transaction.atomic():
        cart = Cart.objects.select_for_update().get(pk=cart_for(user).pk)
        current = {line.product_id: line for line in cart.lines.select_related("product")}
        totals: dict[int, tuple[Product, int]] = {}
        for product, qty in items:
            existing = current[product.pk].qty if product.pk in current else 0
            before = totals.get(product.pk, (product, existing))[1]
            totals[product.pk] = (product, before + qty)
        checks = {product.sku: check_quantity(product, qty) for product, qty in totals.values()}
        if not all(check.ok for check in checks.values()):
            raise CartError("Some quantities need changing; nothing was added.", checks)
        after = {pid: (line.product, line.qty) for pid, line in current.items()} | totals
        if problem := order_size_problem(after.values()):
            raise CartError(problem + " Nothing was added.", checks)
        lines = []
        for product, qty in totals.values():
            line, _ = CartLine.objects.update_or_create(
                cart=cart, product=product, defaults={"qty": qty}
            )
            lines.append(line)
        cart.save(update_fields=["updated_at"])
    return lines, checks


def cart_add_once(*, user, product: Product, qty: int, once: str | None) -> CartLine:
    """A one-click "Add" (a lid that fits, a forecast's suggestion): `qty` units into the cart,
    at most once per `once` — the button's single-use token (AlreadyDone if it was used);
    CartError if the quantity is not valid."""
    with transaction.atomic():
        consume(once)
        lines, _ = cart_add_lines(user=user, items=[(product, qty)])
    return lines[0]


def matching_quantity(product: Product, qty: int) -> int:
    """As many of `product` as `qty` (lids for so many cups, cups for so many lids), rounded up
    to whole cases and at least its minimum."""
    cases = max(-(-qty // product.case_pack), product.min_cases)
    return cases * product.case_pack


def cart_set_quantity(*, line: CartLine, qty: int) -> QuantityCheck:
    check = check_quantity(line.product, qty)
    if not check.ok:
        raise CartError(check.error, {line.product.sku: check})
    with transaction.atomic():
        others = line.cart.lines.exclude(pk=line.pk).select_related("product")
        items = [(other.product, other.qty) for other in others] + [(line.product, qty)]
        if problem := order_size_problem(items):
            raise CartError(problem, {line.product.sku: check})
        line.qty = qty
        line.save(update_fields=["qty"])
    return check


def order_size_problem(items: Iterable[tuple[Product, int]]) -> str:
    """`check_order_size` for (product, units) pairs about to be a cart or an order."""
    lines = [CartLine(product=product, qty=qty) for product, qty in items]
    return check_order_size(lines=len(lines), subtotal=subtotal(lines))


def cart_remove(*, line: CartLine) -> None:
    line.delete()


def cart_empty(*, cart: Cart) -> None:
    cart.lines.all().delete()


def matching_lid(product: Product) -> Product | None:
    """The first compatible lid the mirror still offers, for "Add matching lids"."""
    if not product.takes_lids or not product.compatible_lids:
        return None
    lids = Product.objects.available().filter(sku__in=product.compatible_lids)
    by_sku = {lid.sku: lid for lid in lids}
    return next((by_sku[sku] for sku in product.compatible_lids if sku in by_sku), None)


def lid_quantity(lid: Product, qty: int) -> int:
    """As many lids as cups, rounded up to whole cases of lids and at least the minimum."""
    return matching_quantity(lid, qty)


# --- checkout: the fresh re-check ------------------------------------------------------------


@dataclass
class Recheck:
    """What changed since the mirror was synced, from one fresh look-up at checkout."""

    ok: bool  # False: the supplier could not be asked (the changes list is then empty)
    changes: list[str] = field(default_factory=list)
    problem: str = ""


def cart_recheck(*, cart: Cart, client: CupSourceClient) -> Recheck:
    """Fetch fresh stock and price for the cart's SKUs (one call per 100 of them: a cart has up
    to 200), update the mirror, and say what changed for the buyer."""
    lines = list(cart.lines.select_related("product"))
    skus = [line.product.sku for line in lines]
    if not skus:
        return Recheck(ok=True)
    try:
        fresh = {p.sku: p for p in client.iter_products(skus=skus, per_page=100)}
    except CupSourceError as exc:
        return Recheck(ok=False, problem=describe_lookup_error(exc))
    changes = []
    for line in lines:
        product, now = line.product, fresh.get(line.product.sku)
        if now is None:
            changes.append(
                f"{product.sku} is no longer offered by Cup Source: remove it to continue."
            )
            continue
        if now.unit_price != product.unit_price:
            changes.append(
                f"{product.sku}: the unit price changed "
                f"from ${product.unit_price} to ${now.unit_price}."
            )
        if now.stock < line.qty:
            changes.append(
                f"{product.sku}: only {now.stock:,} in stock now; you want {line.qty:,}."
            )
    products_refresh(products=[line.product for line in lines], fresh=fresh)
    return Recheck(ok=True, changes=changes)


def checkout_recheck(*, cart: Cart, client_factory) -> Recheck:
    """`cart_recheck`, asked at most once per cart version every RECHECK_TTL seconds (a reload
    of the checkout page costs no API call); a failed look-up is asked again next time."""
    key = f"checkout:recheck:{cart.pk}:{cart.updated_at.timestamp()}"
    recheck = cache.get(key)
    if recheck is None:
        with client_factory() as client:
            recheck = cart_recheck(cart=cart, client=client)
        if recheck.ok:
            cache.set(key, recheck, RECHECK_TTL)
    return recheck


# --- placing and submitting ------------------------------------------------------------------


def approval_threshold_for(user) -> Decimal:
    """The subtotal above which the user's orders wait for an approver: their own threshold
    (Buyer settings in the admin) or else the organisation's APPROVAL_THRESHOLD."""
    own = (
        BuyerSettings.objects.filter(user=user).values_list("approval_threshold", flat=True).first()
    )
    return settings.APPROVAL_THRESHOLD if own is None else own


def order_place(
    *,
    user,
    cart: Cart,
    address: Address,
    po_number: str = "",
    notes: str = "",
    on_behalf_by=None,
) -> Order:
    """Check the cart out into a new local order (`order_write`). Placing the same cart twice
    (double click, two tabs) returns the order the first placing made. `on_behalf_by`: the
    staff member placing `user`'s cart for them (orders_app/on_behalf.py)."""
    with transaction.atomic():
        cart = Cart.objects.select_for_update().get(pk=cart.pk, user=user)
        if cart.status != Cart.Status.OPEN:
            return cart.order
        lines = list(cart.lines.select_related("product"))
        order = order_write(
            user=user,
            items=[(line.product, line.qty) for line in lines],
            address=address,
            po_number=po_number,
            notes=notes,
            cart=cart,
            actor=on_behalf_by or user,
            on_behalf_by=on_behalf_by,
        )
        cart.status = Cart.Status.CHECKED_OUT
        cart.save(update_fields=["status", "updated_at"])
    return order


def order_write(
    *,
    user,
    items: list[tuple[Product, int]],
    address: Address,
    po_number: str = "",
    notes: str = "",
    cart: Cart | None = None,
    held: str = "",
    origin: str = "Order written",
    actor=None,
    on_behalf_by=None,
) -> Order:
    """Write a new local order for `user` from (product, units) lines — every order comes to be
    here: the checkout (`order_place`) and a standing order's occurrence. It is `submitting`
    (ready to send), or `pending_approval` when its subtotal is over the buyer's spending
    threshold (approvers' own orders included: nobody approves their own), or — with `held`,
    the reason — `held` for the buyer to review, change and send (`order_resubmit`) or cancel.
    Every quantity is checked (CartError with the checks, and nothing written, if one is not
    valid), and so is the order's size. `origin` starts the order's first event; `actor` is who
    did it (None: Cupboard itself); `on_behalf_by`, the staff member who entered it for `user`.
    Call it inside the transaction that causes the order."""
    with transaction.atomic():
        if not items:
            raise CartError("The cart is empty.")
        checks = {product.sku: check_quantity(product, qty) for product, qty in items}
        if not all(check.ok for check in checks.values()):
            raise CartError("Some quantities need changing before you can order.", checks)
        lines = [CartLine(product=product, qty=qty) for product, qty in items]
        total = subtotal(lines)
        if problem := check_order_size(lines=len(lines), subtotal=total):
            raise CartError(problem, checks)
        key = uuid.uuid4()
        reference = po_number or f"CB-{key.hex[:10].upper()}"
        payload = {
            "items": [{"sku": product.sku, "qty": qty} for product, qty in items],
            "shipping_address": address.as_api(),
            "currency": "USD",
            "reference": reference,
        }
        threshold = approval_threshold_for(user)
        needs_approval = not held and total > threshold
        if held:
            state = Order.State.HELD
        else:
            state = Order.State.PENDING_APPROVAL if needs_approval else Order.State.SUBMITTING
        if on_behalf_by is not None:
            origin = f"{origin} by {_name(on_behalf_by)} (staff) for {_name(user)}"
        order = Order.objects.create(
            placed_by=user,
            placed_on_behalf_by=on_behalf_by,
            cart=cart,
            state=state,
            idempotency_key=key,
            reference=reference,
            po_number=po_number,
            notes=notes,
            address=address,
            payload=payload,
            expected_subtotal=total,
            approval_threshold=threshold if needs_approval else None,
            problem=held,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=line.product,
                sku=line.product.sku,
                name=line.product.name,
                qty=line.qty,
                unit_price=line.product.unit_price,
                line_total=line.line_total,
            )
            for line in lines
        )
        if held:
            _event(order, f"{origin}; held for your review: {held}", actor=actor)
        elif needs_approval:
            _event(order, f"{origin}; " + _waits_for_approval(threshold), actor=actor)
            notice_approval_requested(order)
        else:
            _event(order, f"{origin}; sending it to Cup Source.", actor=actor)
        _audit_submitted(order, on_behalf_by or user)
    return order


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def waits_for_approval(user, total: Decimal) -> Decimal | None:
    """The spending threshold an order of this subtotal by `user` would be over (it then waits
    for an approver), or None: what checkout says before the buyer places it."""
    threshold = approval_threshold_for(user)
    return threshold if total > threshold else None


SHIPPING_FREE_FROM = Decimal("500.00")  # the contract's rule (cupsource-v1.md, POST /orders)
SHIPPING_FLAT = Decimal("25.00")


def shipping_estimate(total: Decimal) -> Decimal:
    """Cup Source's shipping for an order of this subtotal, by the contract's rule: free from
    $500.00, else a flat $25.00. An estimate: Cup Source's answer is what the order costs."""
    return Decimal("0.00") if total >= SHIPPING_FREE_FROM else SHIPPING_FLAT


def order_approve(*, order: Order, approver, comment: str = "") -> Order:
    """Release an order that waits for approval. It becomes `queued` — it was certainly never
    sent — due now, so the normal ledger path sends it once with its own idempotency key: the
    caller's `order_submit` right away, or else the worker's sweep."""
    with transaction.atomic():
        order = _for_review(order, approver)
        lines = list(order.lines.all())
        if problem := check_order_size(lines=len(lines), subtotal=subtotal(lines)):
            raise ApprovalError(f"It cannot be sent as it is: {problem} Reject it, saying so.")
        order.state = Order.State.QUEUED
        order.next_attempt_at = timezone.now()
        order.reviewed_by, order.reviewed_at = approver, timezone.now()
        order.review_comment = comment.strip()
        order.approved_subtotal = order.expected_subtotal
        order.save(
            update_fields=[
                "state", "next_attempt_at", "reviewed_by", "reviewed_at", "review_comment",
                "approved_subtotal",
            ]
        )  # fmt: skip
        _event(order, _decision("Approved", approver, order.review_comment), actor=approver)
        _audit_decision(order, approver, Action.ORDER_APPROVED, "Approved")
        notice_decided(order, approved=True)
    return order


def order_reject(*, order: Order, approver, comment: str) -> Order:
    """Turn down an order that waits for approval; it ends `rejected` (nothing was sent) and
    the buyer sees the comment, which is therefore required."""
    if not comment.strip():
        raise ApprovalError("Say why you reject the order, so the buyer knows what to change.")
    with transaction.atomic():
        order = _for_review(order, approver)
        order.state = Order.State.REJECTED
        order.reviewed_by, order.reviewed_at = approver, timezone.now()
        order.review_comment = comment.strip()
        order.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
        _event(order, _decision("Rejected", approver, order.review_comment), actor=approver)
        _audit_decision(order, approver, Action.ORDER_REJECTED, "Rejected")
        notice_decided(order, approved=False)
    return order


def _for_review(order: Order, approver) -> Order:
    """The order, locked, if `approver` may decide on it now."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not is_approver(approver):
        raise ApprovalError("Only approvers can approve or reject orders.")
    if order.placed_by_id == approver.pk:
        raise ApprovalError("Nobody approves their own order: another approver decides on it.")
    if order.placed_on_behalf_by_id is not None and approver.is_staff:
        raise ApprovalError(
            "Staff entered this order for the buyer, so staff never approve it: one of the "
            "team's approvers decides."
        )
    if order.state != Order.State.PENDING_APPROVAL:
        raise ApprovalError(
            f"Order {order.reference} is no longer waiting for approval "
            f"(it is {order.status_label.lower()})."
        )
    return order


def _waits_for_approval(threshold: Decimal) -> str:
    return (
        f"its subtotal is over the approval limit of ${threshold:,.2f}, "
        "so it waits for an approver before it is sent to Cup Source."
    )


def _decision(verb: str, approver, comment: str) -> str:
    name = approver.get_full_name() or approver.get_username()
    return f"{verb} by {name}: “{comment}”" if comment else f"{verb} by {name}."


def _audit_submitted(order: Order, user, *, resent: bool = False) -> None:
    outcome = {
        Order.State.PENDING_APPROVAL: " — waits for approval",
        Order.State.HELD: " — held for the buyer's review",
    }.get(order.state, " — sending to Cup Source")
    staff = order.placed_on_behalf_by if not resent else None
    action = Action.ORDER_RESENT if resent else Action.ORDER_SUBMITTED
    for_whom = ""
    if staff is not None:
        action, for_whom = (
            Action.ORDER_ON_BEHALF,
            f" for {_name(order.placed_by)} by {_name(staff)}",
        )
    audit_record(
        action=action,
        actor=user,
        obj=order,
        summary=f"Order {order.reference}{for_whom} {'changed, ' if resent else ''}"
        f"(${order.expected_subtotal:,.2f})" + outcome,
        details={
            "reference": order.reference,
            "subtotal": str(order.expected_subtotal),
            "state": order.state,
            "lines": len(order.payload["items"]),
            "buyer": order.placed_by.get_username(),
        }
        | ({"on_behalf_by": staff.get_username()} if staff is not None else {}),
    )


def _audit_decision(order: Order, approver, action: str, verb: str) -> None:
    audit_record(
        action=action,
        actor=approver,
        obj=order,
        summary=f"{verb} order {order.reference} of {order.placed_by.get_username()} "
        f"(${order.expected_subtotal:,.2f})",
        details={
            "reference": order.reference,
            "buyer": order.placed_by.get_username(),
            "subtotal": str(order.expected_subtotal),
            "threshold": str(order.approval_threshold),
            "comment": order.review_comment,
        },
    )


def order_submit(*, order: Order, client: CupSourceClient, priority=Priority.INTERACTIVE) -> Order:
    """Send a `submitting` or `queued` order once, under a claim. Returns the order as it ends."""
    if not _claim(order, [Order.State.SUBMITTING, Order.State.QUEUED]):
        order.refresh_from_db()
        return order
    try:
        result = client.create_order(
            items=order.payload["items"],
            shipping_address=order.payload["shipping_address"],
            currency=order.payload["currency"],
            reference=order.payload["reference"],
            idempotency_key=str(order.idempotency_key),
            priority=priority,
        )
    except RateLimitError as exc:
        wait = exc.retry_after or RETRY_BASE
        _queue(order, exc, delay=wait)
    except AuthenticationError as exc:
        _queue(order, exc)
        logger.error("Cup Source refused the API key; order %s is queued", order.reference)
    except ConflictError as exc:
        _in_doubt(order, exc)
    except (BadRequestError, PermissionDeniedError, NotFoundError) as exc:
        _needs_changes(order, exc)
    except CupSourceError as exc:
        if exc.outcome == OUTCOME_REJECTED:
            _queue(order, exc)
        else:
            _in_doubt(order, exc)
    else:
        _accept(order, result)
    finally:
        Order.objects.filter(pk=order.pk).update(claimed_until=None)
    return order


def order_reconcile(*, order: Order, client: CupSourceClient) -> Order:
    """Find out whether an `in_doubt` order reached Cup Source; re-send it (same key) only if
    the supplier certainly does not have it."""
    if not _claim(order, [Order.State.IN_DOUBT]):
        order.refresh_from_db()
        return order
    try:
        match = _find_at_supplier(order, client)
    except CupSourceError as exc:
        logger.warning("Could not reconcile order %s yet: %s", order.reference, exc)
        order.attempts += 1
        order.next_attempt_at = timezone.now() + _backoff(order.attempts)
        order.save(update_fields=["attempts", "next_attempt_at"])
        Order.objects.filter(pk=order.pk).update(claimed_until=None)
        return order
    if match is not None:
        _accept(order, match, how="Found at Cup Source after an interrupted send.")
        Order.objects.filter(pk=order.pk).update(claimed_until=None)
        return order
    order.state = Order.State.SUBMITTING
    order.save(update_fields=["state"])
    _event(order, "Cup Source has no such order; sending it again with the same key.")
    Order.objects.filter(pk=order.pk).update(claimed_until=None)
    return order_submit(order=order, client=client, priority=Priority.BACKGROUND)


def order_found_at_supplier(*, order: Order, remote: SupplierOrder, how: str) -> Order:
    """Cup Source has this order, which Cupboard has not recorded as accepted (after a restore,
    orders_app/restore.py): record it as accepted — it is never sent again."""
    _accept(order, remote, how=how)
    return order


def record_event(order: Order, message: str, actor=None) -> None:
    """Add a line to the order's history (for writers outside this module)."""
    _event(order, message, actor=actor)


def orders_process_due(*, client: CupSourceClient, now=None) -> int:
    """The worker's sweep: send queued orders that are due, reconcile in-doubt ones, and treat
    orders stuck in `submitting` (their sender died) as in doubt. Returns how many it handled."""
    now = now or timezone.now()
    stale = Order.objects.filter(
        state=Order.State.SUBMITTING, created_at__lt=now - timedelta(seconds=CLAIM_SECONDS)
    ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    for order in stale:
        order.state = Order.State.IN_DOUBT
        order.next_attempt_at = now
        order.save(update_fields=["state", "next_attempt_at"])
        _event(order, "The send was interrupted; checking with Cup Source.")
    due = Order.objects.due(now).order_by("next_attempt_at")
    handled = 0
    for order in due:
        if order.state == Order.State.QUEUED:
            order_submit(order=order, client=client, priority=Priority.BACKGROUND)
        else:
            order_reconcile(order=order, client=client)
        handled += 1
    return handled


def order_resubmit(
    *, order: Order, user, quantities: dict[int, int] | None = None, address: Address | None = None
) -> Order:
    """After `needs_changes` (or `held`, for review): apply the buyer's new quantities (line
    id → units, 0 removes the line; every one checked against the catalog first — CartError
    with the checks, and nothing changed, if any is not valid), rebuild the payload from the
    lines and send it as a new submission. The refused (or held) order created nothing, so a
    new key is safe. If
    the changes take the subtotal over the buyer's threshold (and over what an approver
    already approved), it waits for approval again instead of being sent."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state not in Order.CHANGEABLE_STATES:
            return order
        sent = (
            "Changed and sent again."
            if order.state == Order.State.NEEDS_CHANGES
            else ("Reviewed and sent.")
        )
        lines = _set_line_quantities(list(order.lines.select_related("product")), quantities or {})
        if address is not None:
            order.address = address
        order.idempotency_key = uuid.uuid4()
        order.payload = {
            **order.payload,
            "items": [{"sku": line.sku, "qty": line.qty} for line in lines],
            "shipping_address": order.address.as_api()
            if order.address
            else order.payload["shipping_address"],
        }
        order.problem, order.problem_details = "", {}
        order.expected_subtotal = total = subtotal(lines)
        if problem := check_order_size(lines=len(lines), subtotal=total):
            raise CartError(problem)
        threshold = approval_threshold_for(order.placed_by)
        approved_up_to = order.approved_subtotal if order.approved_subtotal is not None else -1
        if total > threshold and total > approved_up_to:
            order.state = Order.State.PENDING_APPROVAL
            order.approval_threshold, order.approved_subtotal = threshold, None
            order.reviewed_by, order.reviewed_at, order.review_comment = None, None, ""
            order.save()
            _event(order, "Changed; " + _waits_for_approval(threshold), actor=user)
            notice_approval_requested(order)
        else:
            order.state = Order.State.SUBMITTING
            order.save()
            _event(order, sent, actor=user)
        _audit_submitted(order, user, resent=True)
    return order


def _set_line_quantities(lines: list[OrderLine], quantities: dict[int, int]) -> list[OrderLine]:
    """Give each line its new quantity (0 removes it) once every new quantity checks out, and
    return the lines that remain. CartError, and nothing changed, if any does not."""
    remaining = [line for line in lines if quantities.get(line.pk, line.qty) > 0]
    if not remaining:
        raise CartError(
            "An order needs at least one line. To drop every line, cancel the order instead."
        )
    checks = {}
    for line in remaining:
        if line.product is not None:
            checks[line.sku] = check_quantity(line.product, quantities.get(line.pk, line.qty))
    if not all(check.ok for check in checks.values()):
        raise CartError("Some quantities need changing; nothing was sent.", checks)
    for line in lines:
        qty = quantities.get(line.pk, line.qty)
        if qty == 0:
            line.delete()
        elif qty != line.qty:
            line.qty = qty
            line.line_total = line.unit_price * line.qty
            line.save(update_fields=["qty", "line_total"])
    return remaining


# --- state transitions -----------------------------------------------------------------------


def _claim(order: Order, states) -> bool:
    now = timezone.now()
    claimed = (
        Order.objects.filter(pk=order.pk, state__in=states)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    if claimed:
        order.refresh_from_db()
    return bool(claimed)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_CAP))


@transaction.atomic
def _accept(order: Order, result: SupplierOrder, how: str = "") -> None:
    order.state = Order.State.ACCEPTED
    order.supplier_order_id = result.id
    order.supplier_status = result.status
    order.subtotal, order.shipping, order.total = result.subtotal, result.shipping, result.total
    order.currency = result.currency
    order.accepted_at = timezone.now()
    order.problem, order.problem_details, order.next_attempt_at = "", {}, None
    order.attempts += 1
    order.save()
    prices = {item.sku: item for item in result.items}
    for line in order.lines.all():
        if line.sku in prices:
            line.unit_price, line.line_total = (
                prices[line.sku].unit_price,
                prices[line.sku].line_total,
            )
            line.save(update_fields=["unit_price", "line_total"])
    _event(order, how or f"Cup Source accepted the order as {result.id}.")
    notice_placed(order)


@transaction.atomic
def _needs_changes(order: Order, exc: CupSourceError) -> None:
    order.state = Order.State.NEEDS_CHANGES
    order.problem = describe_error(exc)
    order.problem_details = exc.details
    order.attempts += 1
    order.next_attempt_at = None
    order.save()
    _event(order, order.problem)
    notice_needs_changes(order)


def _queue(order: Order, exc: CupSourceError, delay: float | None = None) -> None:
    order.attempts += 1
    order.state = Order.State.QUEUED
    order.problem = describe_error(exc)
    wait = timedelta(seconds=delay) if delay is not None else _backoff(order.attempts)
    order.next_attempt_at = timezone.now() + wait
    order.save()
    _event(order, order.problem)


def _in_doubt(order: Order, exc: CupSourceError) -> None:
    order.attempts += 1
    order.state = Order.State.IN_DOUBT
    order.problem = describe_error(exc)
    order.next_attempt_at = timezone.now() + timedelta(seconds=5)
    order.save()
    _event(order, order.problem)


def _event(order: Order, message: str, actor=None) -> None:
    """Record a change of the order in its history: every write of an order comes through here
    (so the orders' version changes here too)."""
    OrderEvent.objects.create(order=order, state=order.state, message=message, actor=actor)
    orders_changed()


def _find_at_supplier(order: Order, client: CupSourceClient) -> SupplierOrder | None:
    """The supplier's order with this order's reference and exactly its lines and address, that
    no other local order already claims."""
    wanted_items = sorted((i["sku"], i["qty"]) for i in order.payload["items"])
    wanted_address = order.payload["shipping_address"]
    page_number = 1
    while True:
        page = client.list_orders(
            reference=order.reference, page=page_number, priority=Priority.BACKGROUND
        )
        for candidate in page.items:
            items = sorted((i.sku, i.qty) for i in candidate.items)
            address = candidate.shipping_address.model_dump(exclude_none=True)
            taken = (
                Order.objects.filter(supplier_order_id=candidate.id).exclude(pk=order.pk).exists()
            )
            if items == wanted_items and address == wanted_address and not taken:
                return candidate
        if not page.has_next:
            return None
        page_number += 1


def order_reorder(*, order: Order, user, once: str | None) -> tuple[int, list[str]]:
    """Put an old order's lines in the cart, checked against today's catalog: the lines that
    can be ordered as they were go in together (or, CartError, none); the others are skipped,
    each with the reason. `once` is the form's single-use token (AlreadyDone if used).
    Returns (lines added, reasons for the skipped ones)."""
    products = {
        p.sku: p for p in Product.objects.available().filter(sku__in=order.lines.values("sku"))
    }
    items, skipped = [], []
    for line in order.lines.all():
        product = products.get(line.sku)
        if product is None:
            skipped.append(f"{line.sku} is no longer offered")
            continue
        check = check_quantity(product, line.qty)
        if not check.ok:
            skipped.append(check.error)
            continue
        items.append((product, line.qty))
    with transaction.atomic():
        consume(once)
        if items:
            cart_add_lines(user=user, items=items)
    return len(items), skipped


STUCK_AFTER = timedelta(minutes=15)


def orders_notify_stuck(*, now=None) -> int:
    """Tell each buyer whose order is still not with Cup Source 15 minutes after it was written
    (queued, or being checked) why, and that nothing is lost — once per order and attempt."""
    now = now or timezone.now()
    stuck = {
        f"order:{order.pk}:stuck:{order.idempotency_key}": order
        for order in Order.objects.filter(
            state__in=Order.PENDING_STATES, created_at__lte=now - STUCK_AFTER
        ).select_related("placed_by")
    }
    told = set(Notification.objects.filter(event__in=stuck).values_list("event", flat=True))
    for event, order in stuck.items():
        if event not in told:
            with transaction.atomic():
                notice_stuck(order)
    return len(stuck.keys() - told)


def order_cancel(*, order: Order, user) -> bool:
    """Abandon an order Cup Source refused or one held for review, or withdraw one that waits
    for approval (none of them exists at Cup Source)."""
    cancelled = Order.objects.filter(
        pk=order.pk, state__in=[*Order.CHANGEABLE_STATES, Order.State.PENDING_APPROVAL]
    ).update(state=Order.State.CANCELLED)
    if cancelled:
        order.refresh_from_db()
        _event(order, "Cancelled by the buyer.", actor=user)
    return bool(cancelled)


# --- the address book ------------------------------------------------------------------------


def address_create(*, user, address: Address, make_default: bool = False) -> Address:
    """Add a (validated, unsaved) address to the team's book, optionally as the user's
    default ship-to; audited."""
    with transaction.atomic():
        address.created_by = user
        address.save()
        audit_address(address, user, Action.ADDRESS_CREATED)
        if make_default:
            address_set_default(user=user, address=address)
    return address


def address_update(
    *, user, address: Address, changed: bool = True, make_default: bool | None = None
) -> Address:
    """Save an edited address (audited when a field `changed`); `make_default` True or False
    makes it the user's default ship-to or stops it being so (None: leave as it is)."""
    with transaction.atomic():
        address.save()
        if changed:
            audit_address(address, user, Action.ADDRESS_CHANGED)
        if make_default is not None and make_default != (default_address_id(user) == address.pk):
            address_set_default(user=user, address=address if make_default else None)
    return address


def address_delete(*, user, address: Address) -> None:
    """Remove an address from the book (orders keep their own copy in their payload)."""
    with transaction.atomic():
        audit_address(address, user, Action.ADDRESS_DELETED)
        address.delete()


def address_set_default(*, user, address: Address | None) -> None:
    BuyerSettings.objects.update_or_create(user=user, defaults={"default_address": address})


def default_address_id(user) -> int | None:
    return (
        BuyerSettings.objects.filter(user=user).values_list("default_address_id", flat=True).first()
    )


# --- delivery dates the buyer has seen -------------------------------------------------------


def seen_deliveries(*, user, current: dict[int, date | None]) -> dict[int, date | None]:
    """The date the buyer last acknowledged for each order in `current` (order id → the date
    the stored tracking says now). An order seen for the first time is recorded with its
    current date, so only later moves are reported."""
    stored = dict(
        SeenDelivery.objects.filter(user=user, order_id__in=current).values_list(
            "order_id", "estimated_delivery"
        )
    )
    new = [order_id for order_id in current if order_id not in stored]
    if new:
        SeenDelivery.objects.bulk_create(
            [
                SeenDelivery(user=user, order_id=order_id, estimated_delivery=current[order_id])
                for order_id in new
            ],
            ignore_conflicts=True,
        )
        stored.update({order_id: current[order_id] for order_id in new})
    return stored


def delivery_seen(*, user, order_id: int, estimated_delivery: date | None) -> None:
    """The buyer has seen (acknowledged) this estimated delivery date."""
    SeenDelivery.objects.update_or_create(
        user=user, order_id=order_id, defaults={"estimated_delivery": estimated_delivery}
    )
