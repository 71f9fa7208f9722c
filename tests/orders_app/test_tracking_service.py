from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from orders_app.models import Order
from orders_app.services import order_place, order_submit
from orders_app.tracking import tracking_for, tracking_refresh_open


def tracking_json(order_id, status="in_transit"):
    return {
        "order_id": order_id,
        "status": status,
        "carrier": "UPS",
        "tracking_number": "1Z999",
        "estimated_delivery": "2026-12-01",
        "signature_required": True,
        "events": [
            {
                "at": "2026-11-27T10:00:00Z",
                "status": status,
                "location": "Portland, OR",
                "description": "On its way",
            }
        ],
    }


@pytest.fixture
def accepted(buyer, cart_with_cup, address, supplier):
    order = order_place(user=buyer, cart=cart_with_cup, address=address)
    with supplier.client() as client:
        order_submit(order=order, client=client)
    supplier.tracking["ord_0001"] = tracking_json("ord_0001")
    return order


def view(order, supplier):
    return tracking_for(order, client_factory=supplier.client)


def tracking_calls(supplier):
    return [r for r in supplier.requests if r.url.path.endswith("/tracking")]


def test_it_fetches_and_stores_tracking(accepted, supplier):
    result = view(accepted, supplier)
    assert result.data["carrier"] == "UPS" and not result.problem
    accepted.refresh_from_db()
    assert accepted.tracking["tracking_number"] == "1Z999"
    assert accepted.supplier_status == "shipped"


def test_many_viewers_within_a_minute_make_one_call(accepted, supplier):
    for _ in range(50):
        assert view(Order.objects.get(pk=accepted.pk), supplier).data["status"] == "in_transit"
    assert len(tracking_calls(supplier)) == 1


def test_it_refreshes_after_a_minute(accepted, supplier):
    view(accepted, supplier)
    Order.objects.filter(pk=accepted.pk).update(
        tracking_checked_at=timezone.now() - timedelta(seconds=61)
    )
    supplier.tracking["ord_0001"] = tracking_json("ord_0001", "out_for_delivery")
    assert view(accepted, supplier).data["status"] == "out_for_delivery"
    assert len(tracking_calls(supplier)) == 2


def test_when_the_api_is_down_the_last_copy_is_shown_with_a_problem(accepted, supplier):
    view(accepted, supplier)
    Order.objects.filter(pk=accepted.pk).update(
        tracking_checked_at=timezone.now() - timedelta(minutes=5)
    )
    supplier.tracking["ord_0001"] = httpx.ConnectError("down")
    result = view(accepted, supplier)
    assert result.data["status"] == "in_transit"
    assert result.problem == "Cup Source isn't answering right now."
    assert result.age is not None


def test_a_delivered_order_is_not_fetched_again(accepted, supplier):
    supplier.tracking["ord_0001"] = tracking_json("ord_0001", "delivered")
    view(accepted, supplier)
    Order.objects.filter(pk=accepted.pk).update(
        tracking_checked_at=timezone.now() - timedelta(hours=1)
    )
    assert view(Order.objects.get(pk=accepted.pk), supplier).delivered
    assert len(tracking_calls(supplier)) == 1


def test_an_order_not_yet_accepted_has_no_tracking(buyer, cart_with_cup, address, supplier):
    order = order_place(user=buyer, cart=cart_with_cup, address=address)
    assert view(order, supplier).data is None
    assert supplier.requests == []


def test_the_background_refresh_covers_open_orders_once(accepted, supplier):
    with supplier.client() as client:
        assert tracking_refresh_open(client=client) == 1
        assert tracking_refresh_open(client=client) == 0  # refreshed recently
    assert len(tracking_calls(supplier)) == 1


def test_the_background_refresh_gives_way_to_an_order_that_is_due(accepted, supplier):
    """It shares the worker with order sends: an order waiting to be sent or checked goes
    first, and the refresh carries on in its next run."""
    Order.objects.create(
        placed_by=accepted.placed_by,
        reference="CB-DUE-1",
        payload={},
        expected_subtotal=0,
        state=Order.State.QUEUED,
        next_attempt_at=timezone.now(),
    )
    with supplier.client() as client:
        assert tracking_refresh_open(client=client) == 0
    assert tracking_calls(supplier) == []


def test_an_order_due_later_does_not_stop_the_background_refresh(accepted, supplier):
    Order.objects.create(
        placed_by=accepted.placed_by,
        reference="CB-LATER-1",
        payload={},
        expected_subtotal=0,
        state=Order.State.QUEUED,
        next_attempt_at=timezone.now() + timedelta(minutes=5),
    )
    with supplier.client() as client:
        assert tracking_refresh_open(client=client) == 1


def test_the_background_refresh_stops_at_its_time_box(accepted, supplier):
    with supplier.client() as client:
        assert tracking_refresh_open(client=client, time_box=timedelta(0)) == 0
        assert tracking_refresh_open(client=client) == 1  # the next run does it
    assert len(tracking_calls(supplier)) == 1
