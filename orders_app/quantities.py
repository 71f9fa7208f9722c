"""Quantity rules, as Cup Source applies them: whole cases, at least the minimum order; and how
a typed quantity becomes units. Every form and service that takes a quantity uses these."""

import re
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma

from catalog_app.models import Product

MAX_ORDER_LINES = 200  # the API's limit of lines per order (so per cart, paste or file)
MAX_UNITS = 10_000_000  # per line: far above any real order, and every total still fits
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
            qty, error=f"That is more than {intcomma(MAX_UNITS)} units on one line. Check it."
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


QTY_RE = re.compile(r"^\s*(\d[\d,_]*)\s*(cases?|cs|c)?\s*$", re.IGNORECASE)


class QuantityParseError(ValueError):
    pass


def parse_quantity(text: str, product: Product | None) -> int:
    """'5000' → 5000 units; '5 cases' / '5cs' → 5 × case pack. Raises QuantityParseError."""
    match = QTY_RE.match(text or "")
    if not match:
        raise QuantityParseError(f"“{text.strip()}” is not a quantity (e.g. 5000 or 5 cases).")
    number = int(match.group(1).replace(",", "").replace("_", ""))
    if match.group(2):
        if product is None:
            raise QuantityParseError("Cases need a known product.")
        return to_units(product, number, CASES)
    return number
