"""Fuzzing the orders: the list and its CSV, an order's page and tracking, reorder, fixing and
resending a refused order, cancelling, and "Got it" on a moved delivery date."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import (
    FOREIGN_ORDERS,
    ORDERS,
    dates,
    form,
    fuzz,
    htmx,
    ids,
    once,
    quantity,
    value,
)

FILTERS = form(
    status=value("attention", "pending", "received", "shipped", "delivered", "cancelled"),
    reference=value("CB-", "PO-9", "%", "_"),
    placed_from=dates,
    placed_to=dates,
    page=value(1, 2, 0, 10**6),
)


@fuzz(max_examples=500)
@given(params=FILTERS, csv=st.booleans(), hx=htmx)
def test_filtering_the_orders_and_their_csv(shop, params, csv, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        response = buyer.get("/orders/export.csv" if csv else "/orders/", params, htmx=hx)
        if response.streaming:
            b"".join(response.streaming_content)  # the whole file is written
        case.check(response, writes=False)


@fuzz(max_examples=400)
@given(order=ORDERS, page=st.sampled_from(["", "tracking/"]), hx=htmx)
def test_an_order_page_and_its_tracking(shop, order, page, hx):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        response = buyer.get(f"/orders/{shop.resolve(order)}/{page}", htmx=hx)
        case.check(response, refused=response.status_code >= 400)
        if order in FOREIGN_ORDERS:  # a colleague's: shown, read-only (ORDER_VISIBILITY=team)
            body = response.content.decode()
            assert response.status_code == 200
            assert case.unchanged()
            assert not any(f"/{action}/" in body for action in ("reorder", "cancel", "resubmit"))


@fuzz(max_examples=300)
@given(order=ORDERS, sent=form(once=once))
def test_reordering_once(shop, order, sent):
    buyer = shop.visitor("buyer")
    path = f"/orders/{shop.resolve(order)}/reorder/"
    with shop.example() as case:
        case.check_replay(lambda: buyer.post(path, sent))


@fuzz(max_examples=400)
@given(
    order=ids(
        "@order:needs_changes", "@order:needs_changes", "@order:sent", "@other_order:pending"
    ),
    sent=form(
        **{
            "qty-@refused_line": quantity(0, 1000, 3000, 4000, 60_000, 4_000_001),
            "qty-@refused_dear_line": quantity(0, 1, 10, 4_000_001),
            "qty-0": quantity(1000),
            "qty": quantity(1000),
        }
    ),
)
def test_fixing_and_resending_a_refused_order(shop, order, sent):
    buyer = shop.visitor("buyer")
    path, sent = f"/orders/{shop.resolve(order)}/resubmit/", shop.resolve(sent)
    with shop.example() as case:
        case.check_replay(lambda: buyer.post(path, sent))


@fuzz(max_examples=200)
@given(
    order=ORDERS,
    action=st.sampled_from(
        ["/orders/{}/cancel/", "/overview/deliveries/{}/seen/", "/orders/{}/tracking/seen/"]
    ),
    hx=htmx,
)
def test_cancelling_and_seeing_a_delivery_date(shop, order, action, hx):
    path = action.format(shop.resolve(order))
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check_replay(lambda: buyer.post(path, htmx=hx))
