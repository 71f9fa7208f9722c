"""The browse page's listing is rendered once per viewer, URL and mirror version and kept
(catalog_app/listing.py): each buyer gets their own CSRF token and stars — however the
templates and context processors change — and any change to the mirror shows at once."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog_app.models import Product
from catalog_app.services import products_refresh
from cupsource.models import Product as SupplierProduct
from favourites.models import Favourite
from orders_app.models import CartLine
from tests.catalog_app.test_sync import FakeCatalogAPI, product, sync

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


def test_a_repeated_view_is_served_from_the_kept_rendering(buyer_client, catalog):
    buyer_client.get(URL, PARAMS)
    with CaptureQueriesContext(connection) as queries:
        body = buyer_client.get(URL, PARAMS).content.decode()
    assert "CS-8OZ-ECO" in body
    assert not [q for q in queries if "COUNT" in q["sql"] and "catalog_app_product" in q["sql"]]


def test_each_buyer_sees_their_own_stars(buyer, other_buyer, catalog, client):
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


def _fresh(sku: str, **fields) -> SupplierProduct:
    return SupplierProduct.model_validate_json(json.dumps(product(sku, **fields)))


@pytest.mark.parametrize(
    "change",
    [
        # The checkout's fresh look-up of the cart's products.
        lambda p: products_refresh(products=[p], fresh={p.sku: _fresh(p.sku, stock=0)}),
        # A catalog sync.
        lambda p: sync(
            FakeCatalogAPI(
                [product(p.sku, stock=0), product("CS-12OZ-PAP", capacity_oz=12, stock=9000)]
            )
        ),
    ],
    ids=["checkout refresh", "sync"],
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
    from catalog_app.listing import _facet_rows, _facets

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
        facets, total = _facets(form, _facet_rows(Product.objects.available()))
        assert total == Product.objects.available().filter(**form.filters()).count()
        for facet in facets:
            field = {"capacity": "capacity_oz"}.get(facet["name"], facet["name"])
            expected = Product.objects.available().filter(**form.filters(without=facet["name"]))
            for value, _, count in facet["values"]:
                assert count == expected.filter(**{field: value}).count(), (form.data, facet)
            if facet["name"] == "capacity":  # every capacity offered (0 if none matches), no other
                offered = Product.objects.available().exclude(capacity_oz=None)
                assert {value for value, _, _ in facet["values"]} == {8, 12}
                assert set(offered.values_list(field, flat=True)) == {8, 12}


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
    page = [q for q in queries if " LIMIT " in q["sql"] and "catalog_app_product" in q["sql"]]
    assert page  # the page of products read again: rendered again, not kept


# --- nothing of one viewer reaches another ------------------------------------------------


def shout_viewer(request):
    """A context processor of a kind that does not exist yet: something of the viewer's own."""
    user = getattr(request, "user", None)
    return {"viewer_shout": f"viewer={user.get_username()}" if user else ""}


@pytest.fixture
def changed_templates(settings, tmp_path):
    """A new context processor, shown in every row (the stock badge), and star markup that
    shows the user and the CSRF token."""
    badge = tmp_path / "includes" / "stock_badge.html"
    badge.parent.mkdir(parents=True)
    badge.write_text('<span data-shout="{{ viewer_shout }}">{{ product.stock }}</span>')
    star = tmp_path / "favourites" / "includes" / "star.html"
    star.parent.mkdir(parents=True)
    star.write_text(
        '<form id="star-{{ product.sku|slugify }}" class="star-form" method="post" '
        'action="{% url "favourites:star" product.sku %}">{% csrf_token %}'
        '<input type="hidden" name="star" value="{{ state.value }}">'
        '<button type="submit" aria-pressed="{{ state.pressed }}" '
        'data-who="{{ request.user.username }}" data-token="{{ csrf_token }}">'
        "Favourite</button></form>"
    )
    templates = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **templates,
            "DIRS": [tmp_path, *templates["DIRS"]],
            "OPTIONS": {
                **templates["OPTIONS"],
                "context_processors": [
                    *templates["OPTIONS"]["context_processors"],
                    "tests.catalog_app.test_listing_cache.shout_viewer",
                ],
            },
        }
    ]


def test_a_new_context_processor_and_star_markup_stay_with_their_viewer(
    buyer, other_buyer, catalog, changed_templates
):
    Favourite.objects.create(user=buyer, product=Product.objects.get(sku="CS-8OZ-ECO"))
    pages = {}
    for user in (buyer, other_buyer, buyer, other_buyer):  # each one twice: the kept rendering
        client = pages.get(user.username, (None, Client(enforce_csrf_checks=True)))[1]
        client.force_login(user)
        body = client.get(URL, PARAMS).content.decode()
        pages[user.username] = (body, client)
        assert f'data-who="{user.username}"' in body
        assert f'data-shout="viewer={user.username}"' in body
        other = ({"buyer", "other"} - {user.username}).pop()
        assert f'data-who="{other}"' not in body and f"viewer={other}" not in body
    mine, theirs = pages["buyer"][0], pages["other"][0]
    assert star_pressed(mine, "CS-8OZ-ECO") == "true"
    assert star_pressed(theirs, "CS-8OZ-ECO") == "false"
    # Each page's tokens work for its own viewer and for nobody else.
    for name, (body, client) in pages.items():
        token = csrf_tokens(body).pop()
        other_client = pages[({"buyer", "other"} - {name}).pop()][1]
        star_url = reverse("favourites:star", args=["CS-12OZ-PAP"])
        data = {"star": "on", "csrfmiddlewaretoken": token}
        assert other_client.post(star_url, data).status_code == 403
        assert client.post(star_url, data).status_code == 302


def test_a_row_is_rendered_once_for_every_url_that_shows_it(buyer_client, catalog):
    """Another filter, sort or page showing the same product reuses its kept row."""
    from catalog_app import listing

    rendered = []
    original = listing.make_context

    def counting(*args, **kwargs):
        context = original(*args, **kwargs)
        rendered.append(context)
        return context

    buyer_client.get(URL, {"category": "cups"})
    listing.make_context = counting
    try:
        body = buyer_client.get(URL, {"category": "cups", "sort": "price"}).content.decode()
    finally:
        listing.make_context = original
    assert "CS-12OZ-PAP" in body and rendered == []  # every row kept: no row context made


def test_a_rows_form_goes_back_to_the_page_it_was_sent_from(buyer_client, catalog):
    page = f"{URL}?category=cups&sort=price"
    body = buyer_client.get(page).content.decode()
    row = body.split('id="add-cs-12oz-pap"')[1].split("</form>")[0]
    assert 'name="next" value=""' in row
    response = buyer_client.post(
        reverse("orders:cart_add"),
        {"sku": "CS-12OZ-PAP", "qty": "1", "unit": "cases", "next": ""},
        headers={"Referer": f"http://testserver{page}"},
    )
    assert response["Location"] == page
