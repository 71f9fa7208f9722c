"""What standing orders tell their owner: the reminder the day before ("sends tomorrow: review
or skip") and what happened on the day. Registered in apps.py; each `notice_*` is called inside
the transaction of the change it reports (replenishment/services.py), and its `event` key makes
it happen once per date."""

from datetime import date

from django.urls import reverse

from notifications import kinds
from notifications.kinds import IMMEDIATELY, Kind
from notifications.services import notify
from orders_app.notices import money, order_context

KINDS = [
    Kind("standing_reminder", "A standing order sends tomorrow",
         "What it will order and where, the day before: review it, or skip that date.",
         "replenishment/mail/reminder", IMMEDIATELY),
    Kind("standing_ran", "What my standing order did on the day",
         "The order it wrote, what it changed for stock, or why it wrote none.",
         "replenishment/mail/ran", IMMEDIATELY),
]  # fmt: skip


def register_kinds() -> None:
    for kind in KINDS:
        kinds.register(kind)


def _day(day: date) -> str:
    return f"{day:%a, %b} {day.day}"


def standing_context(standing_order, day: date) -> dict:
    """What a mail about a standing order shows when there is no order (yet): its lines at
    today's prices, the ship-to and the PO it will carry — the same names as an order's mail."""
    lines = list(standing_order.lines.select_related("product"))
    address = standing_order.address
    po = standing_order.po_for(day, standing_order.next_number())
    return {
        "reference": po or "(a reference of its own)",
        "po": po,
        "buyer": standing_order.owner.get_full_name() or standing_order.owner.get_username(),
        "lines": [
            {
                "sku": line.product.sku,
                "name": line.product.name,
                "qty": f"{line.qty:,}",
                "unit_price": f"${line.product.unit_price}",
                "total": money(line.line_total),
            }
            for line in lines
        ],
        "subtotal": money(sum(line.line_total for line in lines)),
        "shipping": "",
        "total": "",
        "ship_to": str(address) if address else "no ship-to address",
        "supplier_id": "",
        "name": standing_order.name,
        "date": _day(day),
        "schedule": standing_order.schedule_text,
    }


def notice_reminder(standing_order) -> None:
    day = standing_order.next_date
    notify(
        kind="standing_reminder",
        event=f"standing:{standing_order.pk}:{day}:reminder",
        recipients=[standing_order.owner],
        subject=f"Sends tomorrow: “{standing_order.name}” on {_day(day)} — review or skip",
        url=reverse("replenishment:standing_detail", args=[standing_order.pk]),
        context=standing_context(standing_order, day),
    )


def notice_occurrence(occurrence, changes: list[str]) -> None:
    """What the standing order did on `occurrence.date`: the order it wrote (sent, waiting for
    approval, or held for review) or why none, with what it changed."""
    so, order, day = occurrence.standing_order, occurrence.order, occurrence.date
    if order is not None:
        context = order_context(order) | {"name": so.name, "date": _day(day)}
        url = reverse("orders:order_detail", args=[order.pk])
        state = {
            "held": "is held for your review",
            "pending_approval": "waits for approval",
        }.get(order.state, "was ordered")
        subject = f"“{so.name}” for {_day(day)} {state}: {order.reference}"
    else:
        context = standing_context(so, day)
        url = reverse("replenishment:standing_detail", args=[so.pk])
        subject = f"“{so.name}” did not order for {_day(day)}"
    notify(
        kind="standing_ran",
        event=f"standing:{so.pk}:{day}:ran",
        recipients=[so.owner],
        subject=subject,
        url=url,
        context=context
        | {
            "outcome": occurrence.get_outcome_display(),
            "message": occurrence.message,
            "changes": changes,
        },
    )
