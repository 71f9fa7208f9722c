"""Envelopes are unwrapped and bodies parsed strictly into frozen models."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import httpx
import pydantic
import pytest

from cupsource import MalformedResponseError, Order, Page, Product, Tracking


def test_it_unwraps_a_single_product(make_client, ok, product):
    client, script = make_client(ok(product))

    result = client.get_product("CS-8OZ-ECO")

    assert isinstance(result, Product)
    assert result.sku == "CS-8OZ-ECO"
    assert result.capacity_oz == 8
    assert result.compatible_lids == ["CS-DOME-LID"]
    assert result.updated_at == datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    assert script.requests[0].url.path == "/v1/products/CS-8OZ-ECO"


def test_it_keeps_money_as_exact_decimals(make_client, ok, product):
    client, _ = make_client(ok({**product, "unit_price": "0.0480"}))

    price = client.get_product("CS-8OZ-ECO").unit_price

    assert type(price) is Decimal
    assert str(price) == "0.0480"  # the trailing zero survives: no float on the way


def test_it_keeps_the_list_meta(make_client, ok, product):
    client, _ = make_client(ok([product], {"page": 2, "per_page": 1, "total": 142}))

    page = client.list_products(page=2, per_page=1)

    assert isinstance(page, Page)
    assert [p.sku for p in page.items] == ["CS-8OZ-ECO"]
    assert (page.meta.page, page.meta.per_page, page.meta.total) == (2, 1, 142)
    assert page.has_next is True


def test_the_last_page_has_no_next(make_client, ok, product):
    client, _ = make_client(ok([product], {"page": 3, "per_page": 20, "total": 41}))

    assert client.list_products(page=3).has_next is False


def test_lids_have_no_capacity(make_client, ok, product):
    lid = {**product, "sku": "CS-DOME-LID", "category": "lids", "capacity_oz": None}
    client, _ = make_client(ok({**lid, "compatible_lids": []}))

    assert client.get_product("CS-DOME-LID").capacity_oz is None


def test_it_ignores_unknown_fields(make_client, ok, product):
    client, _ = make_client(ok({**product, "carbon_grams": 3, "new": {"nested": True}}))

    assert client.get_product("CS-8OZ-ECO").sku == "CS-8OZ-ECO"


def test_it_parses_an_order(make_client, ok, order):
    client, _ = make_client(ok(order))

    result = client.get_order("ord_123")

    assert isinstance(result, Order)
    assert result.items[0].line_total == Decimal("240.0000")
    assert result.total == Decimal("265.0000")
    assert result.shipping_address.line2 is None
    assert result.created_at.utcoffset() == timedelta(0)


def test_it_parses_tracking_with_dates_and_aware_timestamps(make_client, ok, tracking):
    client, script = make_client(ok(tracking))

    result = client.get_tracking("ord_123")

    assert isinstance(result, Tracking)
    assert result.estimated_delivery == date(2026, 11, 6)
    assert result.signature_required is True
    assert [e.status for e in result.events] == ["label_created", "in_transit"]
    assert result.events[1].at == datetime(2026, 11, 4, 10, tzinfo=timezone(timedelta(hours=-5)))
    assert result.events[0].location is None
    assert script.requests[0].url.path == "/v1/orders/ord_123/tracking"


def test_models_are_frozen(make_client, ok, product):
    client, _ = make_client(ok(product))
    result = client.get_product("CS-8OZ-ECO")

    with pytest.raises(pydantic.ValidationError):
        result.stock = 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"unit_price": 0.048}, "unit_price"),  # a JSON number, not the contract's string
        ({"unit_price": "cheap"}, "unit_price"),
        ({"stock": "120000"}, "stock"),  # strict: no str → int coercion
        ({"stock": 1.5}, "stock"),
        ({"category": "mugs"}, "category"),
        ({"material": "glass"}, "material"),
        ({"updated_at": "2026-11-01T12:00:00"}, "updated_at"),  # naive timestamp
        ({"compatible_lids": "CS-DOME-LID"}, "compatible_lids"),
    ],
)
def test_schema_violations_raise_malformed_response(make_client, ok, product, change, problem):
    client, _ = make_client(ok({**product, **change}))

    with pytest.raises(MalformedResponseError) as caught:
        client.get_product("CS-8OZ-ECO")

    assert caught.value.status == 200
    assert problem in caught.value.message
    assert isinstance(caught.value.__cause__, pydantic.ValidationError)


def test_a_missing_field_raises_malformed_response(make_client, ok, product):
    del product["sku"]
    client, _ = make_client(ok(product))

    with pytest.raises(MalformedResponseError) as caught:
        client.get_product("CS-8OZ-ECO")

    assert "data.sku: Field required" in caught.value.message


def test_a_bad_order_status_raises_malformed_response(make_client, ok, order):
    client, _ = make_client(ok({**order, "status": "lost"}))

    with pytest.raises(MalformedResponseError) as caught:
        client.get_order("ord_123")

    assert "status" in caught.value.message


def test_a_bad_tracking_status_raises_malformed_response(make_client, ok, tracking):
    client, _ = make_client(ok({**tracking, "status": "teleported"}))

    with pytest.raises(MalformedResponseError):
        client.get_tracking("ord_123")


@pytest.mark.parametrize(
    "body",
    [
        b"<html>Service page</html>",
        b"",
        b'{"success": true, "data": {"sku": "X"',  # truncated
        b'[{"sku": "CS-8OZ-ECO"}]',  # bare data without the envelope
        b'{"data": [], "meta": {"page": 1, "per_page": 20, "total": 0}}',  # no success flag
        b'{"success": false, "data": [], "meta": {"page": 1, "per_page": 20, "total": 0}}',
        b'{"success": true, "data": [], "meta": {}}',  # a list without pagination meta
        b'{"success": true, "data": {}, "meta": {"page": 1, "per_page": 20, "total": 0}}',
    ],
)
def test_a_body_that_is_not_the_list_envelope_raises_malformed_response(make_client, body):
    client, _ = make_client(httpx.Response(200, content=body))

    with pytest.raises(MalformedResponseError) as caught:
        client.list_products()

    assert caught.value.status == 200
    assert caught.value.code == "malformed_response"


def test_a_single_resource_without_meta_is_accepted(make_client, product):
    client, _ = make_client(httpx.Response(200, json={"success": True, "data": product}))

    assert client.get_product("CS-8OZ-ECO").sku == "CS-8OZ-ECO"
