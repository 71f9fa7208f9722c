import pytest
from django.urls import reverse

from orders_app.models import CartLine
from orders_app.services import cart_add, cart_for

ADD = reverse("orders:cart_add")
CART = reverse("orders:cart")


def add(client, sku="CS-8OZ-ECO", qty=5, unit="cases", htmx=False, **extra):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(ADD, {"sku": sku, "qty": qty, "unit": unit, **extra}, headers=headers)


def test_it_adds_cases_from_the_catalog_without_javascript(buyer_client, buyer, cup):
    response = add(buyer_client, next="/catalog/?material=paper")
    assert response.status_code == 302 and response["Location"] == "/catalog/?material=paper"
    assert cart_for(buyer).lines.get().qty == 5000


def test_it_adds_units(buyer_client, buyer, cup):
    add(buyer_client, qty=3000, unit="units")
    assert cart_for(buyer).lines.get().qty == 3000


def test_an_htmx_add_answers_with_the_form_and_a_cart_event(buyer_client, cup):
    response = add(buyer_client, htmx=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Added. You have 5,000 units (5 cases)" in body
    assert "cartUpdated" in response["HX-Trigger"]


def test_an_off_case_pack_quantity_is_refused_with_the_nearest_amounts(buyer_client, buyer, cup):
    response = add(buyer_client, qty=4500, unit="units", htmx=True)
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx: the form shows the problem
    assert "comes in cases of 1,000" in body
    assert 'name="exact_units" value="4000"' in body and 'value="5000"' in body
    assert not CartLine.objects.exists()
    assert "HX-Trigger" not in response


def test_clicking_a_suggested_amount_adds_exactly_that(buyer_client, buyer, cup):
    add(buyer_client, qty=4500, unit="units", exact_units="5000")
    assert cart_for(buyer).lines.get().qty == 5000


def test_a_refused_add_without_javascript_explains_on_redirect(buyer_client, cup):
    response = add(buyer_client, qty=1, unit="units", next=CART)
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("cases of 1,000" in m for m in messages)


def test_a_non_number_is_refused_clearly(buyer_client, cup):
    response = add(buyer_client, qty="lots", htmx=True)
    assert "whole number" in response.content.decode()


def test_an_unknown_product_is_404(buyer_client, db):
    assert add(buyer_client, sku="NOPE").status_code == 404


def test_a_discontinued_product_says_so_on_a_stale_page(buyer_client, make_product):
    make_product("CS-OLD", discontinued=True)
    response = add(buyer_client, sku="CS-OLD", htmx=True)
    assert response.status_code == 200
    assert "no longer offered" in response.content.decode()
    assert not CartLine.objects.exists()


def test_an_unsafe_next_is_ignored(buyer_client, cup):
    response = add(buyer_client, next="https://evil.example/")
    assert response["Location"] == CART


@pytest.mark.parametrize("target", ["0", "home", "orders:cart_empty", "cart/"])
def test_a_next_that_is_not_a_path_is_ignored(buyer_client, cup, target):
    # Found by the fuzz suite: redirect() took "0" for the name of a URL (a 500).
    response = add(buyer_client, next=target)
    assert response.status_code == 302 and response["Location"] == CART


def test_a_sku_with_a_nul_character_is_404(buyer_client, cup, nul_refused):
    # Found by the fuzz suite: the NUL reached the database (on PostgreSQL, a 500).
    assert add(buyer_client, sku="CS-8OZ-ECO\x00").status_code == 404
    assert not CartLine.objects.exists()


def test_the_cart_shows_lines_totals_and_the_matching_lid(buyer_client, buyer, cup, lid):
    cart_add(user=buyer, product=cup, qty=5000)
    body = buyer_client.get(CART).content.decode()
    assert "8 oz Eco Paper Cup" in body and "$240.00" in body
    assert "Add matching lid: Dome Lid × 5,000" in body


def test_add_matching_lid_adds_the_same_quantity(buyer_client, buyer, cup, lid):
    cart_add(user=buyer, product=cup, qty=5000)
    line = cart_for(buyer).lines.get()
    buyer_client.post(reverse("orders:cart_add_lid", args=[line.pk]))
    assert cart_for(buyer).lines.get(product=lid).qty == 5000
    assert "Add matching lid" not in buyer_client.get(CART).content.decode()


def test_changing_a_quantity(buyer_client, buyer, cup):
    line, _ = cart_add(user=buyer, product=cup, qty=5000)
    response = buyer_client.post(
        reverse("orders:cart_line_update", args=[line.pk]),
        {"qty": 7000},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and 'id="cart-body"' in response.content.decode()
    line.refresh_from_db()
    assert line.qty == 7000


def test_an_invalid_new_quantity_keeps_the_old_and_says_why(buyer_client, buyer, cup):
    line, _ = cart_add(user=buyer, product=cup, qty=5000)
    response = buyer_client.post(
        reverse("orders:cart_line_update", args=[line.pk]),
        {"qty": 7500},
        headers={"HX-Request": "true"},
    )
    assert "cases of 1,000" in response.content.decode()
    line.refresh_from_db()
    assert line.qty == 5000


def test_removing_and_emptying(buyer_client, buyer, cup, lid):
    line, _ = cart_add(user=buyer, product=cup, qty=5000)
    cart_add(user=buyer, product=lid, qty=500)
    buyer_client.post(reverse("orders:cart_line_remove", args=[line.pk]))
    assert cart_for(buyer).lines.count() == 1
    buyer_client.post(reverse("orders:cart_empty"))
    assert not cart_for(buyer).lines.exists()
    assert "Your cart is empty" in buyer_client.get(CART).content.decode()


def test_the_header_badge_counts_lines(buyer_client, buyer, cup):
    cart_add(user=buyer, product=cup, qty=5000)
    body = buyer_client.get(reverse("orders:cart_badge")).content.decode()
    assert 'aria-label="1 line"' in body


@pytest.mark.parametrize("name", ["cart_line_update", "cart_line_remove", "cart_add_lid"])
def test_another_buyers_cart_line_is_404(client, other_buyer, buyer, cup, name):
    line, _ = cart_add(user=buyer, product=cup, qty=5000)
    client.force_login(other_buyer)
    assert client.post(reverse(f"orders:{name}", args=[line.pk]), {"qty": 1000}).status_code == 404
    line.refresh_from_db()
    assert line.qty == 5000


def test_the_cart_survives_logout(client, buyer, cup):
    cart_add(user=buyer, product=cup, qty=5000)
    client.force_login(buyer)
    client.post(reverse("logout"))
    client.force_login(buyer)
    assert "8 oz Eco Paper Cup" in client.get(CART).content.decode()


def test_changes_need_post(buyer_client, cup):
    assert buyer_client.get(ADD).status_code == 405
