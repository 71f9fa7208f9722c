"""Approving and rejecting: the decision rules, and that an approved order goes out through
the normal ledger path exactly once."""

import pytest

from orders_app.models import Order
from orders_app.services import (
    ApprovalError,
    order_approve,
    order_reject,
    order_resubmit,
    order_submit,
    orders_process_due,
)

pytestmark = pytest.mark.django_db


def test_approving_queues_the_order_and_submit_sends_it_once_with_its_key(
    buyer, approver, place, supplier
):
    order = place(buyer)
    key = order.idempotency_key
    order = order_approve(order=order, approver=approver, comment="Fine for the new café.")
    assert order.state == Order.State.QUEUED
    assert order.reviewed_by == approver and order.reviewed_at is not None
    assert order.review_comment == "Fine for the new café."
    with supplier.client() as client:
        order = order_submit(order=order, client=client)
    assert order.state == Order.State.ACCEPTED
    assert [k for k, _ in supplier.posts] == [str(key)]
    messages = list(order.events.values_list("message", flat=True))
    assert "Approved by Alice Approver: “Fine for the new café.”" in messages


def test_an_approved_order_the_web_could_not_send_goes_out_with_the_worker(
    buyer, approver, place, supplier
):
    order = order_approve(order=place(buyer), approver=approver)
    supplier.down = True
    with supplier.client() as client:
        order = order_submit(order=order, client=client)
    assert order.state == Order.State.QUEUED
    supplier.down = False
    Order.objects.filter(pk=order.pk).update(next_attempt_at=order.created_at)
    with supplier.client() as client:
        orders_process_due(client=client)
        orders_process_due(client=client)  # a second sweep sends nothing more
    order.refresh_from_db()
    assert order.state == Order.State.ACCEPTED
    assert len(supplier.orders) == 1


def test_the_worker_alone_sends_an_approved_order(buyer, approver, place, supplier):
    order_approve(order=place(buyer), approver=approver)
    with supplier.client() as client:
        assert orders_process_due(client=client) == 1
    assert len(supplier.posts) == 1


def test_an_order_can_be_decided_only_once(buyer, approver, other_approver, place):
    order = place(buyer)
    order_approve(order=order, approver=approver)
    with pytest.raises(ApprovalError, match="no longer waiting for approval"):
        order_approve(order=order, approver=other_approver)
    with pytest.raises(ApprovalError, match="no longer waiting for approval"):
        order_reject(order=order, approver=other_approver, comment="No.")


def test_nobody_approves_their_own_order(approver, other_approver, place):
    order = place(approver)
    with pytest.raises(ApprovalError, match="Nobody approves their own order"):
        order_approve(order=order, approver=approver)
    with pytest.raises(ApprovalError, match="Nobody approves their own order"):
        order_reject(order=order, approver=approver, comment="Changed my mind")
    assert order_approve(order=order, approver=other_approver).state == Order.State.QUEUED


def test_a_buyer_cannot_approve(buyer, other_buyer, place):
    with pytest.raises(ApprovalError, match="Only approvers"):
        order_approve(order=place(buyer), approver=other_buyer)


def test_a_superuser_can_approve(buyer, staff, place):
    assert order_approve(order=place(buyer), approver=staff).state == Order.State.QUEUED


def test_an_inactive_approver_cannot_approve(buyer, approver, place):
    approver.is_active = False
    approver.save()
    with pytest.raises(ApprovalError, match="Only approvers"):
        order_approve(order=place(buyer), approver=approver)


def test_rejecting_needs_a_comment(buyer, approver, place):
    order = place(buyer)
    with pytest.raises(ApprovalError, match="Say why"):
        order_reject(order=order, approver=approver, comment="   ")
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_APPROVAL


def test_a_rejected_order_is_final_and_never_sent(buyer, approver, place, supplier):
    order = order_reject(order=place(buyer), approver=approver, comment="Too many; order 30k.")
    assert order.state == Order.State.REJECTED
    assert order.review_comment == "Too many; order 30k."
    with supplier.client() as client:
        order_submit(order=order, client=client)
        orders_process_due(client=client)
    assert supplier.posts == []
    order.refresh_from_db()
    assert order.state == Order.State.REJECTED


def _refused(order):
    Order.objects.filter(pk=order.pk).update(state=Order.State.NEEDS_CHANGES)
    order.refresh_from_db()
    return order


def test_a_changed_order_over_the_approved_amount_waits_for_approval_again(buyer, approver, place):
    order = _refused(order_approve(order=place(buyer), approver=approver))
    line = order.lines.get()
    line.qty, line.line_total = 70_000, line.unit_price * 70_000  # $3,360.00 > $2,880.00
    line.save()
    order = order_resubmit(order=order, user=buyer)
    assert order.state == Order.State.PENDING_APPROVAL
    assert order.reviewed_by is None
    assert str(order.expected_subtotal) == "3360.0000"


def test_a_changed_order_within_the_approved_amount_is_sent(buyer, approver, place):
    order = _refused(order_approve(order=place(buyer), approver=approver))
    line = order.lines.get()
    line.qty, line.line_total = 55_000, line.unit_price * 55_000
    line.save()
    assert order_resubmit(order=order, user=buyer).state == Order.State.SUBMITTING


def test_a_changed_unapproved_order_that_grows_over_the_threshold_needs_approval(buyer, place):
    order = _refused(place(buyer, qty=50_000))  # $2,400.00, sent without approval
    line = order.lines.get()
    line.qty, line.line_total = 60_000, line.unit_price * 60_000
    line.save()
    assert order_resubmit(order=order, user=buyer).state == Order.State.PENDING_APPROVAL
