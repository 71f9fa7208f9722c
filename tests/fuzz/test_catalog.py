"""Fuzzing the catalog: its filters and search, the search box's suggestions, a product page,
its pictograms, the one-click "Add" of a lid that fits, and the staff-only sync button."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import SKUS, form, fuzz, htmx, once, path_text, quantity, value

SEARCHES = value("cup", "CS-8OZ", "dome lid", "%", "_", "'", "rippel", "12oz", "lid 12", "cs-8oz-e",
                 "kraft bowls", "\"lid\" OR", "a* AND", "lid:*", "x" * 100)  # fmt: skip
FILTERS = form(
    q=SEARCHES,
    category=value("cups", "bowls", "lids", "CUPS"),
    material=value("paper", "plastic", "bioplastic"),
    capacity=value(8, 12, 256, 257),
    in_stock=value("on", "true", "1", "off"),
    sort=value("", "sku", "price", "-price", "capacity", "-capacity", "-sku", "relevance"),
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


@fuzz(max_examples=200)
@given(params=form(q=SEARCHES), hx=htmx)
def test_the_search_suggestions(shop, params, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        response = buyer.get("/catalog/suggestions/", params, htmx=hx)
        case.check(response, writes=False)
        assert response.status_code == 200  # htmx swaps no error: it is said in the listbox


@fuzz(max_examples=100)
@given(version=path_text("1", "0"), name=path_text("hot-s-kraft", "dome-m-black", "bowl-x-red"))
def test_a_pictogram(shop, version, name):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        path = f"/catalog/pictograms/{shop.segment(version)}/{shop.segment(name)}.svg"
        case.check(buyer.get(path), writes=False)


@fuzz(max_examples=300)
@given(
    sent=form(
        sku=value(*SKUS, SKUS[1].lower()),
        qty=quantity(1000, 2000, 1500),
        once=once,
        next=value("/catalog/CS-8OZ-ECO/", "https://evil.example/", "//evil.example"),
    ),
    hx=htmx,
)
def test_adding_a_matching_product_in_one_click_once(shop, sent, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check_replay(lambda: buyer.post("/cart/add/one-click/", sent, htmx=hx))
