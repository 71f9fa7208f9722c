"""Who hears about what: every order event makes a notification for the right people, once."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import EmailState, Notification
from notifications.services import deliver_due
from orders_app.models import Order
from orders_app.notices import notice_tracking
from orders_app.services import (
    cart_add,
    cart_for,
    order_approve,
    order_place,
    order_reject,
    order_submit,
    orders_notify_stuck,
)
from tests.orders_app.fakes import error


@pytest.fixture(autouse=True)
def addresses(buyer, approver, other_approver):
    for user, address in [(buyer, "bea@example.com"), (approver, "alice@example.com"),
                          (other_approver, "olga@example.com")]:  # fmt: skip
        user.email = address
        user.save()


def notices(user=None, **filters) -> list[Notification]:
    found = Notification.objects.filter(**filters)
    return list(found.filter(recipient=user) if user else found)


def test_an_order_over_the_threshold_asks_every_approver_but_the_buyer(
    buyer, approver, other_approver, place
):
    order = place(buyer)
    asked = notices(kind="approval_requested")
    assert {n.recipient for n in asked} == {approver, other_approver}
    assert asked[0].subject == f"Approve {order.reference} — $2,880.00 from Bea"
    assert asked[0].url == reverse("orders:approval_detail", args=[order.pk])
    assert asked[0].context["buyer"] == "Bea" and asked[0].context["threshold"] == "$2,500.00"


def test_an_approver_placing_over_the_threshold_is_asked_by_the_others(
    approver, other_approver, place
):
    place(approver)
    assert [n.recipient for n in notices(kind="approval_requested")] == [other_approver]


def test_approved_and_rejected_tell_the_buyer_with_the_comment(buyer, approver, place):
    first, second = place(buyer), None
    order_approve(order=first, approver=approver, comment="OK for March")
    cart_add(user=buyer, product=first.lines.get().product, qty=60_000)
    second = order_place(user=buyer, cart=cart_for(buyer), address=first.address)
    order_reject(order=second, approver=approver, comment="Too big this month")
    [approved] = notices(buyer, kind="approved")
    [rejected] = notices(buyer, kind="rejected")
    assert approved.context["comment"] == "OK for March" and "approved by Alice" in approved.subject
    assert rejected.context["comment"] == "Too big this month"
    assert "was not approved" in rejected.subject


def test_placed_and_refused_orders_tell_the_buyer(buyer, make_order, supplier):
    placed = make_order()
    [notice] = notices(buyer, kind="placed")
    assert notice.event == f"order:{placed.pk}:placed"
    assert notice.context["supplier_id"] == placed.supplier_order_id
    details = {"items[0].qty": ["Only 10 in stock."]}
    supplier.script.append(error(400, "validation_error", details=details))
    refused = make_order()
    [needs] = notices(buyer, kind="needs_changes")
    assert refused.state == Order.State.NEEDS_CHANGES
    assert needs.context["problems"] == ["items[0].qty: Only 10 in stock."]


def test_sending_the_same_order_twice_tells_once(buyer, make_order, supplier):
    order = make_order()
    with supplier.client() as client:
        order_submit(order=order, client=client)  # already accepted: nothing happens
    Order.objects.filter(pk=order.pk).update(state=Order.State.QUEUED)
    order.refresh_from_db()
    with supplier.client() as client:
        order_submit(order=order, client=client)  # accepted "again" (a replay)
    assert len(notices(buyer, kind="placed")) == 1


def test_an_order_still_not_sent_after_15_minutes_is_explained_once(buyer, make_order):
    from django.utils import timezone

    order = make_order(submit=False)
    Order.objects.filter(pk=order.pk).update(
        state=Order.State.QUEUED, problem="Cup Source is busy."
    )
    assert orders_notify_stuck() == 0  # written just now
    later = timezone.now() + timezone.timedelta(minutes=16)
    assert orders_notify_stuck(now=later) == 1
    assert orders_notify_stuck(now=later) == 0
    [stuck] = notices(buyer, kind="stuck")
    assert "still queued after 15 minutes" in stuck.subject
    assert stuck.context["problem"] == "Cup Source is busy."


def tracking(status: str, *, eta="2026-12-04", events=(), signature=False) -> dict:
    return {
        "order_id": "ord_1", "status": status, "carrier": "UPS", "tracking_number": "1Z999AA1",
        "estimated_delivery": eta, "signature_required": signature,
        "events": [{"at": at, "status": s, "location": "Reno, NV", "description": d}
                   for at, s, d in events],
    }  # fmt: skip


def test_each_step_of_a_delivery_is_told_once(buyer, make_order):
    order = make_order()
    steps = [
        tracking("label_created"),
        tracking("in_transit"),
        tracking("in_transit"),  # refreshed again: nothing new
        tracking("in_transit", eta="2026-12-06"),  # moved by two days
        tracking("out_for_delivery", eta="2026-12-06", signature=True),
        tracking("exception", eta="2026-12-07",
                 events=[("2026-12-06T16:00:00Z", "exception", "Business closed")]),
        tracking("out_for_delivery", eta="2026-12-07",
                 events=[("2026-12-06T16:00:00Z", "exception", "Business closed")]),
        tracking("delivered", eta="2026-12-07"),
        tracking("delivered", eta="2026-12-07"),
    ]  # fmt: skip
    old = None
    for step in steps:
        notice_tracking(order, old, step)
        old = step
    kinds = [n.kind for n in sorted(notices(buyer), key=lambda n: n.pk) if n.kind != "placed"]
    assert kinds == [
        "shipped", "eta_moved", "out_for_delivery", "delivery_problem", "eta_moved",
        "delivered",
    ]  # fmt: skip
    [shipped] = notices(buyer, kind="shipped")
    assert shipped.context["tracking_url"] == "https://www.ups.com/track?tracknum=1Z999AA1"
    [out] = notices(buyer, kind="out_for_delivery")
    assert "someone must sign for it" in out.subject and out.context["signature_required"]
    [problem] = notices(buyer, kind="delivery_problem")
    assert "Business closed (Reno, NV)" in problem.subject
    assert {n.context["eta"] for n in notices(buyer, kind="eta_moved")} == {
        "2026-12-06",
        "2026-12-07",
    }
    assert date(2026, 12, 6)  # the dates above are plain ISO dates, as the API sends them


def test_a_notification_is_written_with_the_change_or_not_at_all(buyer, approver, place):
    """A rejection that fails (no comment) writes no notification either."""
    from orders_app.services import ApprovalError

    order = place(buyer)
    with pytest.raises(ApprovalError):
        order_reject(order=order, approver=approver, comment="  ")
    assert notices(buyer) == []


def test_the_mails_go_out_with_text_and_html_and_a_one_click_unsubscribe(buyer, make_order):
    make_order()
    assert deliver_due() == 1
    [message] = mail.outbox
    assert message.to == ["bea@example.com"]
    assert message.subject.endswith("is placed with Cup Source ($250.00)")
    html = message.alternatives[0][0]
    assert "http://testserver/orders/" in message.body and "http://testserver/orders/" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/unsubscribe/")
    assert message.extra_headers["Message-ID"].startswith("<notification-")
    assert Notification.objects.get().email_state == EmailState.SENT
    assert deliver_due() == 0  # sent once
