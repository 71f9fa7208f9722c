"""Fuzzing favourites: stars, saving a product to a list, the lists and their items."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import (
    FOREIGN_ORDERS,
    LIST_ITEMS,
    LISTS,
    ORDERS,
    SKUS,
    form,
    fuzz,
    htmx,
    once,
    path_text,
    quantity,
    units,
    value,
)

NAMES = value("Weekly café", "weekly CAFÉ", "Events", "New list", " padded ", "x" * 80, "x" * 81)


@fuzz(max_examples=250)
@given(
    sku=path_text(*SKUS),
    sent=form(
        star=value("on", "", "1", "0", "false"),
        next=value("/favourites/", "0"),
        labelled=value("1"),
    ),
    hx=htmx,
)
def test_starring(shop, sku, sent, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.post(f"/favourites/star/{shop.segment(sku)}/", sent, htmx=hx))


@fuzz(max_examples=400)
@given(
    sku=path_text(*SKUS),
    sent=form(saved_list=LISTS, new_list=NAMES, qty=quantity(1, 2, 5, 4_000_001), unit=units),
    hx=htmx,
)
def test_saving_a_product_to_a_list(shop, sku, sent, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(
            buyer.post(f"/favourites/save/{shop.segment(sku)}/", shop.resolve(sent), htmx=hx)
        )


@fuzz(max_examples=300)
@given(saved_list=LISTS, sent=form(name=NAMES), rename=st.booleans())
def test_creating_and_renaming_lists(shop, saved_list, sent, rename):
    saved_list = shop.resolve(saved_list)
    path = f"/favourites/lists/{saved_list}/rename/" if rename else "/favourites/lists/new/"
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.post(path, sent))


@fuzz(max_examples=400)
@given(
    saved_list=LISTS,
    item=LIST_ITEMS,
    action=st.sampled_from(["items/", "items/{item}/", "items/{item}/remove/"]),
    sent=form(sku=value(*SKUS, "cs-dome-lid"), qty=quantity(1, 5, 2000, 4_000_001), unit=units),
)
def test_changing_list_items(shop, saved_list, item, action, sent):
    path = f"/favourites/lists/{shop.resolve(saved_list)}/" + action.format(item=shop.resolve(item))
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.post(path, sent))


@fuzz(max_examples=200)
@given(saved_list=LISTS, sent=form(once=once))
def test_putting_a_list_in_the_cart_once(shop, saved_list, sent):
    path = f"/favourites/lists/{shop.resolve(saved_list)}/add-to-cart/"
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check_replay(lambda: buyer.post(path, sent))


@fuzz(max_examples=150)
@given(
    saved_list=LISTS,
    page=st.sampled_from(["", "lists/{list}/", "lists/{list}/delete/"]),
    method=st.sampled_from(["get", "post"]),
    params=form(page=value(1)),
)
def test_viewing_and_deleting_lists(shop, saved_list, page, method, params):
    path = "/favourites/" + page.format(list=shop.resolve(saved_list))
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        if method == "get":
            case.check(buyer.get(path, params), writes=False)
        elif path.endswith("/delete/"):
            case.check_replay(lambda: buyer.post(path, params))
        else:
            case.check(buyer.post(path, params))


@fuzz(max_examples=200)
@given(
    source=st.sampled_from(["from-cart/", "from-order/{}/"]),
    order=ORDERS,
    sent=form(saved_list=LISTS, new_list=NAMES),
    method=st.sampled_from(["get", "post", "post"]),
)
def test_saving_the_cart_or_an_order_as_a_list(shop, source, order, sent, method):
    buyer = shop.visitor("buyer")
    path = "/favourites/lists/" + source.format(shop.resolve(order))
    with shop.example() as case:
        if method == "get":
            response = buyer.get(path)
            case.check(response, writes=False)
        else:
            response = buyer.post(path, shop.resolve(sent))
            case.check(response)
        if "{}" in source and order in FOREIGN_ORDERS:
            assert response.status_code == 404
