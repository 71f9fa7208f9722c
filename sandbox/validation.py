"""Validation of POST /orders bodies: every problem at once, keyed by field path."""

import re
from dataclasses import dataclass, field

from sandbox.models import Product

MAX_LINES = 200
MAX_REFERENCE = 64
MAX_ADDRESS_FIELD = 200
ZIP_RE = re.compile(r"[0-9]{5}(-[0-9]{4})?")
# The 50 states, the District of Columbia and the five inhabited territories (no APO/FPO codes).
US_STATES = frozenset(
    """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ
    NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI
    """.split()  # noqa: SIM905
)
REQUIRED = "This field is required."


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored (NUL characters, unpaired surrogates), or None."""
    if "\x00" in value:
        return "Must not contain NUL characters."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Must be valid Unicode text."
    return None


@dataclass
class Problems:
    details: dict[str, list[str]] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)

    def add(self, path: str, message: str, code: str = "invalid_request") -> None:
        self.details.setdefault(path, []).append(message)
        self.codes.add(code)

    def __bool__(self) -> bool:
        return bool(self.details)

    def sorted_details(self) -> dict[str, list[str]]:
        """Details in reading order: items[2] before items[10], fields alphabetically."""
        return dict(sorted(self.details.items(), key=lambda item: _natural(item[0])))

    @property
    def code(self) -> str:
        """The narrower code when every problem is of that kind, else `invalid_request`."""
        return next(iter(self.codes)) if len(self.codes) == 1 else "invalid_request"

    @property
    def message(self) -> str:
        count = sum(len(messages) for messages in self.details.values())
        if count == 1:
            path, messages = next(iter(self.details.items()))
            return f"{path}: {messages[0]}"
        return f"The order has {count} problems; see error.details."


def _natural(path: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path)]


@dataclass(frozen=True)
class Line:
    index: int
    sku: str
    qty: int | None  # None when qty itself is invalid (already reported)


@dataclass
class OrderDraft:
    lines: list[Line]
    shipping_address: dict
    currency: str
    reference: str | None
    problems: Problems

    @property
    def skus(self) -> list[str]:
        return sorted({line.sku for line in self.lines})


def parse_order(payload: object) -> OrderDraft:
    """Check the body's shape (everything that does not need the catalog)."""
    problems = Problems()
    if not isinstance(payload, dict):
        problems.add("body", "Expected a JSON object.")
        return OrderDraft([], {}, "USD", None, problems)
    return OrderDraft(
        lines=_lines(payload, problems),
        shipping_address=_address(payload, problems),
        currency=_currency(payload, problems),
        reference=_reference(payload, problems),
        problems=problems,
    )


def check_against_catalog(draft: OrderDraft, products: dict[str, Product]) -> None:
    """SKUs known; qty a multiple of the case pack, at least the minimum, within stock."""
    wanted: dict[str, int] = {}
    for line in draft.lines:
        product = products.get(line.sku)
        path = f"items[{line.index}]"
        if product is None:
            draft.problems.add(f"{path}.sku", f"Unknown SKU {line.sku!r}.", "unknown_sku")
            continue
        if line.qty is None:
            continue
        if line.qty % product.case_pack:
            draft.problems.add(
                f"{path}.qty",
                f"Must be a multiple of the case pack ({product.case_pack} units).",
            )
        if line.qty < product.min_order_qty:
            draft.problems.add(
                f"{path}.qty", f"Below the minimum order quantity ({product.min_order_qty} units)."
            )
        wanted[line.sku] = wanted.get(line.sku, 0) + line.qty
    for line in draft.lines:
        product = products.get(line.sku)
        if product is not None and line.qty is not None and wanted[line.sku] > product.stock:
            draft.problems.add(
                f"items[{line.index}].qty",
                f"Insufficient stock: {product.stock} units of {line.sku} available.",
                "insufficient_stock",
            )


def _lines(payload: dict, problems: Problems) -> list[Line]:
    items = payload.get("items")
    if items is None:
        problems.add("items", REQUIRED)
        return []
    if not isinstance(items, list):
        problems.add("items", "Expected a list of {sku, qty} objects.")
        return []
    if not items:
        problems.add("items", "At least one item is required.")
    if len(items) > MAX_LINES:
        problems.add("items", f"At most {MAX_LINES} lines per order.")
        return []
    lines = []
    for index, item in enumerate(items):
        path = f"items[{index}]"
        if not isinstance(item, dict):
            problems.add(path, "Expected an object with sku and qty.")
            continue
        sku, qty = item.get("sku"), item.get("qty")
        if sku is None or sku == "":
            problems.add(f"{path}.sku", REQUIRED)
        elif not isinstance(sku, str):
            problems.add(f"{path}.sku", "Must be a string.")
        elif text_problem(sku):
            problems.add(f"{path}.sku", text_problem(sku))
            sku = None
        if qty is None:
            problems.add(f"{path}.qty", REQUIRED)
        elif isinstance(qty, bool) or not isinstance(qty, int) or qty <= 0:
            problems.add(f"{path}.qty", "Must be a positive integer.")
            qty = None
        if isinstance(sku, str) and sku:
            lines.append(Line(index, sku, qty))
    return lines


def _address(payload: dict, problems: Problems) -> dict:
    address = payload.get("shipping_address")
    if address is None:
        problems.add("shipping_address", REQUIRED)
        return {}
    if not isinstance(address, dict):
        problems.add("shipping_address", "Expected an object.")
        return {}
    clean = {}
    for name in ("name", "line1", "line2", "city", "state", "zip"):
        value = address.get(name)
        path = f"shipping_address.{name}"
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if name not in ("name", "line2"):
                problems.add(path, REQUIRED)
            clean[name] = None
        elif not isinstance(value, str):
            problems.add(path, "Must be a string.")
        elif len(value) > MAX_ADDRESS_FIELD:
            problems.add(path, f"At most {MAX_ADDRESS_FIELD} characters.")
        elif text_problem(value):
            problems.add(path, text_problem(value))
        else:
            clean[name] = value
    if isinstance(clean.get("state"), str) and clean["state"] not in US_STATES:
        problems.add("shipping_address.state", "Must be a two-letter US state code, e.g. 'OR'.")
    if isinstance(clean.get("zip"), str) and not ZIP_RE.fullmatch(clean["zip"]):
        problems.add("shipping_address.zip", "Must be a US ZIP code: 12345 or 12345-6789.")
    return clean


def _currency(payload: dict, problems: Problems) -> str:
    currency = payload.get("currency")
    if currency is None:
        problems.add("currency", REQUIRED)
    elif not isinstance(currency, str):
        problems.add("currency", "Must be a string.")
    elif currency != "USD":
        problems.add(
            "currency", f"Unsupported currency {currency!r}; only USD.", "unsupported_currency"
        )
    return "USD"


def _reference(payload: dict, problems: Problems) -> str | None:
    reference = payload.get("reference")
    if reference is None:
        return None
    if not isinstance(reference, str) or not 1 <= len(reference) <= MAX_REFERENCE:
        problems.add("reference", f"Must be a string of 1 to {MAX_REFERENCE} characters.")
        return None
    if text_problem(reference):
        problems.add("reference", text_problem(reference))
        return None
    return reference
