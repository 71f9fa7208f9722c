"""Fuzzing the cart: add, change a line, remove it, add its lid, empty, the badge."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import CART_LINES, SKUS, form, fuzz, htmx, quantity, units, value

NEXT = value("/cart/", "/catalog/?q=cup", "https://evil.example/", "//evil.example", "0", "home")


@fuzz(max_examples=500)
@given(
    sent=form(
        sku=value(*SKUS, SKUS[0].lower()),
        qty=quantity(1, 5, 2000, 5000, 10_000, 4_000_001),
        unit=units,
        next=NEXT,
        exact_units=quantity(2000, 3000),
    ),
    hx=htmx,
)
def test_adding_to_the_cart(shop, sent, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.post("/cart/add/", sent, htmx=hx))


@fuzz(max_examples=500)
@given(
    line=CART_LINES,
    sent=form(qty=quantity(1, 2, 5, 3000, 10_000), unit=units, exact_units=quantity(2000)),
    hx=htmx,
)
def test_changing_a_cart_line(shop, line, sent, hx):
    line = shop.resolve(line)
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.post(f"/cart/lines/{line}/", sent, htmx=hx))


@fuzz(max_examples=300)
@given(line=CART_LINES, action=st.sampled_from(["remove/", "add-lid/"]), hx=htmx)
def test_removing_a_line_and_adding_its_lid(shop, line, action, hx):
    line = shop.resolve(line)
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.post(f"/cart/lines/{line}/{action}", htmx=hx))


@fuzz(max_examples=100)
@given(sent=form(next=NEXT), hx=htmx, path=st.sampled_from(["/cart/empty/", "/cart/badge/"]))
def test_emptying_the_cart_and_its_badge(shop, sent, hx, path):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        if path == "/cart/badge/":
            case.check(buyer.get(path, sent, htmx=hx), writes=False)
        else:
            case.check(buyer.post(path, sent, htmx=hx))
