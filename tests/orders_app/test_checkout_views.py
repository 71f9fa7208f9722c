from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import Client
from django.urls import reverse

from orders_app.models import Cart, Order
from orders_app.services import cart_add, cart_for
from tests.orders_app.fakes import error, product_json

CHECKOUT = reverse("orders:checkout")


@pytest.fixture
def ready(buyer, cup, address, web_supplier):
    cart_add(user=buyer, product=cup, qty=5000)
    web_supplier.products["CS-8OZ-ECO"] = product_json(cup)
    return web_supplier


def place(client, address, **data):
    return client.post(
        CHECKOUT, {"address": address.pk, "po_number": "PO-9", "notes": "Back door", **data}
    )


def test_an_empty_cart_goes_back_to_the_cart(buyer_client, address, web_supplier):
    assert buyer_client.get(CHECKOUT)["Location"] == reverse("orders:cart")


def test_checkout_rechecks_stock_and_price_with_one_call(buyer_client, ready):
    body = buyer_client.get(CHECKOUT).content.decode()
    assert "just re-checked" in body
    product_calls = [r for r in ready.requests if r.url.path.endswith("/products")]
    assert len(product_calls) == 1 and product_calls[0].url.params["sku"] == "CS-8OZ-ECO"


def test_checkout_shows_what_changed_and_updates_the_mirror(buyer_client, ready, cup):
    ready.products["CS-8OZ-ECO"] = product_json(cup, unit_price="0.0520", stock=3000)
    body = buyer_client.get(CHECKOUT).content.decode()
    assert "unit price changed from $0.0480 to $0.0520" in body
    assert "only 3,000 in stock now; you want 5,000" in body
    cup.refresh_from_db()
    assert str(cup.unit_price) == "0.0520" and cup.stock == 3000


def test_checkout_still_works_when_the_supplier_is_down(buyer_client, ready):
    ready.down = True
    body = buyer_client.get(CHECKOUT).content.decode()
    assert "couldn't re-check stock and prices" in body
    assert "Place order" in body


def test_the_default_address_is_preselected(buyer_client, ready, address):
    body = buyer_client.get(CHECKOUT).content.decode()
    assert f'value="{address.pk}"' in body and "checked" in body


def test_placing_creates_one_accepted_order_and_empties_the_cart(
    buyer_client, buyer, ready, address
):
    response = place(buyer_client, address)
    order = Order.objects.get()
    assert response["Location"] == reverse("orders:order_detail", args=[order.pk])
    assert (
        order.state == Order.State.ACCEPTED
        and order.po_number == "PO-9"
        and order.notes == "Back door"
    )
    assert ready.posts[0][1]["reference"] == "PO-9"
    assert not cart_for(buyer).lines.exists()
    body = buyer_client.get(response["Location"]).content.decode()
    assert "Cup Source has your order" in body and "ord_0001" in body


def test_a_rejected_order_shows_the_messages_beside_the_lines(buyer_client, ready, address):
    ready.script = [
        error(400, "insufficient_stock", details={"items[0].qty": ["Only 3000 available."]})
    ]
    response = place(buyer_client, address)
    body = buyer_client.get(response["Location"]).content.decode()
    assert "didn't accept this order" in body
    assert "Only 3000 available." in body
    assert 'name="qty-' in body  # the buyer can fix the quantity right there


def test_fixing_and_resending_a_refused_order(buyer_client, ready, address):
    ready.script = [
        error(400, "insufficient_stock", details={"items[0].qty": ["Only 3000 available."]})
    ]
    place(buyer_client, address)
    order = Order.objects.get()
    line = order.lines.get()
    buyer_client.post(reverse("orders:order_resubmit", args=[order.pk]), {f"qty-{line.pk}": 3000})
    order.refresh_from_db()
    assert order.state == Order.State.ACCEPTED
    assert ready.posts[-1][1]["items"] == [{"sku": "CS-8OZ-ECO", "qty": 3000}]
    assert ready.posts[0][0] != ready.posts[-1][0]


def test_a_resend_with_an_invalid_quantity_is_refused_locally(buyer_client, ready, address):
    ready.script = [error(400, "invalid_request", details={"items[0].qty": ["bad"]})]
    place(buyer_client, address)
    order = Order.objects.get()
    line = order.lines.get()
    buyer_client.post(reverse("orders:order_resubmit", args=[order.pk]), {f"qty-{line.pk}": 3500})
    order.refresh_from_db()
    assert order.state == Order.State.NEEDS_CHANGES and len(ready.posts) == 1


def test_a_refused_order_can_be_cancelled(buyer_client, ready, address):
    ready.script = [error(403, "billing_unverified")]
    place(buyer_client, address)
    order = Order.objects.get()
    buyer_client.post(reverse("orders:order_cancel", args=[order.pk]))
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED


def test_a_timeout_shows_the_order_as_being_checked(buyer_client, ready, address):
    ready.script = ["timeout_after"]
    response = place(buyer_client, address)
    body = buyer_client.get(response["Location"]).content.decode()
    assert "Checking with Cup Source." in body
    assert "can never be ordered twice" in body


def test_rate_limited_shows_queued_and_why(buyer_client, ready, address):
    ready.script = [error(429, "rate_limited", headers={"Retry-After": "20"})]
    response = place(buyer_client, address)
    body = buyer_client.get(response["Location"]).content.decode()
    assert "Queued — not sent yet." in body and "busy" in body


def test_placing_twice_makes_one_order(buyer_client, ready, address):
    place(buyer_client, address)
    second = place(buyer_client, address)
    assert Order.objects.count() == 1 and len(ready.posts) == 1
    assert second["Location"] == reverse("orders:cart")  # the cart is empty by then


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_submissions_of_one_checkout_make_one_order(
    buyer, cup, address, web_supplier
):
    cart_add(user=buyer, product=cup, qty=5000)
    web_supplier.products["CS-8OZ-ECO"] = product_json(cup)
    cart = cart_for(buyer)

    def submit(_):
        client = Client()
        client.force_login(buyer)
        return place(client, address).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(submit, range(20)))
    assert codes == [302] * 20
    assert Order.objects.count() == 1
    assert len(web_supplier.orders) == 1 and len(web_supplier.posts) == 1
    assert Cart.objects.get(pk=cart.pk).status == Cart.Status.CHECKED_OUT


def test_an_address_must_be_chosen(buyer_client, ready):
    response = buyer_client.post(CHECKOUT, {"po_number": "X"})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Order.objects.exists()


def test_a_cart_of_more_than_100_lines_is_rechecked_whole(
    buyer_client, buyer, address, web_supplier, make_product
):
    """The API answers at most 100 products a page: the re-check pages through them, and no
    product past the first hundred is taken for discontinued."""
    products = [make_product(f"CS-MANY-{i:03d}", min_order_qty=1000) for i in range(150)]
    for product in products:
        cart_add(user=buyer, product=product, qty=1000)
        web_supplier.products[product.sku] = product_json(product)
    body = buyer_client.get(CHECKOUT).content.decode()
    assert "just re-checked" in body and "no longer offered" not in body
    assert not any(
        p.discontinued for p in type(products[0]).objects.filter(sku__startswith="CS-MANY")
    )
    calls = [r for r in web_supplier.requests if r.url.path.endswith("/products")]
    assert len(calls) == 2
