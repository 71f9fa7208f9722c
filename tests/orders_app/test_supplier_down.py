"""The supplier being down never breaks browsing, the cart or order history."""

import pytest
from django.urls import reverse

from orders_app.services import cart_add, cart_for, order_place, order_submit


@pytest.fixture
def history(buyer, cup, lid, address, supplier):
    cart_add(user=buyer, product=cup, qty=5000)
    order = order_place(user=buyer, cart=cart_for(buyer), address=address)
    with supplier.client() as client:
        order_submit(order=order, client=client)
    cart_add(user=buyer, product=lid, qty=500)
    return order


def test_every_buyer_page_works_with_the_supplier_down(buyer_client, history, synced, no_api):
    urls = [
        reverse("catalog:product_list"),
        reverse("catalog:product_detail", args=["CS-8OZ-ECO"]),
        reverse("orders:cart"),
        reverse("orders:quick_order"),
        reverse("orders:upload"),
        reverse("orders:address_list"),
        reverse("orders:order_list"),
        reverse("orders:order_detail", args=[history.pk]),
    ]
    for url in urls:
        assert buyer_client.get(url).status_code == 200, url
    assert no_api == []  # none of them even tried


def test_pages_that_need_the_supplier_degrade_with_an_explanation(buyer_client, history, no_api):
    checkout = buyer_client.get(reverse("orders:checkout")).content.decode()
    assert "couldn't re-check stock and prices" in checkout
    tracking = buyer_client.get(reverse("orders:order_tracking", args=[history.pk]))
    assert tracking.status_code == 200
    assert "No tracking information yet" in tracking.content.decode()
    calls = len(no_api)
    home = buyer_client.get(reverse("home")).content.decode()
    assert "Unreachable" in home  # from the failed calls above: the overview makes none
    assert len(no_api) == calls
