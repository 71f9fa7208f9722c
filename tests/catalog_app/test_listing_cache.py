"""The browse page's listing is rendered once per URL and mirror version and shared by every
buyer (catalog_app/listing.py): each buyer still gets their own CSRF token and stars, and any
change to the mirror shows at once."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog_app.models import Product
from favourites.models import Favourite
from orders_app.models import CartLine

URL = reverse("catalog:product_list")
PARAMS = {"category": "cups", "sort": "price"}


@pytest.fixture
def catalog(make_product, synced):
    make_product("CS-8OZ-ECO", name="8 oz Eco Paper Cup", stock=50_000)
    make_product("CS-12OZ-PAP", name="12 oz Paper Cup", capacity_oz=12, unit_price="0.0620")


def star_pressed(body: str, sku: str) -> str:
    form = re.search(rf'<form id="star-{sku.lower()}".*?</form>', body, re.S)[0]
    return re.search(r'aria-pressed="(\w+)"', form)[1]


def csrf_tokens(body: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body))


def test_a_repeated_view_is_served_from_the_shared_rendering(buyer_client, catalog):
    buyer_client.get(URL, PARAMS)
    with CaptureQueriesContext(connection) as queries:
        body = buyer_client.get(URL, PARAMS).content.decode()
    assert "CS-8OZ-ECO" in body
    assert not [q for q in queries if "COUNT" in q["sql"] and "catalog_app_product" in q["sql"]]


def test_each_buyer_sees_their_own_stars_on_a_shared_rendering(buyer, other_buyer, catalog, client):
    Favourite.objects.create(user=buyer, product=Product.objects.get(sku="CS-8OZ-ECO"))
    client.force_login(buyer)
    mine = client.get(URL, PARAMS).content.decode()
    other = Client()
    other.force_login(other_buyer)
    theirs = other.get(URL, PARAMS).content.decode()
    assert star_pressed(mine, "CS-8OZ-ECO") == "true"
    assert star_pressed(theirs, "CS-8OZ-ECO") == "false"
    assert star_pressed(mine, "CS-12OZ-PAP") == "false"
    assert "@@star:" not in mine + theirs


def test_the_forms_carry_a_working_csrf_token_of_the_viewer(buyer, other_buyer, catalog):
    for user in (buyer, other_buyer):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        body = client.get(URL, PARAMS).content.decode()
        tokens = csrf_tokens(body)
        assert tokens and "placeholder" not in " ".join(tokens)
        response = client.post(
            reverse("orders:cart_add"),
            {"sku": "CS-8OZ-ECO", "qty": "1", "unit": "cases", "csrfmiddlewaretoken": tokens.pop()},
        )
        assert response.status_code == 302  # added, not 403
    assert CartLine.objects.filter(product__sku="CS-8OZ-ECO").count() == 2


@pytest.mark.parametrize(
    "change",
    [
        lambda p: Product.objects.filter(pk=p.pk).update(stock=0),
        lambda p: Product.objects.bulk_update([setattr(p, "stock", 0) or p], ["stock"]),
        lambda p: setattr(p, "stock", 0) or p.save(),
    ],
    ids=["update", "bulk_update", "save"],
)
def test_a_change_to_the_mirror_shows_at_once(buyer_client, catalog, change):
    assert "Out of stock" not in buyer_client.get(URL, PARAMS).content.decode()
    change(Product.objects.get(sku="CS-8OZ-ECO"))
    assert "Out of stock" in buyer_client.get(URL, PARAMS).content.decode()


def test_a_new_product_shows_at_once(buyer_client, catalog, make_product):
    assert "CS-20OZ-NEW" not in buyer_client.get(URL, PARAMS).content.decode()
    make_product("CS-20OZ-NEW", capacity_oz=20)
    assert "CS-20OZ-NEW" in buyer_client.get(URL, PARAMS).content.decode()


def test_messages_reach_an_htmx_view_of_a_shared_rendering(buyer_client, catalog):
    headers = {"HX-Request": "true"}
    buyer_client.get(URL, PARAMS, headers=headers)  # now rendered and kept
    added = {"sku": "CS-8OZ-ECO", "qty": "1", "unit": "cases"}
    buyer_client.post(reverse("orders:cart_add"), added)
    body = buyer_client.get(URL, PARAMS, headers=headers).content.decode()
    assert 'id="messages" hx-swap-oob="innerHTML"' in body
    assert 'id="messages"' not in buyer_client.get(URL, PARAMS, headers=headers).content.decode()


def test_facet_counts_match_a_direct_count_for_every_filter_combination(make_product, synced):
    """The single GROUP BY summed in Python equals counting each facet value with the ORM."""
    import itertools

    from catalog_app.forms import ProductFilterForm
    from catalog_app.listing import _facets

    for i, (category, material, capacity) in enumerate(
        itertools.product(["cups", "bowls", "lids"], ["paper", "plastic"], [8, 12, None])
    ):
        for copy in range(i % 3 + 1):
            make_product(
                f"CS-{i}-{copy}",
                category=category,
                material=material,
                capacity_oz=capacity,
                stock=copy * 1000,
            )
    choices = {"category": ["", "cups", "lids"], "material": ["", "plastic"], "capacity": ["", "8"]}
    for category, material, capacity, in_stock in itertools.product(*choices.values(), ["", "on"]):
        form = ProductFilterForm(
            {"category": category, "material": material, "capacity": capacity, "in_stock": in_stock}
        )
        assert form.is_valid()
        for facet in _facets(form, Product.objects.available()):
            field = {"capacity": "capacity_oz"}.get(facet["name"], facet["name"])
            expected = Product.objects.available().filter(**form.filters(without=facet["name"]))
            for value, _, count in facet["values"]:
                assert count == expected.filter(**{field: value}).count(), (form.data, facet)
            if facet["name"] == "capacity":  # every capacity there is, and no other
                there = set(expected.exclude(capacity_oz=None).values_list(field, flat=True))
                assert {value for value, _, _ in facet["values"]} == there


@pytest.mark.parametrize(
    "params",
    [{"q": "cup"}, {"category": "cups", "utm_source": "mail"}, {"category": ["cups", "cups"]}],
    ids=["search", "unknown parameter", "repeated parameter"],
)
def test_searches_and_made_up_urls_are_not_kept(buyer_client, catalog, params):
    buyer_client.get(URL, params)
    with CaptureQueriesContext(connection) as queries:
        body = buyer_client.get(URL, params).content.decode()
    assert "CS-8OZ-ECO" in body or "CS-12OZ-PAP" in body
    assert [q for q in queries if "GROUP BY" in q["sql"]]  # rendered again, not kept
