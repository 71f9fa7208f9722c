"""Order history as CSV, one row per order line, for the buyer's bookkeeping.

Streamed: rows are written as the database hands them over (`iterator()`), so a history of
any length is exported in flat memory. Text that a spreadsheet would run as a formula (a PO
number or note starting with `=`, `+`, `-`, `@`) is prefixed with `'`.
"""

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.utils import timezone

from orders_app.models import Order, OrderLine

HEADER = [
    "Placed", "Order", "PO reference", "Status", "Cup Source order", "SKU", "Product",
    "Quantity", "Unit price", "Line total", "Order subtotal", "Shipping", "Order total",
    "Currency", "Ship to", "Placed by",
]  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def orders_csv(orders: Iterable[Order]) -> Iterator[str]:
    """The CSV text of `orders` (a queryset), a line at a time, newest order first."""
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte-order mark, so that spreadsheet programs read UTF-8
    yield writer.writerow(HEADER)
    lines = (
        OrderLine.objects.filter(order__in=orders)
        .select_related("order", "order__placed_by")
        .order_by("-order__created_at", "-order__pk", "pk")
    )
    for line in lines.iterator(chunk_size=500):
        yield writer.writerow(_row(line.order, line))


def _row(order: Order, line: OrderLine) -> list[str]:
    return [
        timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M"),
        _text(order.reference),
        _text(order.po_number),
        order.status_label,
        order.supplier_order_id or "",
        _text(line.sku),
        _text(line.name),
        str(line.qty),
        _amount(line.unit_price, places=4),
        _amount(line.line_total),
        _amount(order.subtotal if order.subtotal is not None else order.expected_subtotal),
        _amount(order.shipping),
        _amount(order.total),
        order.currency,
        _text(_ship_to(order.shipping_address)),
        _text(order.placed_by.get_username()),
    ]


def _text(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _amount(value: Decimal | None, places: int = 2) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _ship_to(address: dict) -> str:
    """One line, as `includes/ship_to.html` shows it on several: name, line1, line2, city,
    state ZIP."""
    parts = [address.get(key) for key in ("name", "line1", "line2", "city")]
    parts.append(f"{address['state']} {address['zip']}")
    return ", ".join(part for part in parts if part)
