"""The developer portal's own examples, verbatim, against the sandbox over real HTTP."""

import httpx

PORTAL_ORDER = {
    "items": [{"sku": "CS-8OZ-ECO", "qty": 5000}, {"sku": "CS-DOME-LID", "qty": 5000}],
    "shipping_address": {
        "line1": "123 Commerce Way",
        "city": "Portland",
        "state": "OR",
        "zip": "97201",
    },
    "currency": "USD",
}


def test_the_curl_example_lists_products_in_the_envelope_with_meta(sandbox):
    # curl -X GET https://api.cupsource.com/v1/products -H "Authorization: Bearer …"
    #      -H "Content-Type: application/json"
    response = httpx.get(
        f"{sandbox.url}/products",
        headers={**sandbox.headers(), "Content-Type": "application/json"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["meta"] == {"page": 1, "per_page": 20, "total": 120}
    assert len(body["data"]) == 20
    assert [p["sku"] for p in body["data"]] == sorted(p["sku"] for p in body["data"])


def test_the_portal_order_example_is_accepted_as_is(sandbox):
    response = httpx.post(f"{sandbox.url}/orders", json=PORTAL_ORDER, headers=sandbox.headers())

    assert response.status_code == 201
    order = response.json()["data"]
    assert order["id"].startswith("ord_")
    assert order["status"] == "received"
    assert [(i["sku"], i["qty"], i["unit_price"], i["line_total"]) for i in order["items"]] == [
        ("CS-8OZ-ECO", 5000, "0.0480", "240.00"),
        ("CS-DOME-LID", 5000, "0.0320", "160.00"),
    ]
    assert (order["subtotal"], order["shipping"], order["total"]) == ("400.00", "25.00", "425.00")
    assert order["shipping_address"]["city"] == "Portland"


def test_the_portal_order_takes_its_units_out_of_stock(sandbox):
    before = sandbox.product("CS-8OZ-ECO").stock

    httpx.post(f"{sandbox.url}/orders", json=PORTAL_ORDER, headers=sandbox.headers())

    assert sandbox.product("CS-8OZ-ECO").stock == before - 5000
    assert sandbox.product("CS-DOME-LID").stock == 400_000 - 5000


def test_the_portal_dome_lid_fits_the_portal_cup(sandbox):
    response = httpx.get(f"{sandbox.url}/products/CS-8OZ-ECO", headers=sandbox.headers())

    assert response.status_code == 200
    assert "CS-DOME-LID" in response.json()["data"]["compatible_lids"]


def test_the_portal_order_can_be_tracked_straight_away(sandbox):
    order = sandbox.http.post("/orders", json=PORTAL_ORDER).json()["data"]

    response = sandbox.http.get(f"/orders/{order['id']}/tracking")

    assert response.status_code == 200
    tracking = response.json()["data"]
    assert tracking["order_id"] == order["id"]
    assert tracking["status"] == "pending"
    assert tracking["signature_required"] is False
    assert [event["status"] for event in tracking["events"]] == ["pending"]
