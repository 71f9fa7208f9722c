"""Starring products: personal, idempotent, htmx or plain form."""

import pytest
from django.urls import reverse

from favourites.models import Favourite

HTMX = {"HX-Request": "true"}


def test_it_stars_a_product_and_returns_the_pressed_button_over_htmx(buyer_client, buyer, cup):
    response = buyer_client.post(
        reverse("favourites:star", args=[cup.sku]), {"star": "on"}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<form id="star-cs-8oz-eco"')
    assert 'aria-pressed="true"' in body
    assert Favourite.objects.filter(user=buyer, product=cup).exists()


def test_it_unstars_a_product(buyer_client, buyer, cup):
    Favourite.objects.create(user=buyer, product=cup)
    response = buyer_client.post(
        reverse("favourites:star", args=[cup.sku]), {"star": ""}, headers=HTMX
    )
    assert 'aria-pressed="false"' in response.content.decode()
    assert not Favourite.objects.filter(user=buyer).exists()


def test_starring_twice_keeps_one_star(buyer_client, buyer, cup):
    for _ in range(2):
        buyer_client.post(reverse("favourites:star", args=[cup.sku]), {"star": "on"}, headers=HTMX)
    assert Favourite.objects.filter(user=buyer, product=cup).count() == 1


def test_without_javascript_it_redirects_back_with_a_message(buyer_client, buyer, cup, synced):
    page = reverse("catalog:product_list") + "?category=cups"
    response = buyer_client.post(
        reverse("favourites:star", args=[cup.sku]), {"star": "on", "next": page}
    )
    assert response.status_code == 302 and response["Location"] == page
    body = buyer_client.get(page).content.decode()
    assert "8 oz Eco Paper Cup is in your favourites." in body
    assert 'aria-pressed="true"' in body


def test_it_does_not_redirect_off_site(buyer_client, cup):
    response = buyer_client.post(
        reverse("favourites:star", args=[cup.sku]), {"star": "on", "next": "https://evil.test/"}
    )
    assert response["Location"] == reverse("favourites:index")


def test_stars_are_personal(client, buyer, other_buyer, cup, synced):
    Favourite.objects.create(user=buyer, product=cup)
    client.force_login(other_buyer)
    body = client.get(reverse("catalog:product_list")).content.decode()
    assert 'aria-pressed="true"' not in body
    client.post(reverse("favourites:star", args=[cup.sku]), {"star": ""})
    assert Favourite.objects.filter(user=buyer, product=cup).exists()


def test_the_catalog_and_product_page_show_the_buyers_stars(buyer_client, buyer, cup, bowl, synced):
    Favourite.objects.create(user=buyer, product=cup)
    listing = buyer_client.get(reverse("catalog:product_list")).content.decode()
    assert listing.count('aria-pressed="true"') == 1 and listing.count('aria-pressed="false"') == 1
    detail = buyer_client.get(reverse("catalog:product_detail", args=[cup.sku])).content.decode()
    assert 'aria-pressed="true"' in detail and "Favourite<span" in detail


def test_the_catalog_reads_the_stars_in_one_query(
    buyer_client, make_product, synced, django_assert_max_num_queries, buyer
):
    for n in range(20):
        product = make_product(f"SKU-{n:02d}")
        Favourite.objects.create(user=buyer, product=product)
    buyer_client.get(reverse("catalog:product_list"))  # warm up sessions etc.
    with django_assert_max_num_queries(12):
        buyer_client.get(reverse("catalog:product_list"))


def test_the_favourites_page_lists_starred_products_with_add_to_cart(buyer_client, buyer, cup):
    Favourite.objects.create(user=buyer, product=cup)
    body = buyer_client.get(reverse("favourites:index")).content.decode()
    assert "8 oz Eco Paper Cup" in body and 'id="add-cs-8oz-eco"' in body


def test_the_favourites_page_says_how_to_star_when_there_are_none(buyer_client):
    body = buyer_client.get(reverse("favourites:index")).content.decode()
    assert "No starred products yet." in body and "No lists yet." in body


def test_an_unknown_product_is_404(buyer_client, db):
    assert buyer_client.post(reverse("favourites:star", args=["NOPE"])).status_code == 404


@pytest.mark.parametrize("method", ["get", "put"])
def test_starring_needs_a_post(buyer_client, cup, method):
    response = getattr(buyer_client, method)(reverse("favourites:star", args=[cup.sku]))
    assert response.status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client, cup):
    for response in (
        client.get(reverse("favourites:index")),
        client.post(reverse("favourites:star", args=[cup.sku]), {"star": "on"}),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Favourite.objects.exists()


@pytest.mark.parametrize("name", ["favourites:star", "favourites:save_product"])
def test_a_sku_with_a_nul_character_is_404(buyer_client, cup, nul_refused, name):
    # Found by the fuzz suite: the NUL reached the database (on PostgreSQL, a 500).
    response = buyer_client.post(reverse(name, args=["CS-8OZ-ECO\x00"]), {"star": "on"})
    assert response.status_code == 404
    assert not Favourite.objects.exists()
