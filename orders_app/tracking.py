"""Tracking, fetched at most once per order per minute whatever the number of viewers.

The last answer is kept on the order (so it can be shown, with its age, when the API is down,
and so the overview can use it without an API call). Who may fetch is decided by an atomic
conditional UPDATE on the order row: of all the processes that find the copy stale, exactly one
wins the claim and calls the API; the others show the copy they have.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cupsource.budget import Priority
from cupsource.client import CupSourceClient
from cupsource.errors import CupSourceError
from cupsource.models import Tracking
from orders_app.models import Order
from orders_app.notices import notice_tracking, tracking_url
from orders_app.problems import describe_lookup_error
from orders_app.version import orders_changed

logger = logging.getLogger(__name__)

FRESH_FOR = timedelta(seconds=60)
BACKGROUND_EVERY = timedelta(minutes=10)
REFRESH_TIME_BOX = timedelta(seconds=60)  # one background refresh run holds the worker this long
FINAL = {"delivered"}
ORDER_STATUS_FROM_TRACKING = {
    "label_created": "processing",
    "in_transit": "shipped",
    "out_for_delivery": "shipped",
    "exception": "shipped",
    "delivered": "delivered",
}


STATUS_LABELS = {
    "pending": "Being prepared",
    "label_created": "Label created",
    "in_transit": "In transit",
    "out_for_delivery": "Out for delivery",
    "delivered": "Delivered",
    "exception": "Delivery problem",
}


@dataclass(frozen=True)
class TrackingView:
    data: dict | None  # the Tracking object as JSON, or None if never fetched
    fetched_at: datetime | None
    problem: str = ""  # why the copy could not be refreshed just now

    @cached_property
    def parsed(self) -> Tracking | None:
        """The stored JSON as the client's typed model (dates as dates) for display."""
        return Tracking.model_validate_json(json.dumps(self.data)) if self.data else None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.data["status"], self.data["status"]) if self.data else ""

    @property
    def carrier_url(self) -> str:
        """The carrier's own page for the tracking number ("" for carriers Cupboard does not
        know, or before there is a number)."""
        if not self.data:
            return ""
        return tracking_url(self.data.get("carrier"), self.data.get("tracking_number"))

    @property
    def delivered(self) -> bool:
        return bool(self.data) and self.data["status"] in FINAL

    @property
    def age(self) -> timedelta | None:
        return timezone.now() - self.fetched_at if self.fetched_at else None


def tracking_for(order: Order, *, client_factory, priority=Priority.INTERACTIVE) -> TrackingView:
    """The order's tracking: the stored copy, refreshed first if it is over a minute old and
    this process wins the claim to refresh it."""
    if not order.supplier_order_id:
        return TrackingView(None, None)
    if _is_final(order) or not _claim_refresh(order, older_than=FRESH_FOR):
        order.refresh_from_db(fields=["tracking", "tracking_fetched_at"])
        return TrackingView(order.tracking, order.tracking_fetched_at)
    with client_factory() as client:
        return _refresh(order, client, priority)


def tracking_refresh_open(
    *, client: CupSourceClient, time_box: timedelta = REFRESH_TIME_BOX
) -> int:
    """Background refresh of accepted, undelivered orders not refreshed for a while, the
    longest unchecked first. It shares the worker with order sends, so it stops after
    `time_box`, and as soon as an order is due to be sent or checked: the next run (every
    TRACKING_REFRESH_INTERVAL) carries on where this one stopped."""
    deadline = timezone.now() + time_box
    refreshed = 0
    open_orders = Order.objects.undelivered().order_by(
        F("tracking_checked_at").asc(nulls_first=True), "pk"
    )
    for order in open_orders.iterator():
        if timezone.now() >= deadline or Order.objects.due().exists():
            break
        claimed = _claim_refresh(order, older_than=BACKGROUND_EVERY)
        if claimed and not _refresh(order, client, Priority.BACKGROUND).problem:
            refreshed += 1
    return refreshed


def _is_final(order: Order) -> bool:
    return bool(order.tracking) and order.tracking.get("status") in FINAL


def _claim_refresh(order: Order, *, older_than: timedelta) -> bool:
    now = timezone.now()
    return bool(
        Order.objects.filter(pk=order.pk)
        .filter(Q(tracking_checked_at__isnull=True) | Q(tracking_checked_at__lt=now - older_than))
        .update(tracking_checked_at=now)
    )


def _refresh(order: Order, client: CupSourceClient, priority) -> TrackingView:
    try:
        tracking = client.get_tracking(order.supplier_order_id, priority=priority)
    except CupSourceError as exc:
        logger.warning("Tracking refresh for %s failed: %s", order.reference, exc)
        order.refresh_from_db(fields=["tracking", "tracking_fetched_at"])
        return TrackingView(order.tracking, order.tracking_fetched_at, describe_lookup_error(exc))
    now = timezone.now()
    data = tracking.model_dump(mode="json")
    updates = {"tracking": data, "tracking_fetched_at": now}
    if status := ORDER_STATUS_FROM_TRACKING.get(tracking.status):
        updates["supplier_status"] = status
    with transaction.atomic():
        row = Order.objects.select_for_update().filter(pk=order.pk)
        old = row.values_list("tracking", flat=True).first()
        row.update(**updates)
        if old != data:
            orders_changed()
        notice_tracking(order, old, data)  # the buyer hears of each new step, once
    return TrackingView(data, now)
