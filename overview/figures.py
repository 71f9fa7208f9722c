"""The overview's figures, each computed from the database alone (no call to Cup Source).

Whose data: a buyer sees their own orders (`Order.objects.for_user`), their own stars, and the
delivery dates they themselves have acknowledged. Tracking figures read the copy of the last
tracking answer stored on each order (`Order.tracking`), which the tracking page and the
background refresh keep up to date.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from accounts.roles import is_approver
from catalog_app.models import LOW_STOCK_CASES, Product
from favourites.models import Favourite
from orders_app.models import Order, OrderLine, SupplierStatus
from orders_app.services import seen_deliveries
from orders_app.tracking import STATUS_LABELS

DUE_WITHIN_DAYS = 7
SPEND_MONTHS = 12
TOP_SKUS = 5


def _open_tracked_orders(user):
    """The buyer's accepted orders with stored tracking that are not delivered yet."""
    return Order.objects.for_user(user).undelivered().filter(tracking__isnull=False).order_by("pk")


def estimated_delivery(order: Order) -> date | None:
    value = (order.tracking or {}).get("estimated_delivery")
    return parse_date(value) if value else None


# --- deliveries due --------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    order: Order
    estimated_delivery: date
    signature_required: bool
    status_label: str
    late: bool  # the estimate has passed and it is not delivered


def deliveries_due(user, *, today: date, days: int = DUE_WITHIN_DAYS) -> list[Delivery]:
    """Undelivered orders whose estimated delivery is within `days` from today (or has passed:
    those are flagged late), soonest first."""
    deliveries = []
    for order in _open_tracked_orders(user):
        tracking = order.tracking
        eta = estimated_delivery(order)
        if tracking.get("status") == "delivered" or eta is None:
            continue
        if eta <= today + timedelta(days=days):
            deliveries.append(
                Delivery(
                    order=order,
                    estimated_delivery=eta,
                    signature_required=bool(tracking.get("signature_required")),
                    status_label=STATUS_LABELS.get(tracking.get("status"), tracking.get("status")),
                    late=eta < today,
                )
            )
    return sorted(deliveries, key=lambda d: (d.estimated_delivery, d.order.pk))


# --- orders needing attention ----------------------------------------------------------------


def orders_needing_attention(user) -> list[Order]:
    """The user's own orders that wait for someone, and — for an approver — other buyers'
    orders waiting for their approval (marked `for_approval`), oldest first."""
    wanted = Q(placed_by=user, state__in=Order.ATTENTION_STATES)
    if is_approver(user):
        wanted |= Q(state=Order.State.PENDING_APPROVAL) & ~Q(placed_by=user)
    orders = list(Order.objects.filter(wanted).select_related("placed_by").order_by("created_at"))
    for order in orders:
        order.for_approval = order.placed_by_id != user.pk
    return orders


# --- tracking alerts -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackingAlert:
    order: Order
    kind: str  # "exception" or "moved"
    message: str
    at: datetime | None = None  # when the exception happened
    was: date | None = None  # the date the buyer last saw (moved)
    now: date | None = None  # the date the tracking says now (moved)


def tracking_alerts(user) -> list[TrackingAlert]:
    """Delivery problems (an `exception` event on an undelivered order) and estimated delivery
    dates that moved since the buyer last acknowledged them. Records the date of any order the
    buyer has not been shown yet, so only later moves are reported."""
    orders = [o for o in _open_tracked_orders(user) if o.tracking.get("status") != "delivered"]
    seen = seen_deliveries(user=user, current={o.pk: estimated_delivery(o) for o in orders})
    alerts = []
    for order in orders:
        exceptions = [e for e in order.tracking.get("events") or [] if e["status"] == "exception"]
        if exceptions:
            event = exceptions[-1]
            place = f" ({event['location']})" if event.get("location") else ""
            alerts.append(
                TrackingAlert(
                    order=order,
                    kind="exception",
                    message=f"{event['description']}{place}",
                    at=parse_datetime(event["at"]),
                )
            )
        was, now = seen[order.pk], estimated_delivery(order)
        if was != now:
            alerts.append(TrackingAlert(order=order, kind="moved", message="", was=was, now=now))
    return alerts


# --- spend per month -------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthSpend:
    month: date  # the first day of the month
    total: Decimal


def _month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _spent(user):
    """Orders that count as spend: accepted by Cup Source and not cancelled by them."""
    return (
        Order.objects.for_user(user)
        .filter(state=Order.State.ACCEPTED)
        .exclude(supplier_status=SupplierStatus.CANCELLED)
    )


def spend_by_month(user, *, today: date, months: int = SPEND_MONTHS) -> list[MonthSpend]:
    """What the buyer's accepted orders cost (totals with shipping), by the month they were
    placed in, for the last `months` months including this one (oldest first, zeros kept)."""
    first = _month_start(today, months - 1)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(first.year, first.month, 1), tz)
    rows = (
        _spent(user)
        .filter(created_at__gte=start)
        .annotate(month=TruncMonth("created_at", tzinfo=tz))
        .values("month")
        .annotate(total=Sum("total"))
    )
    totals = {row["month"].date(): row["total"] or Decimal(0) for row in rows}
    return [
        MonthSpend(month=m, total=totals.get(m, Decimal(0)))
        for m in (_month_start(today, back) for back in range(months - 1, -1, -1))
    ]


@dataclass(frozen=True)
class Bar:
    month: date
    total: Decimal
    x: float
    y: float
    height: float
    label: str  # short month name (with the year on January)
    label_x: float  # the centre of the bar


@dataclass(frozen=True)
class SpendChart:
    """A bar chart laid out for a server-rendered SVG (the template draws it)."""

    bars: list[Bar]
    width: int
    height: int
    top: Decimal  # the value of the top grid line
    bar_width: float
    plot_top: int
    plot_bottom: int
    plot_left: int
    plot_right: int

    @property
    def current(self) -> Bar:
        return self.bars[-1]

    @property
    def total(self) -> Decimal:
        return sum((bar.total for bar in self.bars), Decimal(0))

    @property
    def gridlines(self) -> list[tuple[float, Decimal]]:
        span = self.plot_bottom - self.plot_top
        return [(self.plot_bottom - span * i / 4, self.top * i / 4) for i in range(5)]


def _nice_ceiling(value: Decimal) -> Decimal:
    """A top for four grid lines that read well: 4 × a round step (1, 2, 2.5, 3, 4, 5, 6 or 8
    × 10ⁿ) at least `value`."""
    if value <= 0:
        return Decimal(400)
    quarter = value / 4
    magnitude = Decimal(10) ** (len(str(int(quarter))) - 1)
    steps = (1, 2, Decimal("2.5"), 3, 4, 5, 6, 8, 10)
    return 4 * magnitude * next(step for step in steps if quarter <= step * magnitude)


def spend_chart(months: list[MonthSpend], *, width=640, height=220) -> SpendChart:
    left, right, plot_top, plot_bottom = 56, 8, 12, height - 28
    top = _nice_ceiling(max((m.total for m in months), default=Decimal(0)))
    slot = (width - left - right) / max(len(months), 1)
    bar_width = slot * 0.66
    bars = []
    for index, m in enumerate(months):
        bar_height = float(m.total / top) * (plot_bottom - plot_top) if top else 0
        label = m.month.strftime("%b")
        if m.month.month == 1:  # every 12 months hold one January: it carries the year
            label += f" ’{m.month:%y}"
        bars.append(
            Bar(
                month=m.month,
                total=m.total,
                x=round(left + slot * index + (slot - bar_width) / 2, 1),
                y=round(plot_bottom - bar_height, 1),
                height=round(bar_height, 1),
                label=label,
                label_x=round(left + slot * index + slot / 2, 1),
            )
        )
    return SpendChart(
        bars=bars,
        width=width,
        height=height,
        top=top,
        bar_width=round(bar_width, 1),
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        plot_left=left,
        plot_right=width - right,
    )


# --- top SKUs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopSku:
    sku: str
    name: str
    units: int
    orders: int
    product: Product | None
    share: float  # of the top SKU's units, 0–100, for the bar


def top_skus(user, *, today: date, limit: int = TOP_SKUS) -> list[TopSku]:
    """The SKUs the buyer ordered most (in units) over the last 12 months of accepted orders."""
    first = _month_start(today, SPEND_MONTHS - 1)
    start = timezone.make_aware(datetime(first.year, first.month, 1))
    rows = list(
        OrderLine.objects.filter(order__in=_spent(user), order__created_at__gte=start)
        .values("sku")
        .annotate(units=Sum("qty"), name=Max("name"), orders=Count("order", distinct=True))
        .order_by("-units", "sku")[:limit]
    )
    products = {p.sku: p for p in Product.objects.filter(sku__in=[r["sku"] for r in rows])}
    most = rows[0]["units"] if rows else 1
    return [
        TopSku(
            sku=row["sku"],
            name=row["name"],
            units=row["units"],
            orders=row["orders"],
            product=products.get(row["sku"]),
            share=round(100 * row["units"] / most, 1),
        )
        for row in rows
    ]


# --- low stock among favourites --------------------------------------------------------------


def low_stock_favourites(user) -> list[Product]:
    """The buyer's starred products that are low, out of stock, or no longer offered."""
    low = Q(product__stock__lt=F("product__case_pack") * LOW_STOCK_CASES)
    favourites = (
        Favourite.objects.filter(user=user)
        .filter(low | Q(product__discontinued=True))
        .select_related("product")
        .order_by("product__discontinued", "product__stock", "product__sku")
    )
    return [favourite.product for favourite in favourites]
