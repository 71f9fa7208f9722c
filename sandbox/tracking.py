"""Order status and shipment tracking, derived from the order's age (nothing stored can drift).

Time runs `settings.SANDBOX_TIME_SCALE` times faster for shipments than for the sandbox clock
(default 120: one real minute is two simulated hours). Schedule, in simulated hours after the
order was placed:

    0 h  pending           Order received; awaiting fulfilment        (Reno, NV)
    1 h  label_created     Shipping label created                     (Reno, NV)
    2 h  in_transit        Picked up by carrier                       (Reno, NV)
    4 h  in_transit        Arrived at carrier facility                (a hub on the way)
    6 h  out_for_delivery  Out for delivery                           (destination)
    8 h  delivered         Delivered                                  (destination)

About 5% of orders (decided by a hash of the order id) meet a delivery exception instead:

    8 h  exception         Delivery attempted — business closed
   22 h  out_for_delivery  Out for delivery (second attempt)
   24 h  delivered         Delivered

The order's own status follows: `received` (first half hour), `processing` (until pickup at
2 h), `shipped` (from pickup), `delivered`. An event's `at` is the real time at which it
happened: created_at + simulated hours / scale.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

ORIGIN = "Reno, NV"
HUBS = [
    "Sacramento, CA",
    "Salt Lake City, UT",
    "Denver, CO",
    "Phoenix, AZ",
    "Dallas, TX",
    "Kansas City, MO",
    "Chicago, IL",
    "Memphis, TN",
    "Louisville, KY",
    "Columbus, OH",
]
PROCESSING_FROM_HOURS = 0.5
SIGNATURE_TOTAL = Decimal("1000.00")
SIGNATURE_UNITS = 20_000
EXCEPTION_ONE_IN = 20


@dataclass(frozen=True)
class Stage:
    hours: float
    status: str
    description: str
    place: str  # origin | hub | destination


ROUTE = [
    Stage(0, "pending", "Order received; awaiting fulfilment", "origin"),
    Stage(1, "label_created", "Shipping label created", "origin"),
    Stage(2, "in_transit", "Picked up by carrier", "origin"),
    Stage(4, "in_transit", "Arrived at carrier facility", "hub"),
    Stage(6, "out_for_delivery", "Out for delivery", "destination"),
]
DELIVERED = Stage(8, "delivered", "Delivered", "destination")
PICKUP_HOURS = 2
WITH_EXCEPTION = [
    Stage(8, "exception", "Delivery attempted — business closed", "destination"),
    Stage(22, "out_for_delivery", "Out for delivery (second attempt)", "destination"),
    Stage(24, "delivered", "Delivered", "destination"),
]


@dataclass(frozen=True)
class Event:
    at: datetime
    status: str
    location: str
    description: str


@dataclass(frozen=True)
class Tracking:
    order_id: str
    status: str
    carrier: str | None
    tracking_number: str | None
    estimated_delivery: date
    signature_required: bool
    events: list[Event]


def _digest(order_id: str) -> int:
    return int.from_bytes(hashlib.sha256(order_id.encode()).digest()[:8], "big")


def has_delivery_exception(order_id: str) -> bool:
    """Whether this order meets the delivery exception (about one order in twenty)."""
    return _digest(order_id) % EXCEPTION_ONE_IN == 0


def schedule(order_id: str) -> list[Stage]:
    if has_delivery_exception(order_id):
        return [*ROUTE, *WITH_EXCEPTION]
    return [*ROUTE, DELIVERED]


def simulated_hours(created_at: datetime, now: datetime, scale: float) -> float:
    return max(0.0, (now - created_at).total_seconds() * scale / 3600)


def order_status(*, order_id: str, created_at: datetime, now: datetime, scale: float) -> str:
    hours = simulated_hours(created_at, now, scale)
    if hours >= schedule(order_id)[-1].hours:
        return "delivered"
    if hours >= PICKUP_HOURS:
        return "shipped"
    if hours >= PROCESSING_FROM_HOURS:
        return "processing"
    return "received"


def carrier_for(order_id: str) -> tuple[str, str]:
    """(carrier, tracking number), fixed by the order id."""
    digits = f"{_digest(order_id + ':label'):020d}"
    if _digest(order_id) % 2:
        shipper = digits[:6].translate(str.maketrans("0123456789", "ABCDEFGHJK"))
        return "UPS", f"1Z{shipper}03{digits[6:14]}"
    return "FedEx", digits[:12]


def signature_required(*, total: Decimal, units: int) -> bool:
    return total >= SIGNATURE_TOTAL or units >= SIGNATURE_UNITS


def track(
    *,
    order_id: str,
    created_at: datetime,
    destination: str,
    total: Decimal,
    units: int,
    now: datetime,
    scale: float,
) -> Tracking:
    hours = simulated_hours(created_at, now, scale)
    stages = schedule(order_id)
    places = {
        "origin": ORIGIN,
        "hub": HUBS[_digest(order_id + ":hub") % len(HUBS)],
        "destination": destination,
    }
    signature = signature_required(total=total, units=units)

    def at(stage_hours: float) -> datetime:
        return created_at + timedelta(seconds=stage_hours * 3600 / scale)

    events = [
        Event(
            at=at(stage.hours),
            status=stage.status,
            location=places[stage.place],
            description=_describe(stage, signature),
        )
        for stage in stages
        if stage.hours <= hours
    ]
    status = events[-1].status
    labelled = status != "pending"
    carrier, number = carrier_for(order_id) if labelled else (None, None)
    # Until a delivery attempt fails, the estimate is the normal schedule's delivery.
    attempted = any(event.status == "exception" for event in events)
    expected = stages[-1].hours if attempted else DELIVERED.hours
    return Tracking(
        order_id=order_id,
        status=status,
        carrier=carrier,
        tracking_number=number,
        estimated_delivery=at(expected).date(),
        signature_required=signature,
        events=events,
    )


def _describe(stage: Stage, signature: bool) -> str:
    if stage.status != "delivered":
        return stage.description
    if signature:
        return "Delivered — signed for at reception"
    return "Delivered — left at the receiving dock"
