"""GET /v1/orders/{id}/tracking: derived from the order's age on the sandbox clock."""

from datetime import timedelta
from decimal import Decimal

import pytest

from sandbox import tracking
from sandbox.models import Account, Order, OrderLine

ADDRESS = {
    "name": None,
    "line1": "1 Main St",
    "line2": None,
    "city": "Boise",
    "state": "ID",
    "zip": "83702",
}


def _order_id(*, exception: bool) -> str:
    return next(
        f"ord_test{n:04d}"
        for n in range(1000)
        if tracking.has_delivery_exception(f"ord_test{n:04d}") is exception
    )


@pytest.fixture
def make_order(sandbox_api, sandbox_clock):
    def make(*, exception=False, total="425.00", units=10_000) -> str:
        order = Order.objects.create(
            id=_order_id(exception=exception),
            account=Account.objects.get(name=sandbox_api.account),
            subtotal=Decimal(total),
            shipping=Decimal("0.00"),
            total=Decimal(total),
            shipping_address=ADDRESS,
            created_at=sandbox_clock.now(),
        )
        OrderLine.objects.create(
            order=order,
            position=0,
            sku="CS-8OZ-ECO",
            qty=units,
            unit_price=Decimal("0.0480"),
            line_total=Decimal(total),
        )
        return order.id

    return make


@pytest.fixture
def real_hours(settings):
    settings.SANDBOX_TIME_SCALE = 1.0  # one simulated hour per hour on the clock


def _track(sandbox_api, order_id) -> dict:
    response = sandbox_api.client.get(f"/v1/orders/{order_id}/tracking")
    assert response.status_code == 200
    assert response.json()["meta"] == {}
    return response.json()["data"]


def _walk(sandbox_api, sandbox_clock, order_id, hours) -> list[str]:
    seen = []
    previous = 0.0
    for hour in hours:
        sandbox_clock.advance(hours=hour - previous)
        previous = hour
        seen.append(_track(sandbox_api, order_id)["status"])
    return seen


def test_a_shipment_goes_from_pending_to_delivered(
    sandbox_api, sandbox_clock, make_order, real_hours
):
    order_id = make_order()

    seen = _walk(sandbox_api, sandbox_clock, order_id, [0, 0.99, 1, 2, 4, 6, 7.99, 8, 100])

    assert seen == [
        "pending",
        "pending",
        "label_created",
        "in_transit",
        "in_transit",
        "out_for_delivery",
        "out_for_delivery",
        "delivered",
        "delivered",
    ]


def test_a_new_shipment_has_no_carrier_yet(sandbox_api, make_order, real_hours):
    data = _track(sandbox_api, make_order())

    assert data["carrier"] is None
    assert data["tracking_number"] is None
    assert [event["status"] for event in data["events"]] == ["pending"]


def test_the_carrier_and_number_appear_with_the_label_and_stay(
    sandbox_api, sandbox_clock, make_order, real_hours
):
    order_id = make_order()
    sandbox_clock.advance(hours=1)
    labelled = _track(sandbox_api, order_id)
    sandbox_clock.advance(hours=10)
    delivered = _track(sandbox_api, order_id)

    assert labelled["carrier"] in {"UPS", "FedEx"}
    assert labelled["tracking_number"]
    assert (delivered["carrier"], delivered["tracking_number"]) == (
        labelled["carrier"],
        labelled["tracking_number"],
    )


def test_events_are_oldest_first_with_times_places_and_descriptions(
    sandbox_api, sandbox_clock, make_order, real_hours
):
    order_id = make_order()
    start = sandbox_clock.now()
    sandbox_clock.advance(hours=9)

    events = _track(sandbox_api, order_id)["events"]

    assert [e["status"] for e in events] == [
        "pending",
        "label_created",
        "in_transit",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]
    assert [e["at"] for e in events] == [
        (start + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%S.000Z") for h in (0, 1, 2, 4, 6, 8)
    ]
    assert events[0]["location"] == "Reno, NV"
    assert events[3]["location"] in tracking.HUBS
    assert events[-1]["location"] == "Boise, ID"
    assert all(event["description"] for event in events)


def test_the_time_scale_speeds_the_shipment_up(sandbox_api, sandbox_clock, make_order, settings):
    settings.SANDBOX_TIME_SCALE = 120.0  # the default: 8 simulated hours take 4 minutes
    order_id = make_order()

    sandbox_clock.advance(minutes=3, seconds=59)
    assert _track(sandbox_api, order_id)["status"] == "out_for_delivery"
    sandbox_clock.advance(seconds=1)
    assert _track(sandbox_api, order_id)["status"] == "delivered"


def test_the_estimated_delivery_is_the_scheduled_delivery_date(
    sandbox_api, sandbox_clock, make_order, real_hours
):
    # Ordered at 09:00 on 2 March: delivery is due at 17:00 the same day.
    assert _track(sandbox_api, make_order())["estimated_delivery"] == "2026-03-02"


def test_a_delivery_exception_delays_delivery_to_the_next_day(
    sandbox_api, sandbox_clock, make_order, real_hours
):
    order_id = make_order(exception=True)

    seen = _walk(sandbox_api, sandbox_clock, order_id, [7, 8, 21.99, 22, 23.99, 24])
    data = _track(sandbox_api, order_id)

    assert seen == [
        "out_for_delivery",
        "exception",
        "exception",
        "out_for_delivery",
        "out_for_delivery",
        "delivered",
    ]
    exception = next(e for e in data["events"] if e["status"] == "exception")
    assert exception["description"] == "Delivery attempted — business closed"
    assert data["estimated_delivery"] == "2026-03-03"


def test_the_estimate_moves_only_once_the_attempt_has_failed(
    sandbox_api, sandbox_clock, make_order, real_hours
):
    order_id = make_order(exception=True)
    before = _track(sandbox_api, order_id)["estimated_delivery"]
    sandbox_clock.advance(hours=8)

    after = _track(sandbox_api, order_id)["estimated_delivery"]

    assert (before, after) == ("2026-03-02", "2026-03-03")


def test_about_one_order_in_twenty_meets_an_exception():
    share = sum(tracking.has_delivery_exception(f"ord_{n:06x}") for n in range(4000)) / 4000

    assert 0.04 <= share <= 0.06


@pytest.mark.parametrize(
    ("total", "units", "required"),
    [
        ("425.00", 10_000, False),
        ("999.99", 19_999, False),
        ("1000.00", 1_000, True),
        ("120.00", 20_000, True),
    ],
)
def test_large_orders_need_a_signature(sandbox_api, make_order, total, units, required):
    data = _track(sandbox_api, make_order(total=total, units=units))

    assert data["signature_required"] is required


def test_tracking_shape(sandbox_api, make_order):
    data = _track(sandbox_api, make_order())

    assert set(data) == {
        "order_id",
        "status",
        "carrier",
        "tracking_number",
        "estimated_delivery",
        "signature_required",
        "events",
    }
    assert set(data["events"][0]) == {"at", "status", "location", "description"}


def test_tracking_of_an_unknown_order_is_a_404(sandbox_api):
    response = sandbox_api.client.get("/v1/orders/ord_nope/tracking")

    assert response.status_code == 404
