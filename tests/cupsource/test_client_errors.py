"""Every status of the contract's error table maps to its own exception class and fields."""

import httpx
import pytest

from cupsource import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    BillingUnverifiedError,
    ConflictError,
    CupSourceError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)


def test_it_raises_bad_request_with_field_details(make_client, fail):
    details = {"items[1].qty": ["Must be a multiple of 1000."], "shipping_address.zip": ["Bad."]}
    client, _ = make_client(
        fail(400, "invalid_request", "Check the fields.", details, headers={"X-Request-Id": "r1"})
    )

    with pytest.raises(BadRequestError) as caught:
        client.list_products(category="mugs")

    err = caught.value
    assert err.status == 400
    assert err.code == "invalid_request"
    assert err.message == "Check the fields."
    assert err.details == details
    assert err.request_id == "r1"
    assert err.outcome is None


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (401, "unauthorized", AuthenticationError),
        (403, "forbidden", PermissionDeniedError),
        (403, "billing_unverified", BillingUnverifiedError),
        (404, "not_found", NotFoundError),
        (409, "idempotency_conflict", ConflictError),
    ],
)
def test_it_maps_each_client_error_status_to_its_class(make_client, fail, status, code, cls):
    client, script = make_client(fail(status, code, "Nope."))

    with pytest.raises(cls) as caught:
        client.get_product("CS-8OZ-ECO")

    assert type(caught.value) is cls
    assert (caught.value.status, caught.value.code) == (status, code)
    assert len(script.requests) == 1  # never retried


def test_billing_unverified_is_a_permission_denied_error(make_client, fail):
    client, _ = make_client(fail(403, "billing_unverified", "Verify billing first."))

    with pytest.raises(PermissionDeniedError) as caught:
        client.get_order("ord_1")

    assert isinstance(caught.value, BillingUnverifiedError)


def test_it_raises_rate_limit_error_with_retry_after(make_client, fail):
    client, _ = make_client(
        fail(429, "rate_limited", "Slow down.", headers={"Retry-After": "17"}), max_retries=0
    )

    with pytest.raises(RateLimitError) as caught:
        client.get_product("CS-8OZ-ECO")

    assert caught.value.status == 429
    assert caught.value.code == "rate_limited"
    assert caught.value.retry_after == 17.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_it_raises_server_error_for_any_5xx(make_client, fail, status):
    client, _ = make_client(fail(status, "server_error", "Oops."), max_retries=0)

    with pytest.raises(ServerError) as caught:
        client.get_product("CS-8OZ-ECO")

    assert caught.value.status == status


def test_it_raises_the_status_class_with_a_generic_message_when_the_body_is_not_an_envelope(
    make_client,
):
    html = httpx.Response(502, text="<html><h1>Bad Gateway</h1></html>")
    client, _ = make_client(html, max_retries=0)

    with pytest.raises(ServerError) as caught:
        client.list_products()

    err = caught.value
    assert err.status == 502
    assert err.code is None
    assert err.message == "GET /products failed with HTTP 502 Bad Gateway"


def test_it_raises_the_status_class_when_the_error_body_is_json_but_not_the_envelope(
    make_client,
):
    client, _ = make_client(httpx.Response(404, json={"detail": "Not found"}))

    with pytest.raises(NotFoundError) as caught:
        client.get_product("NOPE")

    assert caught.value.code is None
    assert "HTTP 404" in caught.value.message


def test_it_raises_a_generic_status_error_for_an_unknown_4xx(make_client, fail):
    client, script = make_client(fail(422, "unprocessable", "Cannot process."))

    with pytest.raises(APIStatusError) as caught:
        client.get_product("CS-8OZ-ECO")

    assert type(caught.value) is APIStatusError
    assert caught.value.status == 422
    assert len(script.requests) == 1


def test_every_error_is_a_cupsource_error(make_client, fail):
    client, _ = make_client(fail(401, "unauthorized", "Bad key."))

    with pytest.raises(CupSourceError):
        client.list_orders()


def test_str_of_an_error_is_a_sentence_with_status_code_and_request_id(make_client, fail):
    client, _ = make_client(
        fail(404, "not_found", "No such product.", headers={"X-Request-Id": "abc"})
    )

    with pytest.raises(NotFoundError) as caught:
        client.get_product("NOPE")

    assert str(caught.value) == "No such product (HTTP 404, code not_found, request id abc)."


def test_an_empty_error_message_falls_back_to_a_generic_one(make_client, fail):
    client, _ = make_client(fail(403, "forbidden", ""))

    with pytest.raises(PermissionDeniedError) as caught:
        client.get_order("ord_1")

    assert caught.value.code == "forbidden"
    assert caught.value.message == "GET /orders/ord_1 failed with HTTP 403 Forbidden"


def test_details_that_are_not_lists_are_kept_as_one_message(make_client, fail):
    client, _ = make_client(fail(400, "insufficient_stock", "Not enough.", {"items[0].qty": 3000}))

    with pytest.raises(BadRequestError) as caught:
        client.list_products()

    assert caught.value.details == {"items[0].qty": ["3000"]}
