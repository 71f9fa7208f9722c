"""What the orders tell people: the kinds of notification they cause (registered in apps.py),
who hears each, and what the mail shows. Every `notice_*` is called inside the transaction of
the change it reports (orders_app/services.py, orders_app/tracking.py), so the notification
exists exactly when the change does; `event` keys make each one happen once.
"""

from datetime import date

from django.urls import reverse

from accounts.roles import approvers
from notifications import kinds
from notifications.kinds import DIGEST, IMMEDIATELY, Kind
from notifications.services import notify
from orders_app.models import Order

CARRIER_TRACKING = {
    "UPS": "https://www.ups.com/track?tracknum={number}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "DHL": "https://www.dhl.com/us-en/home/tracking.html?tracking-id={number}",
}

SHIPPED = {"in_transit", "out_for_delivery", "exception", "delivered"}  # tracking statuses

KINDS = [
    Kind("approval_requested", "An order waits for my approval",
         "Its lines, total, the buyer and a link straight to the decision.",
         "orders_app/mail/approval_requested", IMMEDIATELY, audience="approver"),
    Kind("approved", "My order was approved", "Who approved it, with their comment.",
         "orders_app/mail/approved"),
    Kind("rejected", "My order was not approved", "Who decided, and their comment.",
         "orders_app/mail/rejected"),
    Kind("needs_changes", "Cup Source refused my order", "What to change, line by line.",
         "orders_app/mail/needs_changes"),
    Kind("placed", "My order is placed",
         "The confirmation: lines, totals, PO, ship-to, Cup Source's id.",
         "orders_app/mail/placed"),
    Kind("stuck", "My order is still not sent after 15 minutes",
         "Why, and that nothing is lost.", "orders_app/mail/stuck"),
    Kind("shipped", "My order shipped", "The carrier and the tracking number.",
         "orders_app/mail/shipped", DIGEST),
    Kind("out_for_delivery", "My order is out for delivery",
         "On its way today, and whether someone must sign for it.",
         "orders_app/mail/out_for_delivery"),
    Kind("delivery_problem", "A delivery has a problem", "What the carrier reported.",
         "orders_app/mail/delivery_problem"),
    Kind("delivered", "My order was delivered", "When it arrived.",
         "orders_app/mail/delivered", DIGEST),
    Kind("eta_moved", "A delivery date moved", "The new date, when it moves by a day or more.",
         "orders_app/mail/eta_moved"),
]  # fmt: skip


def register_kinds() -> None:
    for kind in KINDS:
        kinds.register(kind)


def money(value) -> str:
    """An amount as buyers read it: "$4,510.50" (empty for none). Mails, the admin."""
    return "" if value is None else f"${value:,.2f}"


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def order_context(order: Order) -> dict:
    """What a mail about the order shows, as it is now (kept with the notification)."""
    lines = list(order.lines.all())
    address = order.payload.get("shipping_address", {})
    ship_to = ", ".join(
        part
        for part in [address.get(k) for k in ("name", "line1", "line2", "city")]
        + [f"{address.get('state', '')} {address.get('zip', '')}".strip()]
        if part
    )
    return {
        "reference": order.reference,
        "po": order.po_number,
        "buyer": _name(order.placed_by),
        "staff": _name(order.placed_on_behalf_by) if order.placed_on_behalf_by_id else "",
        "lines": [
            {
                "sku": line.sku,
                "name": line.name,
                "qty": f"{line.qty:,}",
                "unit_price": f"${line.unit_price}",
                "total": money(line.line_total),
            }
            for line in lines
        ],
        "subtotal": money(
            order.subtotal if order.subtotal is not None else order.expected_subtotal
        ),
        "shipping": money(order.shipping),
        "total": money(order.total),
        "ship_to": ship_to,
        "supplier_id": order.supplier_order_id or "",
        "threshold": money(order.approval_threshold),
        "problem": order.problem,
        "problems": [
            f"{path}: {' '.join(messages)}"
            for path, messages in (order.problem_details or {}).items()
        ],
    }


def notice_approval_requested(order: Order) -> None:
    subtotal = money(order.expected_subtotal)
    notify(
        kind="approval_requested",
        event=f"order:{order.pk}:approval-requested:{order.idempotency_key}",
        recipients=[
            user
            for user in approvers(exclude=order.placed_by)
            if not (order.placed_on_behalf_by_id and user.is_staff)  # staff never approve it
        ],
        subject=f"Approve {order.reference} — {subtotal} from {_name(order.placed_by)}",
        url=reverse("orders:approval_detail", args=[order.pk]),
        context=order_context(order),
    )


def notice_decided(order: Order, *, approved: bool) -> None:
    who = _name(order.reviewed_by) if order.reviewed_by else "an approver"
    verb = "was approved" if approved else "was not approved"
    notify(
        kind="approved" if approved else "rejected",
        event=f"order:{order.pk}:{'approved' if approved else 'rejected'}:{order.idempotency_key}",
        recipients=[order.placed_by],
        subject=f"{order.reference} {verb} by {who}",
        url=reverse("orders:order_detail", args=[order.pk]),
        context=order_context(order) | {"approver": who, "comment": order.review_comment},
    )


def notice_needs_changes(order: Order) -> None:
    notify(
        kind="needs_changes",
        event=f"order:{order.pk}:needs-changes:{order.idempotency_key}",
        recipients=[order.placed_by],
        subject=f"Cup Source refused {order.reference}: it needs changes",
        url=reverse("orders:order_detail", args=[order.pk]),
        context=order_context(order),
    )


def notice_placed(order: Order) -> None:
    notify(
        kind="placed",
        event=f"order:{order.pk}:placed",
        recipients=[order.placed_by],
        subject=f"{order.reference} is placed with Cup Source ({money(order.total)})",
        url=reverse("orders:order_detail", args=[order.pk]),
        context=order_context(order),
    )


def notice_stuck(order: Order) -> None:
    state = "still queued" if order.state == Order.State.QUEUED else "still being checked"
    notify(
        kind="stuck",
        event=f"order:{order.pk}:stuck:{order.idempotency_key}",
        recipients=[order.placed_by],
        subject=f"{order.reference} is {state} after 15 minutes — nothing is lost",
        url=reverse("orders:order_detail", args=[order.pk]),
        context=order_context(order) | {"state": order.get_state_display()},
    )


def tracking_url(carrier: str | None, number: str | None) -> str:
    """The carrier's own tracking page for the number, for the carriers Cupboard knows."""
    pattern = CARRIER_TRACKING.get(carrier or "")
    return pattern.format(number=number) if pattern and number else ""


def notice_tracking(order: Order, old: dict | None, new: dict) -> None:
    """The buyer hears of each step of the delivery once: shipped, out for delivery, a delivery
    problem, delivered, and an estimated date that moved by a day or more."""
    old = old or {}
    status, was = new.get("status"), old.get("status")
    context = order_context(order) | {
        "carrier": new.get("carrier") or "",
        "tracking_number": new.get("tracking_number") or "",
        "tracking_url": tracking_url(new.get("carrier"), new.get("tracking_number")),
        "eta": new.get("estimated_delivery") or "",
        "signature_required": bool(new.get("signature_required")),
    }
    url = reverse("orders:order_tracking", args=[order.pk])
    ref = order.reference

    def tell(kind: str, key: str, subject: str, **extra) -> None:
        notify(kind=kind, event=f"order:{order.pk}:{key}", recipients=[order.placed_by],
               subject=subject, url=url, context=context | extra)  # fmt: skip

    if status in SHIPPED and was not in SHIPPED:
        carrier = f" with {context['carrier']}" if context["carrier"] else ""
        tell("shipped", "shipped", f"{ref} shipped{carrier}")
    if status == "out_for_delivery" and was != "out_for_delivery":
        signature = " — someone must sign for it" if context["signature_required"] else ""
        tell("out_for_delivery", "out-for-delivery", f"{ref} is out for delivery{signature}")
    seen = {
        event.get("at") for event in old.get("events") or [] if event.get("status") == "exception"
    }
    for event in new.get("events") or []:
        if event.get("status") == "exception" and event.get("at") not in seen:
            place = f" ({event['location']})" if event.get("location") else ""
            problem = f"{event.get('description', 'Delivery problem')}{place}"
            tell("delivery_problem", f"problem:{event.get('at')}",
                 f"Delivery problem with {ref}: {problem}", problem=problem)  # fmt: skip
    if status == "delivered" and was != "delivered":
        tell("delivered", "delivered", f"{ref} was delivered")
    before, after = _date(old.get("estimated_delivery")), _date(new.get("estimated_delivery"))
    if before and after and abs((after - before).days) >= 1 and status != "delivered":
        subject = f"{ref} now arrives {after:%a %b %-d} (was {before:%b %-d})"
        tell("eta_moved", f"eta:{after}", subject, was=str(before))


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
