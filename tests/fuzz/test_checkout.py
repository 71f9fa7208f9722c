"""Fuzzing the checkout: its page, and placing the order (a second click places nothing more)."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import form, fuzz, htmx, ids, value

SENT = form(
    address=ids("@address"),
    po_number=value("PO-9", "x" * 64, "x" * 65, " "),
    notes=value("Back door", "a\r\n" * 700, "a" * 2001),
    cart=value("@cart", "@other_cart", "18446744073709551616"),
)


@fuzz(max_examples=250)
@given(sent=SENT, hx=htmx, method=st.sampled_from(["get", "post", "post"]))
def test_placing_an_order(shop, sent, hx, method):
    sent = shop.resolve(sent)
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        if method == "get":
            case.check(buyer.get("/checkout/", sent, htmx=hx), writes=False)
        else:
            case.check_replay(lambda: buyer.post("/checkout/", sent, htmx=hx))
