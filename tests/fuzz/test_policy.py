"""The quantity policy under a sequence of changes: a few plausible requests in a row — to the
cart, a saved list, the quick-order pad, a reorder, a list into the cart, a refused order
resent, a checkout — with quantities at the policy's edges (the dear cup, at $25.00 a unit,
reaches the $100,000,000.00 order limit at 4,000,001 units). After every step nothing stored
may be outside the policy; hypothesis is steered towards the fullest carts and lists."""

from hypothesis import given, target
from hypothesis import strategies as st

from tests.fuzz.strategies import LIMITS, SKUS, fuzz, plausible

SKU = st.sampled_from(SKUS)
QTY = plausible(st.sampled_from(LIMITS).map(str), 1, 5, 2000, 5000, 100_000, 2_000_000)
UNIT = st.sampled_from(["cases", "units"])
PAD_LINE = st.tuples(SKU, QTY).map(" ".join)


def step(path: str, **fields) -> st.SearchStrategy:
    return st.tuples(st.just(path), st.fixed_dictionaries(fields))


STEPS = st.one_of(
    step("/cart/add/", sku=SKU, qty=QTY, unit=UNIT),
    step("/cart/lines/@line:cup/", qty=QTY, unit=UNIT),
    step("/cart/lines/@line:lid/", qty=QTY, unit=UNIT),
    step("/favourites/lists/@list/items/", sku=SKU, qty=QTY, unit=UNIT),
    step("/favourites/lists/@list/items/@item:cup/", qty=QTY),
    step("/favourites/save/CS-GOLD-CUP/", saved_list=st.just("@list"), qty=QTY, unit=UNIT),
    step("/favourites/lists/@list/add-to-cart/"),
    step(
        "/cart/quick/",
        add=st.just("ready"),
        lines=st.lists(PAD_LINE, min_size=1, max_size=3).map("\n".join),
    ),
    step("/orders/@order:sent/reorder/"),
    step("/orders/@order:pending/reorder/"),
    step(
        "/orders/@order:needs_changes/resubmit/",
        **{"qty-@refused_line": QTY, "qty-@refused_dear_line": QTY},
    ),
    step("/checkout/", address=st.just("@address"), cart=st.just("@cart")),
)


@fuzz(max_examples=200)
@given(steps=st.lists(STEPS, min_size=1, max_size=4))
def test_no_sequence_of_changes_leaves_anything_outside_the_policy(shop, steps):
    from orders_app.models import Cart, subtotal

    buyer = shop.visitor("buyer")
    with shop.example() as case:
        for number, (path, data) in enumerate(steps):
            data = shop.resolve({**data, "once": f"{number:032x}"})
            response = buyer.post(shop.resolve(path), data)
            case.check_policy(response)
        cart = Cart.objects.filter(user=shop.buyer, status=Cart.Status.OPEN).first()
        lines = list(cart.lines.select_related("product")) if cart else []
        items = list(shop.saved_list.items.select_related("product"))
        target(float(subtotal(lines)), label="cart subtotal")
        target(float(subtotal(items)), label="list subtotal")
