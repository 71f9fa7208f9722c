"""Concurrent orders against the running server never oversell."""

from concurrent.futures import ThreadPoolExecutor

from sandbox.models import Order


def _order(qty: int) -> dict:
    return {
        "items": [{"sku": "CS-DOME-LID", "qty": qty}],
        "shipping_address": {"line1": "5 Pier", "city": "Seattle", "state": "WA", "zip": "98101"},
        "currency": "USD",
    }


def test_ten_concurrent_orders_for_stock_that_fits_three_sell_exactly_three(sandbox):
    sandbox.set_stock("CS-DOME-LID", 3000)

    def send(_):
        return sandbox.http.post("/orders", json=_order(1000), timeout=30)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(send, range(10)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 3 + [400] * 7
    refused = [r.json()["error"] for r in responses if r.status_code == 400]
    assert {error["code"] for error in refused} == {"insufficient_stock"}
    assert sandbox.product("CS-DOME-LID").stock == 0
    assert Order.objects.count() == 3


def test_concurrent_orders_for_two_products_in_either_order_do_not_deadlock(sandbox):
    sandbox.set_stock("CS-DOME-LID", 4000)
    sandbox.set_stock("CS-8OZ-ECO", 4000)
    forward = {
        **_order(1000),
        "items": [{"sku": "CS-8OZ-ECO", "qty": 1000}, *_order(1000)["items"]],
    }
    backward = {**forward, "items": forward["items"][::-1]}

    def send(i):
        body = forward if i % 2 else backward
        return sandbox.http.post("/orders", json=body, timeout=30)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(send, range(8)))

    assert sorted(r.status_code for r in responses) == [201] * 4 + [400] * 4
    assert sandbox.product("CS-DOME-LID").stock == 0
    assert sandbox.product("CS-8OZ-ECO").stock == 0
