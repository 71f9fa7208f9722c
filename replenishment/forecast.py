"""Run-out forecasts: when will the team run out of what it orders again and again?

Computed from Cupboard's own database only — never the API: the quantities of the team's
delivered orders and the day each arrived (the "delivered" event of the tracking copy stored on
the order). Every user of an install is one team (one café or one chain), like the saved lists,
so the forecasts are the team's.

The model, per SKU the team has had delivered at least three times (on three different days):
each delivery lasts until the next one arrives, so delivery i gives a rate of use
`units_i / days until delivery i+1`. Rates far from the others — a one-off bulk buy for an event,
a delivery that sat in a back room — are ignored (more than three scaled median absolute
deviations, and at least a quarter, from the median rate). Use per day is the units of the kept
deliveries over the days they lasted; the last delivery lasts `its units / use per day` days.
Units on their way (orders sent, not delivered) push that date out. How sure it is comes from how
many deliveries agree and how much their rates vary.

The forecasts are computed once per order change: they are kept under the orders' version
(orders_app/version.py), which every order write replaces.
"""

import itertools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean, median, pstdev

from django.core.cache import cache
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from catalog_app.models import Product
from orders_app.models import Order, OrderLine, SupplierStatus
from orders_app.quantities import MAX_UNITS
from orders_app.version import orders_version
from replenishment.models import StandingOrder

MIN_DELIVERIES = 3
MAX_DELIVERIES = 13  # the latest 12 intervals: recent use counts, old habits fade out
HISTORY_DAYS = 400
HORIZON_DAYS = 14  # "running out soon": within two weeks…
STALE_DAYS = 7  # …or ran out at most a week ago (longer: the team stopped using it)
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Delivery:
    day: date
    units: int


@dataclass(frozen=True)
class Forecast:
    sku: str
    name: str
    per_day: float  # units used per day
    last: Delivery  # the latest delivery
    runs_out: date  # when the latest delivery is used up
    typical_days: int  # how long a delivery usually lasts (the team's rhythm)
    deliveries: int  # deliveries the estimate is made from
    ignored: int  # deliveries left out as outliers
    confidence: str  # "high", "medium" or "low"
    on_order: int = 0  # units on their way (sent, not delivered)

    @property
    def covered_until(self) -> date:
        """When the stock runs out counting what is on its way."""
        return self.runs_out + timedelta(days=round(self.on_order / self.per_day))

    @property
    def sureness(self) -> str:
        """How sure it is, in words."""
        return {
            "high": f"Fairly sure: {self.deliveries} deliveries at a steady rate",
            "medium": f"A fair guess from {self.deliveries} deliveries",
            "low": "A rough guess: your use varies a lot between deliveries",
        }[self.confidence]


def forecast_from(deliveries: list[Delivery], *, sku: str = "", name: str = "",
                  on_order: int = 0) -> Forecast | None:  # fmt: skip
    """The forecast from a SKU's deliveries (any order; same-day ones add up), or None with
    fewer than three delivery days."""
    by_day: dict[date, int] = {}
    for delivery in deliveries:
        by_day[delivery.day] = by_day.get(delivery.day, 0) + delivery.units
    days = sorted(by_day)[-MAX_DELIVERIES:]
    if len(days) < MIN_DELIVERIES:
        return None
    spans = [(by_day[a], (b - a).days) for a, b in itertools.pairwise(days)]
    rates = [units / gap for units, gap in spans]
    middle = median(rates)
    spread = median(abs(rate - middle) for rate in rates)
    allowed = max(3 * 1.4826 * spread, 0.25 * middle)
    kept = [(units, gap) for (units, gap), rate in zip(spans, rates, strict=True)
            if abs(rate - middle) <= allowed]  # fmt: skip
    per_day = sum(units for units, _ in kept) / sum(gap for _, gap in kept)
    last = Delivery(days[-1], by_day[days[-1]])
    kept_rates = [units / gap for units, gap in kept]
    variation = pstdev(kept_rates) / mean(kept_rates) if len(kept_rates) > 1 else 1.0
    if len(kept) >= 3 and variation <= 0.2:
        confidence = "high"
    elif len(kept) >= 2 and variation <= 0.45:
        confidence = "medium"
    else:
        confidence = "low"
    return Forecast(
        sku=sku,
        name=name,
        per_day=per_day,
        last=last,
        runs_out=last.day + timedelta(days=round(last.units / per_day)),
        typical_days=round(median(gap for _, gap in kept)),
        deliveries=len(days),
        ignored=len(spans) - len(kept),
        confidence=confidence,
        on_order=on_order,
    )


def delivered_on(tracking: dict | None) -> date | None:
    """The day an order arrived, from its stored tracking: its "delivered" event (in the
    display time zone), else the estimate of a tracking that says delivered."""
    tracking = tracking or {}
    for event in reversed(tracking.get("events") or []):
        if event.get("status") == "delivered" and (at := parse_datetime(event.get("at") or "")):
            return timezone.localdate(at)
    if tracking.get("status") == "delivered" and tracking.get("estimated_delivery"):
        return parse_date(tracking["estimated_delivery"])
    return None


def forecasts() -> dict[str, Forecast]:
    """Every SKU's forecast (those with enough deliveries), kept until an order changes."""
    key = f"replenishment:forecasts:{orders_version()}"
    found = cache.get(key)
    if found is None:
        found = compute_forecasts()
        cache.set(key, found, CACHE_SECONDS)
    return found


def compute_forecasts() -> dict[str, Forecast]:
    """From the database: the team's delivered orders of the last HISTORY_DAYS days."""
    since = timezone.now() - timedelta(days=HISTORY_DAYS)
    delivered = Order.objects.filter(
        state=Order.State.ACCEPTED, supplier_status=SupplierStatus.DELIVERED, created_at__gte=since
    )
    arrived = {
        pk: day
        for pk, tracking in delivered.values_list("pk", "tracking")
        if (day := delivered_on(tracking)) is not None
    }
    history: dict[str, list[Delivery]] = {}
    names: dict[str, str] = {}
    lines = OrderLine.objects.filter(order_id__in=list(arrived)).values_list(
        "sku", "name", "qty", "order_id"
    )
    for sku, name, qty, order_id in lines:
        history.setdefault(sku, []).append(Delivery(arrived[order_id], qty))
        names[sku] = name
    coming = _on_order(list(history))
    result = {}
    for sku, deliveries in history.items():
        forecast = forecast_from(deliveries, sku=sku, name=names[sku], on_order=coming.get(sku, 0))
        if forecast is not None:
            result[sku] = forecast
    return result


def _on_order(skus: list[str]) -> dict[str, int]:
    """Units of each SKU on their way: in orders sent or being sent and not delivered yet."""
    on_the_way = Q(order__state=Order.State.ACCEPTED) & ~Q(
        order__supplier_status__in=[SupplierStatus.DELIVERED, SupplierStatus.CANCELLED]
    )
    being_sent = Q(order__state__in=[*Order.PENDING_STATES, Order.State.PENDING_APPROVAL])
    rows = (
        OrderLine.objects.filter(on_the_way | being_sent, sku__in=skus)
        .values("sku")
        .annotate(units=Sum("qty"))
    )
    return {row["sku"]: row["units"] for row in rows}


# --- what the overview shows -----------------------------------------------------------------


@dataclass(frozen=True)
class Restock:
    """A forecast with what to do about it: the product, how much to order, and why."""

    forecast: Forecast
    product: Product
    suggested: int  # units: one usual rhythm's use, in whole cases, at least the minimum
    standing: StandingOrder | None  # an active standing order that orders it next

    @property
    def reason(self) -> str:
        f = self.forecast
        last = f"the {f.last.units:,} delivered {_day(f.last.day)}"
        verb = "last" if f.runs_out >= timezone.localdate() else "lasted"
        text = f"You use ~{_about(f.per_day)} a day; {last} {verb} until about {_day(f.runs_out)}."
        if f.on_order:
            text += f" {f.on_order:,} more are on order (until about {_day(f.covered_until)})."
        return text


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"


def _about(per_day: float) -> str:
    """A rate as a person would say it: two significant digits (714 → 710, 45.6 → 46)."""
    if per_day >= 10:
        digits = len(str(int(per_day))) - 2
        return f"{round(per_day, -digits):,.0f}"
    return f"{per_day:.1f}".removesuffix(".0")


def suggested_units(forecast: Forecast, product: Product) -> int:
    """Enough for the team's usual rhythm, rounded up to whole cases, at least the minimum."""
    wanted = round(forecast.per_day * max(forecast.typical_days, 1))  # whole units
    cases = max(math.ceil(wanted / product.case_pack), product.min_cases)
    return min(cases * product.case_pack, MAX_UNITS // product.case_pack * product.case_pack)


def restock_list(*, today: date, soon_only: bool = True) -> list[Restock]:
    """The forecasts with their products (no longer offered ones left out), soonest first;
    with `soon_only`, those running out within HORIZON_DAYS (or that ran out at most STALE_DAYS
    ago) that no active standing order orders before then."""
    found = forecasts()
    products = {p.sku: p for p in Product.objects.available().filter(sku__in=list(found))}
    standing = _standing_by_sku(list(found))
    rows = []
    for sku, forecast in found.items():
        product = products.get(sku)
        if product is None:
            continue
        next_standing = standing.get(sku)
        if soon_only:
            until = forecast.covered_until
            if not today - timedelta(days=STALE_DAYS) <= until <= today + timedelta(HORIZON_DAYS):
                continue
            if next_standing is not None and next_standing.next_date <= until:
                continue
        rows.append(Restock(forecast, product, suggested_units(forecast, product), next_standing))
    return sorted(rows, key=lambda r: (r.forecast.covered_until, r.forecast.sku))


def _standing_by_sku(skus: list[str]) -> dict[str, StandingOrder]:
    """For each SKU, the active standing order that orders it soonest."""
    found: dict[str, StandingOrder] = {}
    standing = StandingOrder.objects.filter(
        status=StandingOrder.Status.ACTIVE, next_date__isnull=False, lines__product__sku__in=skus
    ).order_by("next_date", "pk")
    for so in standing.distinct().prefetch_related("lines__product"):
        for line in so.lines.all():
            found.setdefault(line.product.sku, so)
    return found
