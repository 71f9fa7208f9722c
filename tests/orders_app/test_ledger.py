"""The submission ledger: one checkout becomes exactly one supplier order, whatever happens."""

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from orders_app.models import Cart, Order
from orders_app.services import (
    CartError,
    order_place,
    order_reconcile,
    order_resubmit,
    order_submit,
    orders_process_due,
)
from tests.orders_app.fakes import error


@pytest.fixture
def placed(buyer, cart_with_cup, address):
    return order_place(user=buyer, cart=cart_with_cup, address=address, po_number="PO-77")


def submit(order, supplier, **options):
    with supplier.client(**options) as client:
        return order_submit(order=order, client=client)


def sweep(supplier, now=None):
    with supplier.client() as client:
        return orders_process_due(client=client, now=now)


def later(seconds=3600):
    return timezone.now() + timedelta(seconds=seconds)


def test_placing_writes_the_order_before_sending_anything(placed, supplier, cart_with_cup):
    assert placed.state == Order.State.SUBMITTING
    assert placed.payload == {
        "items": [{"sku": "CS-8OZ-ECO", "qty": 5000}],
        "shipping_address": {
            "line1": "123 Commerce Way",
            "city": "Portland",
            "state": "OR",
            "zip": "97201",
            "name": "Bea's Café",
        },
        "currency": "USD",
        "reference": "PO-77",
    }
    assert placed.idempotency_key
    assert placed.lines.get().qty == 5000
    cart_with_cup.refresh_from_db()
    assert cart_with_cup.status == Cart.Status.CHECKED_OUT
    assert supplier.requests == []


def test_placing_the_same_cart_twice_gives_the_same_order(buyer, cart_with_cup, address, placed):
    again = order_place(user=buyer, cart=cart_with_cup, address=address)
    assert again.pk == placed.pk
    assert Order.objects.count() == 1


def test_without_a_po_the_order_gets_its_own_reference(buyer, cart_with_cup, address):
    order = order_place(user=buyer, cart=cart_with_cup, address=address)
    assert order.reference.startswith("CB-") and order.payload["reference"] == order.reference


def test_an_empty_cart_cannot_be_placed(buyer, address):
    from orders_app.services import cart_for

    with pytest.raises(CartError):
        order_place(user=buyer, cart=cart_for(buyer), address=address)


def test_accepted_records_the_supplier_id_and_totals(placed, supplier):
    order = submit(placed, supplier)
    assert order.state == Order.State.ACCEPTED
    assert order.supplier_order_id == "ord_0001"
    assert order.supplier_status == "received"
    assert order.total == Decimal("250")
    assert supplier.posts[0][0] == str(placed.idempotency_key)
    assert [e.state for e in order.events.all()] == ["submitting", "accepted"]


def test_a_rejected_order_needs_changes_with_the_line_messages(placed, supplier):
    details = {"items[0].qty": ["qty must be a multiple of case_pack (1000)"]}
    supplier.script = [error(400, "invalid_request", details=details)]
    order = submit(placed, supplier)
    assert order.state == Order.State.NEEDS_CHANGES
    assert order.problem_details == details
    assert "Fix the lines" in order.problem


def test_unverified_billing_needs_changes_and_says_why(placed, supplier):
    supplier.script = [error(403, "billing_unverified")]
    order = submit(placed, supplier)
    assert order.state == Order.State.NEEDS_CHANGES
    assert "billing" in order.problem


def test_rate_limited_is_queued_until_retry_after(placed, supplier):
    supplier.script = [error(429, "rate_limited", headers={"Retry-After": "42"})]
    order = submit(placed, supplier)
    assert order.state == Order.State.QUEUED
    assert timedelta(seconds=40) < order.next_attempt_at - timezone.now() <= timedelta(seconds=42)
    assert "queued" in order.problem


def test_a_refused_api_key_is_queued_not_lost(placed, supplier):
    supplier.script = [error(401, "unauthorized")]
    assert submit(placed, supplier).state == Order.State.QUEUED


def test_supplier_unreachable_is_queued(placed, supplier):
    supplier.script = ["connect_error"]
    order = submit(placed, supplier)
    assert order.state == Order.State.QUEUED
    assert "can't be reached" in order.problem


@pytest.mark.parametrize(
    "action", ["timeout_after", "timeout_before", "reset_after", "500_after", "500"]
)
def test_an_ambiguous_failure_is_in_doubt(placed, supplier, action):
    supplier.script = [action]
    order = submit(placed, supplier)
    assert order.state == Order.State.IN_DOUBT
    assert len(supplier.posts) == 1  # never re-sent blindly


@pytest.mark.parametrize("action", ["timeout_after", "reset_after", "500_after"])
def test_reconciling_finds_an_order_that_did_arrive_and_never_resends(placed, supplier, action):
    supplier.script = [action]
    submit(placed, supplier)
    assert sweep(supplier, now=later()) == 1
    placed.refresh_from_db()
    assert placed.state == Order.State.ACCEPTED
    assert placed.supplier_order_id == "ord_0001"
    assert len(supplier.posts) == 1
    assert len(supplier.orders) == 1


@pytest.mark.parametrize("action", ["timeout_before", "500"])
def test_reconciling_resends_with_the_same_key_only_when_the_order_is_missing(
    placed, supplier, action
):
    supplier.script = [action]
    submit(placed, supplier)
    sweep(supplier, now=later())
    placed.refresh_from_db()
    assert placed.state == Order.State.ACCEPTED
    assert [key for key, _ in supplier.posts] == [str(placed.idempotency_key)] * 2
    assert len(supplier.orders) == 1
    lookups = [r for r in supplier.requests if r.method == "GET"]
    assert lookups and lookups[0].url.params["reference"] == "PO-77"


def test_reconciling_ignores_a_same_reference_order_with_other_lines(placed, supplier):
    supplier._create(
        "someone-else", {**placed.payload, "items": [{"sku": "CS-8OZ-ECO", "qty": 9000}]}
    )
    supplier.script = ["timeout_before"]
    submit(placed, supplier)
    sweep(supplier, now=later())
    placed.refresh_from_db()
    assert placed.state == Order.State.ACCEPTED
    assert placed.supplier_order_id == "ord_0002"


def test_if_the_lookup_fails_the_order_stays_in_doubt(placed, supplier):
    supplier.script = ["timeout_after"]
    submit(placed, supplier)
    supplier.list_script = [httpx.ConnectError("down")]
    sweep(supplier, now=later())
    placed.refresh_from_db()
    assert placed.state == Order.State.IN_DOUBT
    assert placed.next_attempt_at > timezone.now()
    assert len(supplier.posts) == 1


def test_the_sweep_sends_queued_orders_when_due(placed, supplier):
    supplier.script = [error(429, "rate_limited", headers={"Retry-After": "30"})]
    submit(placed, supplier)
    assert sweep(supplier) == 0  # not due yet
    sweep(supplier, now=later())
    placed.refresh_from_db()
    assert placed.state == Order.State.ACCEPTED
    assert len(supplier.orders) == 1


def test_an_order_whose_sender_died_is_reconciled(placed, supplier):
    """The web process crashed after writing the order: it may or may not have been sent."""
    Order.objects.filter(pk=placed.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    sweep(supplier)
    placed.refresh_from_db()
    assert placed.state == Order.State.ACCEPTED
    assert len(supplier.orders) == 1


def test_a_claimed_order_is_not_sent_by_anyone_else(placed, supplier):
    Order.objects.filter(pk=placed.pk).update(claimed_until=later(60))
    order = submit(placed, supplier)
    assert order.state == Order.State.SUBMITTING
    assert supplier.posts == []


def test_an_accepted_order_is_never_sent_again(placed, supplier):
    submit(placed, supplier)
    submit(placed, supplier)
    sweep(supplier, now=later())
    with supplier.client() as client:
        order_reconcile(order=placed, client=client)
    assert len(supplier.posts) == 1


def test_resubmitting_after_changes_uses_a_new_key(placed, supplier, buyer):
    supplier.script = [error(400, "insufficient_stock", details={"items[0].qty": ["only 3000"]})]
    submit(placed, supplier)
    first_key = placed.idempotency_key
    line = placed.lines.get()
    line.qty = 3000
    line.save()
    order = order_resubmit(order=placed, user=buyer)
    assert order.state == Order.State.SUBMITTING and order.idempotency_key != first_key
    assert order.payload["items"] == [{"sku": "CS-8OZ-ECO", "qty": 3000}]
    order = submit(order, supplier)
    assert order.state == Order.State.ACCEPTED
