"""What the buyer is told before and after: checkout says an order will wait for approval (and
who approves it) and estimates shipping by the contract's rule; the tracking number links to
the carrier; a delivery date that moved shows "moved from …" until the buyer has seen it; an
order held for review (a standing order short of stock) can be changed and sent, or cancelled."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from orders_app.models import Order
from orders_app.services import cart_add, order_write, shipping_estimate
from tests.orders_app.test_checkout_views import product_json
from tests.orders_app.test_tracking_service import tracking_json

CHECKOUT = reverse("orders:checkout")


@pytest.fixture
def checkout_page(buyer_client, buyer, cup, address, web_supplier):
    def load(qty):
        cart_add(user=buyer, product=cup, qty=qty)
        web_supplier.products["CS-8OZ-ECO"] = product_json(cup)
        return buyer_client.get(CHECKOUT).content.decode()

    return load


def test_shipping_follows_the_contracts_rule():
    assert shipping_estimate(Decimal("499.99")) == Decimal("25.00")
    assert shipping_estimate(Decimal("500.00")) == Decimal("0.00")


def test_checkout_estimates_shipping_under_500(checkout_page):
    body = checkout_page(5000)  # $240.00

    assert "Shipping (estimate)" in body and "$25.00" in body
    assert "Estimated total" in body and "$265.00" in body
    assert "free from a $500.00 subtotal, else $25.00" in body
    assert "approves it" not in body


def test_checkout_estimates_free_shipping_from_500(checkout_page):
    body = checkout_page(20_000)  # $960.00

    assert "Free" in body
    assert "Place order · $960.00 estimated" in body


def test_checkout_says_who_approves_before_the_order_is_placed(
    checkout_page, approver, other_approver
):
    body = checkout_page(60_000)  # $2,880.00, over the $2,500.00 default

    assert "Over your $2,500 limit:" in body
    assert "Alice Approver or Olga approves it before it is sent." in body
    assert not Order.objects.exists()


def test_checkout_says_when_nobody_can_approve(checkout_page, settings):
    settings.APPROVAL_THRESHOLD = Decimal("100.50")
    body = checkout_page(5000)

    assert "Over your $100.50 limit:" in body
    assert "nobody can approve orders yet" in body


def test_the_tracking_number_links_to_the_carriers_page(
    buyer_client, make_order, supplier, web_supplier
):
    order = make_order()
    supplier.tracking["ord_0001"] = tracking_json("ord_0001")

    body = buyer_client.get(reverse("orders:order_tracking", args=[order.pk])).content.decode()

    assert 'href="https://www.ups.com/track?tracknum=1Z999"' in body


def test_an_unknown_carriers_number_is_not_a_link(buyer_client, make_order, supplier, web_supplier):
    order = make_order()
    supplier.tracking["ord_0001"] = tracking_json("ord_0001") | {"carrier": "Local Courier"}

    body = buyer_client.get(reverse("orders:order_tracking", args=[order.pk])).content.decode()

    assert "1Z999" in body and "tracknum" not in body


def test_after_an_exception_the_new_date_shows_what_it_moved_from(
    buyer_client, make_order, supplier, web_supplier
):
    order = make_order()
    url = reverse("orders:order_tracking", args=[order.pk])
    supplier.tracking["ord_0001"] = tracking_json("ord_0001")  # due Tue Dec 1
    assert "moved from" not in buyer_client.get(url).content.decode()  # seen as Dec 1

    attempted = tracking_json("ord_0001", "exception") | {"estimated_delivery": "2026-12-02"}
    supplier.tracking["ord_0001"] = attempted
    Order.objects.filter(pk=order.pk).update(
        tracking_checked_at=timezone.now() - timedelta(minutes=2)
    )
    body = buyer_client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "Wednesday, Dec 2" in body
    assert "moved from Tuesday, Dec 1" in body

    seen = buyer_client.post(
        reverse("orders:order_tracking_seen", args=[order.pk]), headers={"HX-Request": "true"}
    )
    assert seen.content.decode().lstrip().startswith('<section id="tracking-panel"')
    assert "moved from" not in seen.content.decode()
    assert "moved from" not in buyer_client.get(url).content.decode()


def test_got_it_without_javascript_goes_back_to_the_tracking_page(
    buyer_client, make_order, supplier, web_supplier, client, other_buyer
):
    order = make_order()
    url = reverse("orders:order_tracking_seen", args=[order.pk])

    assert buyer_client.post(url)["Location"] == reverse("orders:order_tracking", args=[order.pk])
    client.force_login(other_buyer)
    assert client.post(url).status_code == 404


@pytest.fixture
def held(buyer, cup, address):
    return order_write(
        user=buyer,
        items=[(cup, 10_000)],
        address=address,
        held="Only 4,000 of CS-8OZ-ECO in stock, you want 10,000.",
        origin="Written by the standing order “Weekly café” for Mon, Mar 2",
    )


def test_a_held_order_says_why_and_can_be_changed_and_sent(buyer_client, held, web_supplier):
    page = buyer_client.get(reverse("orders:order_detail", args=[held.pk])).content.decode()
    assert "Held for your review — not sent yet." in page
    assert "Only 4,000 of CS-8OZ-ECO in stock" in page
    assert "Send this order" in page
    line = held.lines.get()

    buyer_client.post(reverse("orders:order_resubmit", args=[held.pk]), {f"qty-{line.pk}": "4000"})

    held.refresh_from_db()
    assert held.state == "accepted"
    assert web_supplier.posts[0][1]["items"] == [{"sku": "CS-8OZ-ECO", "qty": 4000}]


def test_a_held_order_can_be_cancelled(buyer_client, held, web_supplier):
    buyer_client.post(reverse("orders:order_cancel", args=[held.pk]))

    held.refresh_from_db()
    assert held.state == "cancelled"
    assert web_supplier.posts == []


def test_a_held_order_needs_the_buyer(buyer_client, held):
    body = buyer_client.get(reverse("home")).content.decode()
    assert "Held for your review" in body
    listing = buyer_client.get(reverse("orders:order_list") + "?status=attention")
    assert held.reference in listing.content.decode()
