"""The per-buyer facts every page shows (cart badge, stars, the Approvals link) come from the
shared cache (core/user_facts.py) and are dropped whenever what they count changes."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders_app.services import cart_add, cart_empty, cart_for, order_place
from tests.orders_app import conftest as orders_fixtures

cup, lid, address = orders_fixtures.cup, orders_fixtures.lid, orders_fixtures.address
PAGE = reverse("orders:address_list")  # any page with the header


def badge(client) -> int:
    html = client.get(PAGE).content.decode()
    header = re.search(r'<a href="[^"]*" id="cart-badge".*?</a>', html, re.S)[0]
    pill = re.search(r'class="pill"[^>]*>(\d+)<', header)
    return int(pill[1]) if pill else 0


def test_the_badge_follows_every_change_to_the_cart(buyer_client, buyer, cup, lid, address):
    assert badge(buyer_client) == 0
    cart_add(user=buyer, product=cup, qty=5000)
    assert badge(buyer_client) == 1
    cart_add(user=buyer, product=lid, qty=500)
    assert badge(buyer_client) == 2
    cart_for(buyer).lines.get(product=lid).delete()
    assert badge(buyer_client) == 1
    cart_empty(cart=cart_for(buyer))
    assert badge(buyer_client) == 0
    cart_add(user=buyer, product=cup, qty=5000)
    assert badge(buyer_client) == 1
    order_place(user=buyer, cart=cart_for(buyer), address=address)
    assert badge(buyer_client) == 0  # the cart was checked out; a new one is empty


def test_the_badge_follows_the_cart_views(buyer_client, cup):
    buyer_client.post(reverse("orders:cart_add"), {"sku": cup.sku, "qty": "5", "unit": "cases"})
    assert badge(buyer_client) == 1
    buyer_client.post(reverse("orders:cart_empty"))
    assert badge(buyer_client) == 0


def test_a_repeated_page_view_does_not_count_the_cart_again(buyer_client, buyer, cup):
    cart_add(user=buyer, product=cup, qty=5000)
    badge(buyer_client)
    with CaptureQueriesContext(connection) as queries:
        assert badge(buyer_client) == 1
    tables = " ".join(q["sql"] for q in queries)
    assert "orders_app_cartline" not in tables
    assert "auth_permission" not in tables  # the Approvals link: kept for a minute


def test_a_star_shows_on_the_next_page(buyer_client, cup, synced):
    url = reverse("catalog:product_list")
    star = re.compile(r'<form id="star-cs-8oz-eco".*?aria-pressed="(\w+)"', re.S)
    assert star.search(buyer_client.get(url).content.decode())[1] == "false"
    buyer_client.post(reverse("favourites:star", args=[cup.sku]), {"star": "on"})
    assert star.search(buyer_client.get(url).content.decode())[1] == "true"
    buyer_client.post(reverse("favourites:star", args=[cup.sku]), {"star": ""})
    assert star.search(buyer_client.get(url).content.decode())[1] == "false"


@pytest.mark.parametrize("in_group", [True, False])
def test_only_approvers_get_the_approvals_link(client, django_user_model, in_group):
    user = django_user_model.objects.create_user("ann", password="pw-ann-12345")
    if in_group:
        user.groups.add(Group.objects.get(name="Approvers"))
    client.force_login(user)
    for _ in range(2):  # computed, then from the cache
        has_link = reverse("orders:approval_list") in client.get(PAGE).content.decode()
        assert has_link is in_group


def test_many_buyers_figures_never_push_the_request_budget_out_of_the_shared_cache(db):
    from django.core.cache import caches

    cache = caches["shared"]
    cache.set("cupsource:budget", "the budget's log", None)
    for user_id in range(400):  # past Django's default MAX_ENTRIES (300), where it culls
        cache.set(f"user:{user_id}:cart_lines", user_id, 3600)
    assert cache.get("cupsource:budget") == "the budget's log"
