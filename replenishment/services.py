"""Standing orders and restocking: every write of the replenishment app lives here.

The promise: **one order per standing order and date**, whatever happens. On the day,
`standing_orders_run_due` (the scheduler's job, every minute) handles each standing order whose
moment has come with `occurrence_run`:

1. It re-checks stock and prices with Cup Source (one look-up for all the lines, at background
   priority) and brings the mirror up to date; if Cup Source cannot be asked, it goes on with
   the mirror's last figures, as the checkout does (Cup Source checks the order anyway).
2. It plans the lines by the buyer's choice for lines short of stock: reduce them to what is in
   stock, leave them out, or hold the whole order for the buyer's review.
3. In ONE transaction it inserts the date's `Occurrence` — unique per (standing order, date):
   a second scheduler, or the same one after a restart, fails this insert and writes nothing —
   writes the order through the ledger (`orders_app.services.order_write`: thresholds and
   approvals apply exactly as at checkout), moves the standing order to its next date and
   records the notification. A crash anywhere in it leaves nothing behind; the next run does it.
4. After the commit it sends the order once, like the checkout (`order_submit`). A crash between
   the commit and the send leaves an order in `submitting`, which the ledger's sweep carries on
   (checks with Cup Source, then sends it with the same idempotency key).

A date whose moment passed more than LATE_GRACE ago (the scheduler was not running) is recorded
as missed, and the buyer told, rather than ordered late. The day before, at the send time,
`standing_orders_remind_due` tells the buyer what will be sent, so they can review or skip it.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog_app.models import Product
from catalog_app.services import products_refresh
from cupsource.budget import Priority
from cupsource.client import CupSourceClient
from cupsource.errors import CupSourceError
from orders_app.models import CartLine, Order, subtotal
from orders_app.problems import describe_lookup_error
from orders_app.quantities import QuantityCheck, check_order_size, check_quantity, smallest_order
from orders_app.services import CartError, cart_add_once, order_submit, order_write
from replenishment import schedule
from replenishment.models import Occurrence, StandingOrder, StandingOrderLine
from replenishment.notices import notice_occurrence, notice_reminder

logger = logging.getLogger(__name__)

LATE_GRACE = timedelta(hours=24)  # a date this late is recorded as missed, not ordered
SCHEDULE_FIELDS = {"frequency", "every_weeks", "weekday", "day_of_month", "start_date",
                   "end_date", "send_time", "time_zone"}  # fmt: skip


class StandingError(Exception):
    """A standing-order change that cannot be made; `checks` say why, line by line."""

    def __init__(self, message: str, checks: dict[str, QuantityCheck] | None = None):
        super().__init__(message)
        self.message = message
        self.checks = checks or {}


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def day_text(day: date) -> str:
    return f"{day:%a, %b} {day.day}"


# --- setting up and changing -----------------------------------------------------------------


def check_lines(items: list[tuple[Product, int]]) -> None:
    """A standing order's lines must be ones Cup Source would accept today, and together within
    what one order may be: StandingError (with the checks) if not."""
    if not items:
        raise StandingError("A standing order needs at least one line.")
    checks = {product.sku: check_quantity(product, qty) for product, qty in items}
    bad = [check.error for check in checks.values() if not check.ok]
    if bad:
        raise StandingError("Some lines can't be ordered as they are: " + " ".join(bad), checks)
    lines = [CartLine(product=product, qty=qty) for product, qty in items]
    if problem := check_order_size(lines=len(lines), subtotal=subtotal(lines)):
        raise StandingError(problem, checks)


def standing_order_create(
    *, user, standing_order: StandingOrder, items: list[tuple[Product, int]], now=None
) -> StandingOrder:
    """Set up a (validated, unsaved) standing order for `user` with these lines; its first
    date is the first on the schedule from its start — today's, if today is on it and has not
    been ordered, is written within a minute even when its send time has passed."""
    check_lines(items)
    with transaction.atomic():
        standing_order.owner = standing_order.updated_by = user
        standing_order.status = StandingOrder.Status.ACTIVE
        _reschedule(standing_order, _today(standing_order, now))
        standing_order.save()
        StandingOrderLine.objects.bulk_create(
            StandingOrderLine(standing_order=standing_order, product=product, qty=qty)
            for product, qty in items
        )
    return standing_order


def standing_order_update(
    *, standing_order: StandingOrder, user, changed: list[str], now=None
) -> StandingOrder:
    """Save the `changed` fields of an edited (validated) standing order. A change of schedule
    moves its next date (and forgets skips of dates that are no longer on it)."""
    with transaction.atomic():
        current = _locked(standing_order)
        standing_order.status = current.status  # paused or ended meanwhile: it stays so
        standing_order.updated_by = user
        today = _today(standing_order, now)
        if SCHEDULE_FIELDS & set(changed):
            skipped = standing_order.occurrences.filter(
                outcome=Occurrence.Outcome.SKIPPED, date__gte=today
            )
            for occurrence in skipped:
                if not schedule.falls_on(standing_order.rule, occurrence.date):
                    occurrence.delete()
        if standing_order.status == StandingOrder.Status.ACTIVE:
            _reschedule(standing_order, today)
        else:
            standing_order.next_date = standing_order.next_run_at = None
            standing_order.remind_at = None
        fields = ["status", "next_date", "next_run_at", "remind_at", "updated_by", "updated_at"]
        standing_order.save(update_fields=[*changed, *fields])
    return standing_order


def standing_order_pause(*, standing_order: StandingOrder, user) -> StandingOrder:
    with transaction.atomic():
        so = _locked(standing_order)
        if so.status != StandingOrder.Status.ACTIVE:
            raise StandingError(f"“{so.name}” is not active, so it cannot be paused.")
        so.status = StandingOrder.Status.PAUSED
        so.next_date = so.next_run_at = so.remind_at = None
        so.updated_by = user
        so.save()
    return so


def standing_order_resume(*, standing_order: StandingOrder, user, now=None) -> StandingOrder:
    """Start a paused standing order again from today: dates that passed while it was paused
    are not ordered (today's is, if it is on the schedule and was not ordered)."""
    with transaction.atomic():
        so = _locked(standing_order)
        if so.status != StandingOrder.Status.PAUSED:
            raise StandingError(f"“{so.name}” is not paused.")
        so.status = StandingOrder.Status.ACTIVE
        so.updated_by = user
        _reschedule(so, _today(so, now))
        so.save()
    return so


def standing_order_stop(*, standing_order: StandingOrder, user) -> StandingOrder:
    """End it for good: no more orders (the ones it wrote stay, with its history)."""
    with transaction.atomic():
        so = _locked(standing_order)
        so.status = StandingOrder.Status.ENDED
        so.next_date = so.next_run_at = so.remind_at = None
        so.updated_by = user
        so.save()
    return so


def standing_order_skip(*, standing_order: StandingOrder, user) -> date:
    """Skip the next date: it is recorded as skipped (so no order can be written for it) and
    the standing order moves on to the date after. Returns the skipped date."""
    so = StandingOrder.objects.get(pk=standing_order.pk)
    if so.status != StandingOrder.Status.ACTIVE or so.next_date is None:
        raise StandingError("Only an active standing order has a next order to skip.")
    day = so.next_date
    with transaction.atomic():
        # The date's occurrence first, then the row: the order the scheduler takes them in
        # (services._write), so the two never wait for each other in a circle.
        try:
            with transaction.atomic():
                Occurrence.objects.create(
                    standing_order=so, date=day, outcome=Occurrence.Outcome.SKIPPED,
                    actor=user, message=f"Skipped by {_name(user)}.",
                )  # fmt: skip
        except IntegrityError:
            raise StandingError(
                f"Too late to skip {day_text(day)}: its order has been written already."
            ) from None
        so = _locked(so)
        if so.status != StandingOrder.Status.ACTIVE or so.next_date != day:
            raise StandingError("It changed meanwhile: look again, then skip.")
        so.updated_by = user
        _reschedule(so, day + timedelta(days=1))
        so.save()
    return day


def standing_order_unskip(*, standing_order: StandingOrder, user, day: date, now=None) -> None:
    """Take back a skip of a date still to come."""
    with transaction.atomic():
        so = _locked(standing_order)
        if so.status != StandingOrder.Status.ACTIVE:
            raise StandingError("Resume the standing order first.")
        deleted, _ = so.occurrences.filter(
            date=day, date__gte=_today(so, now), outcome=Occurrence.Outcome.SKIPPED
        ).delete()
        if not deleted:
            raise StandingError(f"{day_text(day)} is not a skipped date still to come.")
        so.updated_by = user
        _reschedule(so, _today(so, now))
        so.save()


def standing_line_set(*, line: StandingOrderLine, user, qty: int) -> StandingOrderLine:
    """Change a line's quantity (checked like any order line, and the order's size)."""
    with transaction.atomic():
        so = _locked(line.standing_order)
        items = [(other.product, other.qty) for other in _lines(so) if other.pk != line.pk]
        check_lines([*items, (line.product, qty)])
        line.qty = qty
        line.save(update_fields=["qty"])
        _touch(so, user)
    return line


def standing_line_add(
    *, standing_order: StandingOrder, user, product: Product, qty: int
) -> StandingOrderLine:
    """Put a product on it (replacing the quantity if it is there already)."""
    with transaction.atomic():
        so = _locked(standing_order)
        items = {other.product_id: (other.product, other.qty) for other in _lines(so)}
        items[product.pk] = (product, qty)
        check_lines(list(items.values()))
        line, _ = StandingOrderLine.objects.update_or_create(
            standing_order=so, product=product, defaults={"qty": qty}
        )
        _touch(so, user)
    return line


def standing_line_remove(*, line: StandingOrderLine, user) -> None:
    with transaction.atomic():
        so = _locked(line.standing_order)
        if so.lines.count() <= 1:
            raise StandingError(
                "A standing order needs at least one line: stop it instead, if you no longer "
                "want it."
            )
        line.delete()
        _touch(so, user)


def _locked(standing_order: StandingOrder) -> StandingOrder:
    return StandingOrder.objects.select_for_update().get(pk=standing_order.pk)


def _lines(so: StandingOrder) -> list[StandingOrderLine]:
    return list(so.lines.select_related("product"))


def _touch(so: StandingOrder, user) -> None:
    so.updated_by = user
    so.save(update_fields=["updated_by", "updated_at"])


def _today(so: StandingOrder, now: datetime | None) -> date:
    return schedule.local_today(so.time_zone, now or timezone.now())


def _reschedule(so: StandingOrder, since: date) -> None:
    """Move it to its first date on or after `since` that has no occurrence yet (skipped dates
    have one); with none left before its end date, it has ended."""
    taken = set()
    if so.pk:
        taken = set(so.occurrences.filter(date__gte=since).values_list("date", flat=True))
    day = None
    for candidate in schedule.dates(so.rule, since):
        if candidate not in taken:
            day = candidate
            break
    so.next_date = day
    so.next_run_at = schedule.run_at(day, so.send_time, so.time_zone) if day else None
    so.remind_at = schedule.remind_at(day, so.send_time, so.time_zone) if day else None
    if day is None and so.status == StandingOrder.Status.ACTIVE:
        so.status = StandingOrder.Status.ENDED


# --- on the day ------------------------------------------------------------------------------


@dataclass
class Plan:
    """What to order on the day, after the shortage choice: the lines, what was changed (in
    words), and — for "hold" — why the order is held."""

    items: list[tuple[Product, int]] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)


def occurrence_plan(lines: list[tuple[Product, int]], on_shortage: str) -> Plan:
    """Apply the buyer's choice to lines short of stock (products as freshly re-checked):
    reduce a short line to the whole cases in stock (left out if that is under its minimum),
    leave it out, or keep it and hold the whole order for review. A product no longer offered
    is left out whatever the choice; a quantity that no longer fits the product's case pack or
    minimum becomes the nearest that does, not over what was wanted."""
    Shortage = StandingOrder.Shortage
    plan = Plan()
    for product, wanted in lines:
        sku, qty = product.sku, wanted
        if product.discontinued:
            plan.changes.append(f"{sku} is no longer offered by Cup Source: left out.")
            continue
        check = check_quantity(product, qty)
        if not check.ok:
            fitting = [n for n in check.suggestions if n <= wanted]
            if not fitting:
                plan.changes.append(f"{sku}: {check.error} Left out.")
                continue
            qty = max(fitting)
            plan.changes.append(
                f"{sku}: {wanted:,} units no longer fits its case pack or minimum; {qty:,} instead."
            )
        if qty <= product.stock:
            plan.items.append((product, qty))
        elif on_shortage == Shortage.HOLD:
            plan.items.append((product, qty))
            plan.held.append(f"only {product.stock:,} of {sku} in stock, you want {qty:,}")
        elif on_shortage == Shortage.REDUCE:
            reduced = product.stock // product.case_pack * product.case_pack
            if reduced >= smallest_order(product):
                plan.items.append((product, reduced))
                plan.changes.append(
                    f"{sku}: only {product.stock:,} in stock, so {reduced:,} instead of {qty:,}."
                )
            else:
                plan.changes.append(
                    f"{sku}: only {product.stock:,} in stock, under its minimum of "
                    f"{smallest_order(product):,}: left out."
                )
        else:
            plan.changes.append(
                f"{sku}: only {product.stock:,} in stock, you want {qty:,}: left out."
            )
    if on_shortage == Shortage.HOLD and plan.changes and plan.items:
        plan.held += [change.rstrip(".") for change in plan.changes]
    return plan


def standing_orders_run_due(*, client: CupSourceClient, now: datetime | None = None) -> int:
    """The scheduler's job: write the order of every standing order whose moment has come
    (dates missed by more than LATE_GRACE are recorded as missed). Returns how many dates it
    handled."""
    now = now or timezone.now()
    handled = 0
    for so in StandingOrder.objects.due(now).order_by("next_run_at", "pk"):
        try:
            handled += _run_dates_due(so, client, now)
        except Exception:  # one standing order's failure must not stop the others'
            logger.exception("Standing order %s (%s) failed; the next run tries again", so.pk, so)
    return handled


def _run_dates_due(so: StandingOrder, client: CupSourceClient, now: datetime) -> int:
    handled = 0
    for _ in range(1000):  # the dates due now, oldest first; never loops for ever
        if so.status != StandingOrder.Status.ACTIVE or not so.next_run_at or so.next_run_at > now:
            break
        before = so.next_date
        if now - so.next_run_at > LATE_GRACE:
            occurrence_miss(standing_order=so, day=before, now=now)
        else:
            occurrence_run(standing_order=so, day=before, client=client)
        handled += 1
        so.refresh_from_db()
        if so.next_date == before:  # changed by someone else meanwhile
            break
    return handled


def occurrence_run(
    *, standing_order: StandingOrder, day: date, client: CupSourceClient
) -> Occurrence | None:
    """Write (and send) the order of `day` — or, with nothing to order, record why. None when
    the date was taken meanwhile (another scheduler, a skip) or the standing order changed."""
    so = standing_order
    lines = _lines(so)
    products = [line.product for line in lines]
    prices = {product.sku: product.unit_price for product in products}
    problem = _recheck(products, client)
    plan = occurrence_plan([(line.product, line.qty) for line in lines], so.on_shortage)
    plan.changes[:0] = [
        f"{p.sku}: the unit price changed from ${prices[p.sku]} to ${p.unit_price}."
        for p in products
        if p.unit_price != prices[p.sku] and not p.discontinued
    ]
    if problem:
        plan.changes.insert(
            0,
            f"Stock and prices could not be re-checked with Cup Source ({problem}); the "
            "catalog's last figures were used, and Cup Source checks the order when it arrives.",
        )
    occurrence = _write(so, day, plan)
    if occurrence is not None and occurrence.order and occurrence.order.is_pending:
        order_submit(order=occurrence.order, client=client, priority=Priority.BACKGROUND)
        occurrence.order.refresh_from_db()
    return occurrence


class _Changed(Exception):
    """The standing order changed (paused, skipped, edited) while its date was being written."""


def _write(so: StandingOrder, day: date, plan: Plan) -> Occurrence | None:
    try:
        with transaction.atomic():
            # The claim: a second writer of the same date fails here, and writes nothing.
            occurrence = Occurrence.objects.create(
                standing_order=so, date=day, outcome=Occurrence.Outcome.NOT_PLACED
            )
            so = _locked(so)
            if so.status != StandingOrder.Status.ACTIVE or so.next_date != day:
                raise _Changed
            _fill(occurrence, so, day, plan)
            if so.status == StandingOrder.Status.ACTIVE:
                _reschedule(so, day + timedelta(days=1))
            else:  # paused: its owner's account was deactivated
                so.next_date = so.next_run_at = so.remind_at = None
            so.save()
            notice_occurrence(occurrence, plan.changes)
    except _Changed:
        return None
    except IntegrityError:
        if Occurrence.objects.filter(standing_order_id=so.pk, date=day).exists():
            logger.info("%s on %s was written by another scheduler", so, day)
            return None
        raise
    return occurrence


def _fill(occurrence: Occurrence, so: StandingOrder, day: date, plan: Plan) -> None:
    """Write the order (or say why there is none) and what happened, on the occurrence."""
    Outcome = Occurrence.Outcome
    owner = so.owner
    if not owner.is_active:
        occurrence.message = (
            f"Not ordered: {_name(owner)}'s account is deactivated, so the standing order is "
            "paused. A new owner can set it up again from a list."
        )
        so.status = StandingOrder.Status.PAUSED
    elif so.address is None:
        occurrence.message = "Not ordered: it has no ship-to address (the address was removed)."
    elif not plan.items:
        occurrence.message = "Not ordered: none of its lines could be ordered."
    else:
        held = "; ".join(plan.held)
        notes = "\n".join([f"From the standing order “{so.name}” for {day_text(day)}.",
                           *plan.changes])  # fmt: skip
        try:
            order = order_write(
                user=owner,
                items=plan.items,
                address=so.address,
                po_number=so.po_for(day, so.next_number()),
                notes=notes,
                held=(held[0].upper() + held[1:] + ".") if held else "",
                origin=f"Written by the standing order “{so.name}” for {day_text(day)}",
            )
        except CartError as exc:
            occurrence.message = f"Not ordered: {exc.message}"
        else:
            occurrence.order = order
            occurrence.outcome = Outcome.HELD if held else Outcome.PLACED
            occurrence.message = _what_happened(order)
    occurrence.save()


def _what_happened(order: Order) -> str:
    if order.state == Order.State.HELD:
        return f"Order {order.reference} is held for your review: {order.problem}"
    if order.state == Order.State.PENDING_APPROVAL:
        return (
            f"Order {order.reference} (${order.expected_subtotal:,.2f}) is over the spending "
            f"limit of ${order.approval_threshold:,.2f}: it waits for an approver."
        )
    return f"Order {order.reference} (${order.expected_subtotal:,.2f}) written and sent."


def occurrence_miss(*, standing_order: StandingOrder, day: date, now: datetime) -> None:
    """Record a date whose moment passed more than LATE_GRACE ago unordered (and tell)."""
    so = standing_order
    when = schedule.run_at(day, so.send_time, so.time_zone)
    late = now - when
    message = (
        f"Not ordered: Cupboard's scheduler was not running at the time "
        f"(it came back {late.days} day{'s' if late.days != 1 else ''} later). "
        "Order by hand if you still need it."
    )
    plan = Plan()
    try:
        with transaction.atomic():
            occurrence = Occurrence.objects.create(
                standing_order=so, date=day, outcome=Occurrence.Outcome.MISSED, message=message
            )
            so = _locked(so)
            if so.status != StandingOrder.Status.ACTIVE or so.next_date != day:
                raise _Changed
            _reschedule(so, day + timedelta(days=1))
            so.save()
            notice_occurrence(occurrence, plan.changes)
    except (_Changed, IntegrityError):
        return


def _recheck(products: list[Product], client: CupSourceClient) -> str:
    """Fresh stock and prices for the products, into the mirror (and the objects); "" or why
    Cup Source could not be asked."""
    if not products:
        return ""
    skus = [product.sku for product in products]
    try:
        fresh = {
            p.sku: p
            for p in client.iter_products(skus=skus, per_page=100, priority=Priority.BACKGROUND)
        }
    except CupSourceError as exc:
        logger.warning("Standing order re-check failed: %s", exc)
        return describe_lookup_error(exc).rstrip(".")
    products_refresh(products=products, fresh=fresh)
    return ""


def standing_orders_remind_due(*, now: datetime | None = None) -> int:
    """The day before each date, at the send time: tell the owner what will be sent
    ("sends tomorrow: review or skip"), once per date."""
    now = now or timezone.now()
    sent = 0
    for so in StandingOrder.objects.reminder_due(now):
        with transaction.atomic():
            so = _locked(so)
            if so.reminded_for == so.next_date or so.status != StandingOrder.Status.ACTIVE:
                continue
            notice_reminder(so)
            so.reminded_for = so.next_date
            so.save(update_fields=["reminded_for"])
            sent += 1
    return sent


def standing_work_due() -> bool:
    """The scheduler's cheap check: an order to write or a reminder to send."""
    now = timezone.now()
    return (
        StandingOrder.objects.due(now).exists() or StandingOrder.objects.reminder_due(now).exists()
    )


# --- restocking from a forecast --------------------------------------------------------------


def restock_add(*, user, product: Product, qty: int, once: str | None) -> CartLine:
    """The forecast's suggestion into the buyer's cart, in one click: `once` is the button's
    single-use token (AlreadyDone if it was used); CartError if the quantity is not valid."""
    return cart_add_once(user=user, product=product, qty=qty, once=once)
