"""The quantity policy: Cup Source's rules (whole cases, at least the minimum order) and
Cupboard's own limits, and how a typed quantity becomes units. Every form and service that takes
a quantity — add to cart, cart edit, quick order, CSV, lists, list to cart, reorder, resubmit,
approval — uses these, and database constraints back the limits.

The limits are sized so that everything they allow fits every column that stores it: a line's
quantity fits an integer column with room to spare, and an order's subtotal of at most
$100,000,000.00 (plus shipping) fits the orders' decimals of 14 digits with 4 decimal places
(up to $9,999,999,999.9999). An order of that size is far beyond any café's.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma

from catalog_app.models import Product

MAX_ORDER_LINES = 200  # the API's limit of lines per order (so per cart, paste or file)
MAX_UNITS = 10_000_000  # per line
MAX_ORDER_SUBTOTAL = Decimal("100000000.00")  # per order (cart, paste, file, list)
PER_LINE = f"at most {intcomma(MAX_UNITS)} units per line"
PER_ORDER = f"at most ${intcomma(f'{MAX_ORDER_SUBTOTAL:.2f}')} per order"
LIMITS = f"{PER_LINE}, {MAX_ORDER_LINES} lines and {PER_ORDER}"
CASES, UNITS = "cases", "units"
UNIT_CHOICES = [(CASES, "cases"), (UNITS, "units")]


def to_units(product: Product, qty: int, unit: str) -> int:
    """A quantity typed in `unit` ("cases" or "units") as units of the product."""
    return qty * product.case_pack if unit == CASES else qty


@dataclass(frozen=True)
class QuantityCheck:
    qty: int
    error: str = ""
    warning: str = ""
    suggestions: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error


def smallest_order(product: Product) -> int:
    """The least a buyer can order: the minimum rounded up to whole cases."""
    return product.min_cases * product.case_pack


def check_quantity(product: Product, qty: int) -> QuantityCheck:
    if product.discontinued:
        return QuantityCheck(qty, error=f"{product.sku} is no longer offered by Cup Source.")
    if qty <= 0:
        return QuantityCheck(qty, error="Enter a quantity of at least one case.")
    if qty > MAX_UNITS:
        return QuantityCheck(
            qty, error=f"{intcomma(qty)} units of {product.sku} is too many: {PER_LINE}."
        )
    pack, least = product.case_pack, smallest_order(product)
    if qty % pack:
        below = qty // pack * pack
        options = [n for n in (below, below + pack) if n >= least] or [least]
        return QuantityCheck(
            qty,
            error=(
                f"{product.sku} comes in cases of {intcomma(pack)}: "
                + " or ".join(f"{intcomma(n)}" for n in options)
                + " units would work."
            ),
            suggestions=options,
        )
    if qty < least:
        return QuantityCheck(
            qty,
            error=f"The minimum order for {product.sku} is {intcomma(least)} units.",
            suggestions=[least],
        )
    if qty > product.stock:
        return QuantityCheck(
            qty,
            warning=(
                f"Only {intcomma(product.stock)} in stock right now: Cup Source may ask you to "
                "order less."
            ),
        )
    return QuantityCheck(qty)


def check_order_size(*, lines: int, subtotal: Decimal) -> str:
    """Why an order (or a cart, paste, file or list about to become one) of `lines` lines and
    this subtotal is too big — "" when it is within the limits."""
    if lines > MAX_ORDER_LINES:
        return f"That would be {lines} lines; an order can have at most {MAX_ORDER_LINES}."
    if subtotal > MAX_ORDER_SUBTOTAL:
        return (
            f"That would make the order ${intcomma(f'{subtotal:.2f}')}: {PER_ORDER}. "
            "Order less, or split it into several orders."
        )
    return ""


# A quantity as typed: digits (with thousands separators), optionally "cases". At most 20
# characters, so that no typed number is slow to read (Python refuses ints of 4,300+ digits).
QTY_RE = re.compile(r"^\s*(\d[\d,_]{0,19})\s*(cases?|cs|c)?\s*$", re.IGNORECASE)


class QuantityParseError(ValueError):
    pass


def parse_quantity(text: str, product: Product | None) -> int:
    """'5000' → 5000 units; '5 cases' / '5cs' → 5 × case pack. Raises QuantityParseError."""
    match = QTY_RE.match(text or "")
    if not match:
        shown = (text or "").strip()
        if len(shown) > 20:
            shown = shown[:20] + "…"
        raise QuantityParseError(f"“{shown}” is not a quantity (e.g. 5000 or 5 cases).")
    number = int(match.group(1).replace(",", "").replace("_", ""))
    if match.group(2):
        if product is None:
            raise QuantityParseError("Cases need a known product.")
        return to_units(product, number, CASES)
    return number


class UnitsOfProduct:
    """What every line of units of a product (a cart line, a saved-list item, a standing-order
    line) shows: its whole cases and its total at the mirror's price. Needs `product`, `qty`."""

    @property
    def cases(self) -> int:
        return self.qty // self.product.case_pack

    @property
    def line_total(self):
        return self.product.unit_price * self.qty
