"""The approver's pages, the decision buttons, and what the buyer sees meanwhile."""

import pytest
from django.urls import reverse

from accounts.roles import approvers
from core.once import new_token
from orders_app.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval_views(web_supplier, monkeypatch):
    monkeypatch.setattr("orders_app.views.approvals.get_web_client", web_supplier.client)
    return web_supplier


def test_the_approvals_page_lists_orders_waiting_across_buyers(
    client, buyer, other_buyer, approver, place
):
    first, second = place(buyer), place(other_buyer)
    client.force_login(approver)
    response = client.get(reverse("orders:approval_list"))
    assert response.status_code == 200
    assert list(response.context["waiting"]) == [first, second]
    assert "$2,880.00" in response.text and "$2,500.00" in response.text


def test_the_navigation_shows_approvals_and_how_many_wait(client, buyer, approver, place):
    place(buyer)
    client.force_login(approver)
    page = client.get(reverse("orders:order_list")).text
    assert reverse("orders:approval_list") in page
    assert '1<span class="visually-hidden"> waiting</span>' in page


def test_buyers_see_no_approvals_link(buyer_client):
    assert reverse("orders:approval_list") not in buyer_client.get(reverse("home")).text


@pytest.mark.parametrize("name", ["approval_list", "all_orders"])
def test_approval_pages_do_not_exist_for_buyers(buyer_client, name):
    assert buyer_client.get(reverse(f"orders:{name}")).status_code == 404


def test_the_decision_pages_do_not_exist_for_buyers(client, buyer, other_buyer, place):
    order = place(buyer)
    client.force_login(other_buyer)
    assert client.get(reverse("orders:approval_detail", args=[order.pk])).status_code == 404
    for name in ["order_approve", "order_reject"]:
        url = reverse(f"orders:{name}", args=[order.pk])
        assert client.post(url, {"comment": "ok"}).status_code == 404
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_APPROVAL


def test_approving_sends_the_order_to_cup_source(client, buyer, approver, place, approval_views):
    order = place(buyer)
    client.force_login(approver)
    response = client.post(
        reverse("orders:order_approve", args=[order.pk]), {"comment": "OK for March"}
    )
    assert response.status_code == 302
    assert response.url == reverse("orders:approval_list")
    order.refresh_from_db()
    assert order.state == Order.State.ACCEPTED
    assert order.reviewed_by == approver and order.review_comment == "OK for March"
    assert [key for key, _ in approval_views.posts] == [str(order.idempotency_key)]
    assert "Approved order" in client.get(response.url).text


def test_approving_twice_sends_once(client, buyer, approver, other_approver, place, approval_views):
    order = place(buyer)
    url = reverse("orders:order_approve", args=[order.pk])
    client.force_login(approver)
    client.post(url)
    client.force_login(other_approver)
    response = client.post(url, follow=True)
    assert "no longer waiting for approval" in response.text
    assert len(approval_views.posts) == 1


def test_rejecting_without_a_comment_is_refused(client, buyer, approver, place):
    order = place(buyer)
    client.force_login(approver)
    response = client.post(reverse("orders:order_reject", args=[order.pk]), follow=True)
    assert "Say why you reject the order" in response.text
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_APPROVAL


@pytest.mark.parametrize(
    ("comment", "says"),
    [("x" * 2001, "The comment is too long (2,000 characters at most)."),
     ("Half\x00of it", "Null characters are not allowed.")],
)  # fmt: skip
def test_a_comment_that_cannot_be_kept_is_refused_saying_why(
    client, buyer, approver, place, comment, says
):
    # Seen with tests/fuzz: every invalid comment was called "too long".
    order = place(buyer)
    client.force_login(approver)
    for name in ["order_approve", "order_reject"]:
        url = reverse(f"orders:{name}", args=[order.pk])
        response = client.post(url, {"comment": comment}, follow=True)
        assert says in response.text
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_APPROVAL


def test_rejecting_ends_the_order_and_the_buyer_sees_why(client, buyer, approver, place, supplier):
    order = place(buyer)
    client.force_login(approver)
    client.post(
        reverse("orders:order_reject", args=[order.pk]),
        {"comment": "We have 40k in stock; order half."},
    )
    order.refresh_from_db()
    assert order.state == Order.State.REJECTED
    assert supplier.posts == []
    client.force_login(buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).text
    assert "Not approved" in page
    assert "Alice Approver rejected this order" in page
    assert "We have 40k in stock; order half." in page
    assert reverse("orders:order_reorder", args=[order.pk]) in page


def test_a_rejected_order_can_be_reordered(client, buyer, approver, place):
    order = place(buyer)
    client.force_login(approver)
    client.post(reverse("orders:order_reject", args=[order.pk]), {"comment": "Too big"})
    client.force_login(buyer)
    response = client.post(reverse("orders:order_reorder", args=[order.pk]), {"once": new_token()})
    assert response.url == reverse("orders:cart")
    assert buyer.carts.get(status="open").lines.get().qty == 60_000


def test_the_buyer_sees_who_can_approve(client, buyer, approver, other_approver, place):
    order = place(buyer)
    client.force_login(buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).text
    assert "Waiting for approval by Alice Approver or Olga." in page
    assert "$2,500.00" in page


def test_the_buyer_is_told_when_nobody_can_approve(client, buyer, place):
    assert approvers() == []
    order = place(buyer)
    client.force_login(buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).text
    assert "Nobody can approve orders yet" in page


def test_the_buyer_can_withdraw_an_order_waiting_for_approval(client, buyer, place):
    order = place(buyer)
    client.force_login(buyer)
    client.post(reverse("orders:order_cancel", args=[order.pk]))
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED


def test_an_approver_cannot_decide_on_their_own_order(client, approver, place):
    order = place(approver)
    client.force_login(approver)
    response = client.get(reverse("orders:approval_detail", args=[order.pk]))
    assert response.context["can_decide"] is False
    assert "another approver decides on it" in response.text
    response = client.post(reverse("orders:order_approve", args=[order.pk]), follow=True)
    assert "Nobody approves their own order" in response.text
    order.refresh_from_db()
    assert order.state == Order.State.PENDING_APPROVAL


def test_the_decision_page_shows_the_order_and_the_form(client, buyer, approver, place):
    order = place(buyer)
    client.force_login(approver)
    response = client.get(reverse("orders:approval_detail", args=[order.pk]))
    assert response.context["can_decide"] is True
    assert reverse("orders:order_approve", args=[order.pk]) in response.text
    assert reverse("orders:order_reject", args=[order.pk]) in response.text
    assert "CS-8OZ-ECO" in response.text and "60,000" in response.text


def test_approvers_see_every_order_with_filters(
    client, buyer, other_buyer, approver, place, web_supplier
):
    mine, theirs = place(buyer), place(other_buyer, qty=2_000)
    client.force_login(approver)
    response = client.get(reverse("orders:all_orders"))
    assert set(response.context["page"].object_list) == {mine, theirs}
    response = client.get(reverse("orders:all_orders"), {"state": "pending_approval"})
    assert list(response.context["page"].object_list) == [mine]
    response = client.get(reverse("orders:all_orders"), {"q": "other"})
    assert list(response.context["page"].object_list) == [theirs]
    assert client.get(reverse("orders:all_orders"), {"state": "nope"}).status_code == 400


def test_a_big_cart_checks_out_into_approval_without_calling_cup_source(
    client, buyer, big_cart, address, web_supplier, settings
):
    client.force_login(buyer)
    web_supplier.products = {}
    response = client.post(reverse("orders:checkout"), {"address": address.pk})
    order = Order.objects.get()
    assert response.url == reverse("orders:order_detail", args=[order.pk])
    assert order.state == Order.State.PENDING_APPROVAL
    assert web_supplier.posts == []
