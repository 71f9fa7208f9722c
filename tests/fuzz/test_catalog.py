"""Fuzzing the catalog: its filters, a product page, and the staff-only sync button."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import SKUS, form, fuzz, htmx, path_text, value

FILTERS = form(
    q=value("cup", "CS-8OZ", "dome lid", "%", "_", "'"),
    category=value("cups", "bowls", "lids", "CUPS"),
    material=value("paper", "plastic", "bioplastic"),
    capacity=value(8, 12, 256, 257),
    in_stock=value("on", "true", "1", "off"),
    sort=value("sku", "price", "-price", "capacity", "-capacity", "-sku"),
    page=value(1, 2, 100_000, 100_001),
)


@fuzz(max_examples=400)
@given(params=FILTERS, hx=htmx, history=st.booleans())
def test_filtering_the_catalog(shop, params, hx, history):
    buyer = shop.visitor("buyer")
    extra = {"headers": {"HX-Request": "true", "HX-History-Restore-Request": "true"}}
    with shop.example() as case:
        if hx and history:
            response = buyer.client.get("/catalog/", params, **extra)
        else:
            response = buyer.get("/catalog/", params, htmx=hx)
        case.check(response, writes=False)


@fuzz(max_examples=300)
@given(sku=path_text(*SKUS, "cs-8oz-eco"), params=form(next=value("/cart/")))
def test_a_product_page(shop, sku, params):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.get(f"/catalog/{shop.segment(sku)}/", params), writes=False)


@fuzz(max_examples=2)  # htmx or not: all there is to vary
@given(hx=htmx)
def test_a_buyer_cannot_start_a_sync(shop, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        response = buyer.post("/catalog/sync/", htmx=hx)
        case.check(response)
        assert response.status_code == 403
