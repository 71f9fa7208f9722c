"""Placing, listing and fetching orders; the shipping rule; other accounts' orders."""

from decimal import Decimal

import pytest

from sandbox.models import Order, Product


def _order(*items, reference=None) -> dict:
    body = {
        "items": [{"sku": sku, "qty": qty} for sku, qty in items],
        "shipping_address": {"line1": "1 Main St", "city": "Boise", "state": "ID", "zip": "83702"},
        "currency": "USD",
    }
    if reference is not None:
        body["reference"] = reference
    return body


def _place(client, *items, reference=None) -> dict:
    response = client.post(
        "/v1/orders", _order(*items, reference=reference), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["data"]


def test_a_new_order_has_the_contract_fields(sandbox_api, sandbox_clock):
    order = _place(sandbox_api.client, ("CS-8OZ-ECO", 1000))

    assert set(order) == {
        "id",
        "status",
        "reference",
        "items",
        "subtotal",
        "shipping",
        "total",
        "currency",
        "shipping_address",
        "created_at",
    }
    assert order["status"] == "received"
    assert order["reference"] is None
    assert order["currency"] == "USD"
    assert order["created_at"] == "2026-03-02T09:00:00.000Z"


@pytest.mark.parametrize(
    ("qty", "subtotal", "shipping", "total"),
    [
        (10_000, "480.00", "25.00", "505.00"),  # under $500: flat $25
        (11_000, "528.00", "0.00", "528.00"),  # $500 or more: free
    ],
)
def test_shipping_is_free_from_500_dollars_else_25(sandbox_api, qty, subtotal, shipping, total):
    order = _place(sandbox_api.client, ("CS-8OZ-ECO", qty))

    assert (order["subtotal"], order["shipping"], order["total"]) == (subtotal, shipping, total)


def test_line_totals_are_rounded_to_the_cent(sandbox_api):
    Product.objects.filter(sku="CS-DOME-LID").update(unit_price=Decimal("0.0325"), case_pack=50)
    order = _place(sandbox_api.client, ("CS-DOME-LID", 1050))  # 34.125

    assert order["items"][0]["line_total"] == "34.13"
    assert order["subtotal"] == "34.13"


def test_the_order_is_stored_with_its_lines(sandbox_api):
    order = _place(sandbox_api.client, ("CS-8OZ-ECO", 2000), ("CS-DOME-LID", 2000))

    stored = Order.objects.get(id=order["id"])
    assert [(line.sku, line.qty) for line in stored.lines.all()] == [
        ("CS-8OZ-ECO", 2000),
        ("CS-DOME-LID", 2000),
    ]
    assert stored.total == Decimal(order["total"])


def test_an_order_can_be_fetched_by_id(sandbox_api):
    order = _place(sandbox_api.client, ("CS-8OZ-ECO", 1000))

    response = sandbox_api.client.get(f"/v1/orders/{order['id']}")

    assert response.status_code == 200
    assert response.json() == {"success": True, "data": order, "meta": {}}


def test_an_unknown_order_is_a_404(sandbox_api):
    response = sandbox_api.client.get("/v1/orders/ord_doesnotexist")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_another_accounts_order_is_a_404(sandbox_api):
    order = _place(sandbox_api.client, ("CS-8OZ-ECO", 1000))
    stranger = sandbox_api.client_for(sandbox_api.create_key(account="Rival Roasters"))

    assert stranger.get(f"/v1/orders/{order['id']}").status_code == 404
    assert stranger.get(f"/v1/orders/{order['id']}/tracking").status_code == 404
    assert stranger.get("/v1/orders").json()["meta"]["total"] == 0


def test_another_key_of_the_same_account_sees_its_orders(sandbox_api):
    order = _place(sandbox_api.client, ("CS-8OZ-ECO", 1000))
    colleague = sandbox_api.client_for(sandbox_api.create_key(read_only=True))

    assert colleague.get(f"/v1/orders/{order['id']}").status_code == 200


def test_orders_are_listed_newest_first_and_paginated(sandbox_api, sandbox_clock):
    ids = []
    for _ in range(3):
        ids.append(_place(sandbox_api.client, ("CS-DOME-LID", 1000))["id"])
        sandbox_clock.advance(minutes=1)

    first = sandbox_api.client.get("/v1/orders?per_page=2").json()
    second = sandbox_api.client.get("/v1/orders?per_page=2&page=2").json()

    assert first["meta"] == {"page": 1, "per_page": 2, "total": 3}
    assert [o["id"] for o in first["data"] + second["data"]] == ids[::-1]


def test_orders_can_be_found_by_reference(sandbox_api):
    _place(sandbox_api.client, ("CS-DOME-LID", 1000), reference="PO-1")
    wanted = _place(sandbox_api.client, ("CS-DOME-LID", 1000), reference="PO-2")

    body = sandbox_api.client.get("/v1/orders?reference=PO-2").json()

    assert [o["id"] for o in body["data"]] == [wanted["id"]]
    assert body["data"][0]["items"] == wanted["items"]


@pytest.mark.parametrize("query", ["?reference=", "?page=0", "?per_page=500"])
def test_a_bad_order_query_is_a_400(sandbox_api, query):
    response = sandbox_api.client.get(f"/v1/orders{query}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_request"


def test_the_status_follows_the_shipment(sandbox_api, sandbox_clock, settings):
    settings.SANDBOX_TIME_SCALE = 1.0  # simulated hours are real hours
    order_id = _place(sandbox_api.client, ("CS-8OZ-ECO", 1000))["id"]

    def status() -> str:
        return sandbox_api.client.get(f"/v1/orders/{order_id}").json()["data"]["status"]

    seen = [status()]
    for minutes in (30, 90, 24 * 60):
        sandbox_clock.advance(minutes=minutes)
        seen.append(status())

    assert seen == ["received", "processing", "shipped", "delivered"]
