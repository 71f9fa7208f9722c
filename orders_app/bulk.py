"""Many cart lines at once: the quick-order pad and the CSV upload.

Both turn text into lines of SKU + quantity and check every line on its own, so the buyer sees
each line's result before anything enters the cart. A SKU that appears on several lines is
summed, and every total is checked together with what the cart already holds (that is what
`cart_add_lines` checks too). Adding goes through `cart_add_lines`: all of the lines, or none.

The CSV confirm step trusts nothing from the browser but a signed token of the rows as read
from the file; the rows are checked again against the catalog and the cart before they are added.
"""

import codecs
import csv
import difflib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from hashlib import sha256

from django.core import signing
from django.db import transaction
from django.db.models.functions import Upper

from catalog_app.models import Product
from core.once import consume
from orders_app.models import Cart, subtotal
from orders_app.quantities import (
    MAX_ORDER_LINES,
    QuantityParseError,
    check_quantity,
    parse_quantity,
)
from orders_app.services import CartError, cart_add_lines, order_size_problem

CSV_MAX_BYTES = 256 * 1024
CSV_TOKEN_MAX_AGE = 60 * 60  # seconds a CSV preview can be confirmed
SAVE_AS_UTF8 = (
    "In Excel, use Save As and choose “CSV UTF-8 (Comma delimited)”; in Numbers or "
    "Google Sheets, export as CSV. Then upload that file."
)
SAMPLE_ROWS = [
    ("CS-8OZ-ECO", "5000"),
    ("CS-DOME-LID", "5000"),
    ("CS-12OZ-PAP-DW", "5 cases"),
    ("CS-16OZ-PET-CLR", "5 cases"),
]


class BulkError(Exception):
    """The input as a whole cannot be read (too many lines, not a CSV file, …)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class BulkLine:
    """One line of a paste or one row of a file, and what became of it."""

    number: int  # line or row number as the buyer sees it in their text or file
    sku: str  # as typed
    qty_text: str  # as typed
    read_error: str = ""  # the line itself could not be read (wrong columns, no SKU)
    product: Product | None = None
    units: int | None = None
    error: str = ""
    warning: str = ""
    notes: list[str] = field(default_factory=list)
    suggestions: list[int] = field(default_factory=list)  # quantities to type instead

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def text(self) -> str:
        """The line as the quick-order pad reads it back."""
        return f"{self.sku} {self.qty_text}".strip()

    @property
    def cases(self) -> int | None:
        if self.product is None or self.units is None or self.units % self.product.case_pack:
            return None
        return self.units // self.product.case_pack

    @property
    def line_total(self) -> Decimal | None:
        if self.product is None or self.units is None:
            return None
        return self.product.unit_price * self.units


@dataclass
class BulkPreview:
    lines: list[BulkLine]
    problem: str = ""  # why nothing was added, when an add was refused
    added: int = 0  # lines added to the cart (0: nothing was added)
    token: str = ""  # CSV only: the signed rows, for the confirm step

    @property
    def ok_lines(self) -> list[BulkLine]:
        return [line for line in self.lines if line.ok]

    @property
    def bad_lines(self) -> list[BulkLine]:
        return [line for line in self.lines if not line.ok]

    @property
    def valid_text(self) -> str:
        return "\n".join(line.text for line in self.ok_lines)

    @property
    def fix_text(self) -> str:
        """Only the lines that failed, for the buyer to correct."""
        return "\n".join(line.text for line in self.bad_lines)

    @property
    def subtotal(self) -> Decimal:
        return subtotal(self.ok_lines)

    def items(self, lines: list[BulkLine] | None = None) -> list[tuple[Product, int]]:
        """The products and summed units of `lines` (default: the valid ones)."""
        totals: dict[int, list] = {}
        for line in self.ok_lines if lines is None else lines:
            totals.setdefault(line.product.pk, [line.product, 0])[1] += line.units
        return [(product, units) for product, units in totals.values()]


# --- quick-order pad -------------------------------------------------------------------------

SEPARATORS = re.compile(r"[\s,;]+")


def quick_order_preview(*, user, text: str) -> BulkPreview:
    """Check every `SKU quantity` line of a paste. Raises BulkError if there are too many."""
    return _checked(user, _pad_lines(text), noun="lines")


def quick_order_add(*, user, text: str, once: str | None) -> BulkPreview:
    """Check the lines again and add all of them, or (when any fails now) none. `once` is the
    form's single-use token (core/once.py): AlreadyDone if these lines were added already."""
    preview = quick_order_preview(user=user, text=text)
    if not preview.lines:
        preview.problem = "There were no lines to add."
    elif preview.bad_lines:
        preview.problem = (
            "Something changed since you checked these lines (the catalog or your cart), "
            "so nothing was added. Check the lines below and try again."
        )
    else:
        _add(user, preview, preview.lines, once=once)
    return preview


def _pad_lines(text: str) -> list[BulkLine]:
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip(" \t,;"):
            continue  # blank line
        parts = SEPARATORS.split(raw.strip(), maxsplit=1)
        sku, qty_text = parts[0], (parts[1] if len(parts) > 1 else "")
        qty_text = qty_text.strip(" \t,;")
        if not lines and sku.lower() == "sku" and qty_text.lower() in ("qty", "quantity"):
            continue  # a header row pasted from a spreadsheet
        line = BulkLine(number=number, sku=sku, qty_text=qty_text)
        if not sku:
            line.read_error = "Start the line with the SKU, then the quantity: CS-8OZ-ECO 5000."
        lines.append(line)
    if len(lines) > MAX_ORDER_LINES:
        raise BulkError(
            f"That is {len(lines)} lines; the most at once is {MAX_ORDER_LINES}. "
            "Add the first part, then paste the rest."
        )
    return lines


# --- CSV upload ------------------------------------------------------------------------------


def csv_preview(*, user, file) -> BulkPreview:
    """Read an uploaded `sku,qty` file and check every row. Raises BulkError if the file as a
    whole cannot be read; a row that cannot be read is reported on that row."""
    rows = _csv_rows(_decoded(_read_upload(file)))
    preview = _checked(user, rows, noun="rows")
    preview.token = _sign(user, preview)
    return preview


def csv_add(*, user, token: str, only_valid: bool = False) -> BulkPreview:
    """Check the signed rows again and add them: all of them (`only_valid=False`, refused if
    any row fails), or only the valid ones — refused if those are no longer the rows the buyer
    saw as valid. Raises BulkError if the token is forged or too old, AlreadyDone if these rows
    were added already (the signed token is used once)."""
    payload = _unsign(user, token)
    rows = [
        BulkLine(number=number, sku=sku, qty_text=qty_text, read_error=read_error)
        for number, sku, qty_text, read_error in payload["rows"]
    ]
    preview = _checked(user, rows, noun="rows")
    preview.token = _sign(user, preview)
    valid_now = [line.number for line in preview.ok_lines]
    if only_valid and not valid_now:
        preview.problem = "None of the rows can be added. Fix the file and upload it again."
    elif only_valid and valid_now != payload["valid"]:
        preview.problem = (
            "Something changed since the preview (the catalog or your cart), so nothing was "
            "added. Check the rows below and confirm again."
        )
    elif not only_valid and preview.bad_lines:
        preview.problem = (
            f"{len(preview.bad_lines)} of the rows need fixing, so nothing was added. Fix the "
            "file and upload it again, or add only the valid rows."
        )
    else:
        _add(user, preview, preview.ok_lines, once=sha256(token.encode()).hexdigest())
    return preview


def csv_sample() -> str:
    return "sku,qty\r\n" + "".join(f"{sku},{qty}\r\n" for sku, qty in SAMPLE_ROWS)


def _read_upload(file) -> bytes:
    if file.size is not None and file.size > CSV_MAX_BYTES:
        raise BulkError(_too_large(file.size))
    data = file.read(CSV_MAX_BYTES + 1)
    if len(data) > CSV_MAX_BYTES:
        raise BulkError(_too_large(len(data)))
    return data


def _too_large(size: int) -> str:
    return (
        f"The file is {size / 1024:,.0f} KB; the most we read is {CSV_MAX_BYTES // 1024} KB "
        f"({MAX_ORDER_LINES} rows of sku,qty fit in far less). Is it the right file?"
    )


def _decoded(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise BulkError(
            "This file is saved as “Unicode Text” (UTF-16), which we cannot read. " + SAVE_AS_UTF8
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise BulkError("This is an Excel workbook, not a CSV file. " + SAVE_AS_UTF8)
    if b"\x00" in data:
        raise BulkError(
            "This is not a text file (it looks like a spreadsheet or another program's file). "
            + SAVE_AS_UTF8
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BulkError(
            "This file is not saved as UTF-8 (Excel's plain “CSV” uses another encoding). "
            + SAVE_AS_UTF8
        ) from None
    if not text.strip():
        raise BulkError("The file is empty. Put the line sku,qty first, then one row per product.")
    return text


def _csv_rows(text: str) -> list[BulkLine]:
    first = next(line for line in text.splitlines() if line.strip())
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header, rows = None, []
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            while cells and not cells[-1]:
                cells.pop()  # trailing empty columns, as spreadsheets write them
            if not cells:
                continue
            if header is None:
                header = [cell.lower() for cell in cells]
                if header != ["sku", "qty"]:
                    raise BulkError(
                        "The first line of the file must be the column names sku,qty — it is "
                        f"“{first.strip()[:60]}”. Download the sample file to see the layout."
                    )
                continue
            rows.append(_csv_row(reader.line_num, cells, delimiter))
    except csv.Error as exc:
        raise BulkError(
            f"Line {reader.line_num} of the file could not be read as CSV ({exc}). "
            "Check that line, or export the sheet as CSV UTF-8 again."
        ) from None
    if not rows:
        raise BulkError(
            "The file has the sku,qty line but no rows under it. Add one row per product."
        )
    if len(rows) > MAX_ORDER_LINES:
        raise BulkError(
            f"The file has {len(rows)} rows; the most we take at once is {MAX_ORDER_LINES}. "
            "Split it into two files and upload them one after the other."
        )
    return rows


def _csv_row(number: int, cells: list[str], delimiter: str) -> BulkLine:
    line = BulkLine(number=number, sku=cells[0], qty_text=cells[1] if len(cells) > 1 else "")
    if len(cells) > 2:
        line.qty_text = delimiter.join(cells[1:])
        line.read_error = f"This row has {len(cells)} columns; it should have 2: sku{delimiter}qty."
        if delimiter == "," and all(cell.isdigit() for cell in cells[1:]):
            line.read_error += " Write the quantity without a thousands comma (5000, not 5,000)."
    return line


def _sign(user, preview: BulkPreview) -> str:
    payload = {
        "rows": [[line.number, line.sku, line.qty_text, line.read_error] for line in preview.lines],
        "valid": [line.number for line in preview.ok_lines],
    }
    return signing.dumps(payload, salt=f"orders.bulk.csv:{user.pk}", compress=True)


def _unsign(user, token: str) -> dict:
    try:
        return signing.loads(token, salt=f"orders.bulk.csv:{user.pk}", max_age=CSV_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise BulkError("This preview is more than an hour old. Upload the file again.") from None
    except signing.BadSignature:
        raise BulkError(
            "The rows of this upload could not be read back (the page was changed or is from "
            "another session). Nothing was added; upload the file again."
        ) from None


# --- checking and adding ---------------------------------------------------------------------


def _checked(user, lines: list[BulkLine], *, noun: str) -> BulkPreview:
    """Check each line on its own, then each product's total (summed lines + what the cart
    has). `noun` is what the buyer calls a line: "lines" of a paste, "rows" of a file."""
    products = _products({line.sku.upper() for line in lines if line.sku})
    cart = _cart_items(user)
    in_cart = {pid: qty for pid, (_, qty) in cart.items()}
    groups: dict[int, list[BulkLine]] = defaultdict(list)
    unknown = []
    for line in lines:
        line.error = line.read_error
        if line.error:
            continue
        line.product = products.get(line.sku.upper())
        if line.product is None:
            unknown.append(line)
            continue
        line.sku = line.product.sku
        line.error = _line_error(line)
        if not line.error:
            groups[line.product.pk].append(line)
    _explain_unknown(unknown)
    for group in groups.values():
        _check_total(group, in_cart.get(group[0].product.pk, 0), noun)
    preview = BulkPreview(lines=lines)
    after = dict(cart)
    for product, units in preview.items():
        after[product.pk] = (product, in_cart.get(product.pk, 0) + units)
    if len(after) > MAX_ORDER_LINES:
        preview.problem = (
            f"Your cart would have {len(after)} different products; an order "
            f"can have at most {MAX_ORDER_LINES}. Check out part of it first."
        )
    elif problem := order_size_problem(after.values()):
        preview.problem = f"{problem} Nothing can be added as it is."
    return preview


def _line_error(line: BulkLine) -> str:
    product = line.product
    if product.discontinued:
        return f"{product.sku} is no longer offered by Cup Source. Remove this line."
    if not line.qty_text:
        return f"Add the quantity after the SKU, e.g. {product.sku} {product.case_pack * 2}."
    try:
        units = parse_quantity(line.qty_text, product)
    except QuantityParseError as exc:
        return str(exc)
    if units <= 0:
        return "Enter a quantity of at least one case."
    line.units = units
    return ""


def _check_total(group: list[BulkLine], already: int, noun: str) -> None:
    product = group[0].product
    added = sum(line.units for line in group)
    check = check_quantity(product, already + added)
    notes = []
    if len(group) > 1:
        numbers = ", ".join(str(line.number) for line in group[:-1]) + f" and {group[-1].number}"
        notes.append(f"{product.sku} is on {noun} {numbers}: added together, {added:,} units.")
    if already:
        notes.append(
            f"Your cart already has {already:,}; with these it will hold {already + added:,}."
        )
    suggestions = []
    if check.error and len(group) == 1:
        suggestions = [n - already for n in check.suggestions if n > already]
    for line in group:
        line.error, line.warning = check.error, check.warning
        line.notes, line.suggestions = notes, suggestions


def _explain_unknown(lines: list[BulkLine]) -> None:
    if not lines:
        return
    known = list(Product.objects.available().values_list("sku", flat=True))
    by_upper = {sku.upper(): sku for sku in known}
    for line in lines:
        line.error = f"We don't know the SKU “{line.sku}”."
        close = difflib.get_close_matches(line.sku.upper(), by_upper, n=1, cutoff=0.8)
        if close:
            line.error += f" Did you mean {by_upper[close[0]]}?"
        else:
            line.error += " Check it against the catalog."


def _products(skus: set[str]) -> dict[str, Product]:
    if not skus:
        return {}
    products = Product.objects.annotate(sku_upper=Upper("sku")).filter(sku_upper__in=skus)
    return {product.sku_upper: product for product in products}


def _cart_items(user) -> dict[int, tuple[Product, int]]:
    """What the buyer's open cart holds: product id → (product, units)."""
    cart = Cart.objects.filter(user=user, status=Cart.Status.OPEN).first()
    if cart is None:
        return {}
    return {
        line.product_id: (line.product, line.qty) for line in cart.lines.select_related("product")
    }


def _add(user, preview: BulkPreview, lines: list[BulkLine], *, once: str | None) -> None:
    """Add `lines` in one go, using up the single-use `once`; on refusal, say why on each line
    and in `preview.problem` (and the token stays usable)."""
    if preview.problem:
        return
    try:
        with transaction.atomic():
            consume(once)
            cart_add_lines(user=user, items=preview.items(lines))
    except CartError as exc:
        for line in lines:
            check = exc.checks.get(line.product.sku)
            if check and check.error:
                line.error = check.error
        preview.problem = exc.message
        return
    preview.added = len(lines)
