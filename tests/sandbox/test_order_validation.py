"""POST /v1/orders validation: every problem at once, keyed by field path."""

import copy

import pytest

from sandbox.models import Order, Product

VALID = {
    "items": [{"sku": "CS-8OZ-ECO", "qty": 5000}, {"sku": "CS-DOME-LID", "qty": 5000}],
    "shipping_address": {
        "line1": "123 Commerce Way",
        "city": "Portland",
        "state": "OR",
        "zip": "97201",
    },
    "currency": "USD",
}


def _order(**changes) -> dict:
    body = copy.deepcopy(VALID)
    body.update(changes)
    return body


def _address(**changes) -> dict:
    return {**VALID["shipping_address"], **changes}


def _post(sandbox_api, body):
    return sandbox_api.client.post("/v1/orders", body, content_type="application/json")


def _error(sandbox_api, body) -> dict:
    response = _post(sandbox_api, body)
    assert response.status_code == 400
    assert not Order.objects.exists()
    return response.json()["error"]


def test_a_valid_order_is_201(sandbox_api):
    assert _post(sandbox_api, VALID).status_code == 201


@pytest.mark.parametrize(
    ("items", "details"),
    [
        (None, {"items": ["This field is required."]}),
        ([], {"items": ["At least one item is required."]}),
        ("CS-8OZ-ECO", {"items": ["Expected a list of {sku, qty} objects."]}),
        (["CS-8OZ-ECO"], {"items[0]": ["Expected an object with sku and qty."]}),
        ([{"qty": 1000}], {"items[0].sku": ["This field is required."]}),
        ([{"sku": 7, "qty": 1000}], {"items[0].sku": ["Must be a string."]}),
        ([{"sku": "CS-8OZ-ECO"}], {"items[0].qty": ["This field is required."]}),
        ([{"sku": "CS-8OZ-ECO", "qty": 0}], {"items[0].qty": ["Must be a positive integer."]}),
        ([{"sku": "CS-8OZ-ECO", "qty": -1000}], {"items[0].qty": ["Must be a positive integer."]}),
        ([{"sku": "CS-8OZ-ECO", "qty": 1000.0}], {"items[0].qty": ["Must be a positive integer."]}),
        ([{"sku": "CS-8OZ-ECO", "qty": "1000"}], {"items[0].qty": ["Must be a positive integer."]}),
        ([{"sku": "CS-8OZ-ECO", "qty": True}], {"items[0].qty": ["Must be a positive integer."]}),
    ],
)
def test_it_rejects_malformed_items(sandbox_api, items, details):
    body = _order(items=items)
    if items is None:
        del body["items"]

    error = _error(sandbox_api, body)

    assert error["code"] == "invalid_request"
    assert error["details"] == details


def test_it_rejects_more_than_200_lines(sandbox_api):
    error = _error(sandbox_api, _order(items=[{"sku": "CS-8OZ-ECO", "qty": 1000}] * 201))

    assert error["details"] == {"items": ["At most 200 lines per order."]}


def test_it_accepts_200_lines(sandbox_api):
    response = _post(sandbox_api, _order(items=[{"sku": "CS-DOME-LID", "qty": 1000}] * 200))

    assert response.status_code == 201
    assert sandbox_api.product("CS-DOME-LID").stock == 400_000 - 200_000


def test_it_rejects_an_unknown_sku_with_the_narrow_code(sandbox_api):
    error = _error(sandbox_api, _order(items=[{"sku": "CS-NOPE", "qty": 1000}]))

    assert error == {
        "code": "unknown_sku",
        "message": "items[0].sku: Unknown SKU 'CS-NOPE'.",
        "details": {"items[0].sku": ["Unknown SKU 'CS-NOPE'."]},
    }


def test_it_rejects_qty_off_case_pack(sandbox_api):
    error = _error(sandbox_api, _order(items=[{"sku": "CS-8OZ-ECO", "qty": 5500}]))

    assert error["code"] == "invalid_request"
    assert error["details"] == {
        "items[0].qty": ["Must be a multiple of the case pack (1000 units)."]
    }


def test_it_rejects_qty_below_the_minimum_order(sandbox_api):
    Product.objects.filter(sku="CS-DOME-LID").update(min_order_qty=3000)

    error = _error(sandbox_api, _order(items=[{"sku": "CS-DOME-LID", "qty": 2000}]))

    assert error["details"] == {"items[0].qty": ["Below the minimum order quantity (3000 units)."]}


def test_it_rejects_qty_over_stock_naming_the_available_amount(sandbox_api):
    sandbox_api.set_stock("CS-8OZ-ECO", 4000)

    error = _error(sandbox_api, _order(items=[{"sku": "CS-8OZ-ECO", "qty": 5000}]))

    assert error["code"] == "insufficient_stock"
    assert error["details"] == {
        "items[0].qty": ["Insufficient stock: 4000 units of CS-8OZ-ECO available."]
    }
    assert "4000" in error["message"]
    assert sandbox_api.product("CS-8OZ-ECO").stock == 4000


def test_lines_of_the_same_sku_are_checked_against_stock_together(sandbox_api):
    sandbox_api.set_stock("CS-8OZ-ECO", 5000)
    items = [{"sku": "CS-8OZ-ECO", "qty": 3000}, {"sku": "CS-8OZ-ECO", "qty": 3000}]

    error = _error(sandbox_api, _order(items=items))

    assert error["code"] == "insufficient_stock"
    assert set(error["details"]) == {"items[0].qty", "items[1].qty"}


def test_a_qty_can_break_several_rules_at_once(sandbox_api):
    Product.objects.filter(sku="CS-DOME-LID").update(min_order_qty=3000, stock=1000)

    error = _error(sandbox_api, _order(items=[{"sku": "CS-DOME-LID", "qty": 1500}]))

    assert error["code"] == "invalid_request"
    assert error["details"]["items[0].qty"] == [
        "Must be a multiple of the case pack (1000 units).",
        "Below the minimum order quantity (3000 units).",
        "Insufficient stock: 1000 units of CS-DOME-LID available.",
    ]


@pytest.mark.parametrize(
    ("address", "details"),
    [
        (None, {"shipping_address": ["This field is required."]}),
        ("123 Commerce Way", {"shipping_address": ["Expected an object."]}),
        (
            {},
            {
                "shipping_address.city": ["This field is required."],
                "shipping_address.line1": ["This field is required."],
                "shipping_address.state": ["This field is required."],
                "shipping_address.zip": ["This field is required."],
            },
        ),
        (_address(line1="   "), {"shipping_address.line1": ["This field is required."]}),
        (_address(city=12), {"shipping_address.city": ["Must be a string."]}),
        (
            _address(state="Oregon"),
            {"shipping_address.state": ["Must be a two-letter US state code, e.g. 'OR'."]},
        ),
        (
            _address(state="or"),
            {"shipping_address.state": ["Must be a two-letter US state code, e.g. 'OR'."]},
        ),
        (
            _address(state="ON"),
            {"shipping_address.state": ["Must be a two-letter US state code, e.g. 'OR'."]},
        ),
        (
            _address(zip="9720"),
            {"shipping_address.zip": ["Must be a US ZIP code: 12345 or 12345-6789."]},
        ),
        (
            _address(zip="97201-12"),
            {"shipping_address.zip": ["Must be a US ZIP code: 12345 or 12345-6789."]},
        ),
        (
            _address(zip="V6B 1A1"),
            {"shipping_address.zip": ["Must be a US ZIP code: 12345 or 12345-6789."]},
        ),
        (_address(line2="x" * 201), {"shipping_address.line2": ["At most 200 characters."]}),
        (
            _address(name="Bad\x00Name"),
            {"shipping_address.name": ["Must not contain NUL characters."]},
        ),
    ],
)
def test_it_rejects_bad_shipping_addresses(sandbox_api, address, details):
    body = _order(shipping_address=address)
    if address is None:
        del body["shipping_address"]

    error = _error(sandbox_api, body)

    assert error["code"] == "invalid_request"
    assert error["details"] == details


@pytest.mark.parametrize("state", ["DC", "PR", "GU", "VI", "AS", "MP", "AK", "HI", "WY"])
def test_it_accepts_dc_and_territories(sandbox_api, state):
    assert _post(sandbox_api, _order(shipping_address=_address(state=state))).status_code == 201


def test_it_accepts_zip_plus_four_and_the_optional_fields(sandbox_api):
    address = _address(zip="97201-1234", line2="Dock 4", name="Receiving")

    response = _post(sandbox_api, _order(shipping_address=address, reference="PO-2026-0042"))

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["shipping_address"] == {
        "name": "Receiving",
        "line1": "123 Commerce Way",
        "line2": "Dock 4",
        "city": "Portland",
        "state": "OR",
        "zip": "97201-1234",
    }
    assert data["reference"] == "PO-2026-0042"


@pytest.mark.parametrize("currency", ["EUR", "usd", "CAD"])
def test_it_rejects_other_currencies_with_the_narrow_code(sandbox_api, currency):
    error = _error(sandbox_api, _order(currency=currency))

    assert error["code"] == "unsupported_currency"
    assert list(error["details"]) == ["currency"]


def test_it_requires_a_currency(sandbox_api):
    body = _order()
    del body["currency"]

    error = _error(sandbox_api, body)

    assert error["code"] == "invalid_request"
    assert error["details"] == {"currency": ["This field is required."]}


@pytest.mark.parametrize("reference", ["x" * 65, "", 42])
def test_it_rejects_a_bad_reference(sandbox_api, reference):
    error = _error(sandbox_api, _order(reference=reference))

    assert error["details"] == {"reference": ["Must be a string of 1 to 64 characters."]}


def test_a_reference_of_64_characters_is_fine(sandbox_api):
    assert _post(sandbox_api, _order(reference="R" * 64)).status_code == 201


def test_it_reports_every_problem_at_once_under_invalid_request(sandbox_api):
    sandbox_api.set_stock("CS-DOME-LID", 2000)
    body = {
        "items": [
            {"sku": "CS-8OZ-ECO", "qty": 1500},
            {"sku": "CS-NOPE", "qty": 1000},
            {"sku": "CS-DOME-LID", "qty": 5000},
        ],
        "shipping_address": _address(zip="ABCDE"),
        "currency": "EUR",
        "reference": "y" * 80,
    }

    error = _error(sandbox_api, body)

    assert error["code"] == "invalid_request"
    assert error["message"] == "The order has 6 problems; see error.details."
    assert error["details"] == {
        "currency": ["Unsupported currency 'EUR'; only USD."],
        "items[0].qty": ["Must be a multiple of the case pack (1000 units)."],
        "items[1].sku": ["Unknown SKU 'CS-NOPE'."],
        "items[2].qty": ["Insufficient stock: 2000 units of CS-DOME-LID available."],
        "reference": ["Must be a string of 1 to 64 characters."],
        "shipping_address.zip": ["Must be a US ZIP code: 12345 or 12345-6789."],
    }


def test_several_problems_of_one_kind_keep_the_narrow_code(sandbox_api):
    items = [{"sku": "CS-NOPE-1", "qty": 1000}, {"sku": "CS-NOPE-2", "qty": 1000}]

    error = _error(sandbox_api, _order(items=items))

    assert error["code"] == "unknown_sku"
    assert set(error["details"]) == {"items[0].sku", "items[1].sku"}


def test_details_are_in_reading_order(sandbox_api):
    items = [{"sku": f"CS-NOPE-{i}", "qty": 1000} for i in range(12)]

    details = _error(sandbox_api, _order(items=items))["details"]

    assert list(details) == [f"items[{i}].sku" for i in range(12)]


def test_unknown_top_level_fields_are_ignored(sandbox_api):
    assert _post(sandbox_api, _order(note="leave at the back door")).status_code == 201
