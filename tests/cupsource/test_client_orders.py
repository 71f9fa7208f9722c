"""POST /orders: the body, the Idempotency-Key on every attempt, what is retried and the
``outcome`` of every failure."""

import json

import httpx
import pytest

from cupsource import (
    OUTCOME_REJECTED,
    OUTCOME_UNKNOWN,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    BillingUnverifiedError,
    ConflictError,
    CupSourceError,
    MalformedResponseError,
    OrderItemIn,
    RateLimitError,
    ServerError,
    ShippingAddress,
)

ADDRESS = {"line1": "123 Commerce Way", "city": "Portland", "state": "OR", "zip": "97201"}
ITEMS = [{"sku": "CS-8OZ-ECO", "qty": 5000}, {"sku": "CS-DOME-LID", "qty": 5000}]
KEY = "order-7f3c2a"


def place(client, **overrides):
    options = {"items": ITEMS, "shipping_address": ADDRESS, "idempotency_key": KEY}
    return client.create_order(**{**options, **overrides})


def test_it_posts_the_portal_body_and_returns_the_order(make_client, ok, order):
    client, script = make_client(ok(order, status=201))

    result = place(client)

    request = script.requests[0]
    assert request.method == "POST"
    assert request.url.path == "/v1/orders"
    assert request.headers["Idempotency-Key"] == KEY
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "items": ITEMS,
        "shipping_address": ADDRESS,  # no line2/name keys: only sent when set
        "currency": "USD",
    }
    assert result.id == "ord_123"


def test_it_sends_optional_fields_only_when_set(make_client, ok, order):
    client, script = make_client(ok(order, status=201))
    address = ShippingAddress(**ADDRESS, line2="Suite 4", name="Receiving")

    place(
        client,
        items=[OrderItemIn(sku="CS-8OZ-ECO", qty=5000)],
        shipping_address=address,
        reference="PO-1",
    )

    body = json.loads(script.requests[0].content)
    assert body["reference"] == "PO-1"
    assert body["shipping_address"] == {**ADDRESS, "line2": "Suite 4", "name": "Receiving"}
    assert body["items"] == [{"sku": "CS-8OZ-ECO", "qty": 5000}]


def test_it_refuses_invalid_input_without_sending(make_client):
    client, script = make_client()

    with pytest.raises(BadRequestError) as caught:
        place(
            client,
            items=[{"sku": "CS-8OZ-ECO", "qty": 5000}, {"sku": "CS-DOME-LID", "qty": 0}],
            shipping_address={"line1": "1 Way", "city": "Portland", "state": "OR"},
        )

    err = caught.value
    assert err.status is None
    assert err.code == "invalid_input"
    assert err.outcome == OUTCOME_REJECTED
    assert set(err.details) == {"items[1].qty", "shipping_address.zip"}
    assert script.requests == []


@pytest.mark.parametrize("key", ["", "k" * 256, "clé-1", "line\nbreak"])
def test_it_refuses_an_idempotency_key_that_cannot_be_a_header(make_client, key):
    client, script = make_client()

    with pytest.raises(BadRequestError) as caught:
        place(client, idempotency_key=key)

    assert "idempotency_key" in caught.value.details
    assert script.requests == []


def test_the_idempotency_key_is_identical_on_every_attempt(make_client, ok, fail, order, sleeps):
    limited = fail(429, "rate_limited", headers={"Retry-After": "1"})
    client, script = make_client(
        limited, httpx.ConnectError("refused"), ok(order, status=201), max_retries=2
    )

    place(client)

    assert len(script.requests) == 3
    assert [r.headers["Idempotency-Key"] for r in script.requests] == [KEY, KEY, KEY]
    assert len({r.content for r in script.requests}) == 1  # the same body too


def test_it_retries_on_429_and_reports_rejected_when_it_persists(make_client, fail):
    limited = fail(429, "rate_limited", headers={"Retry-After": "1"})
    client, script = make_client(limited, limited, limited)

    with pytest.raises(RateLimitError) as caught:
        place(client)

    assert caught.value.outcome == OUTCOME_REJECTED
    assert len(script.requests) == 3


def test_it_retries_a_connect_error_and_reports_rejected_when_it_persists(make_client):
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    client, script = make_client(refused, refused, refused)

    with pytest.raises(APIConnectionError) as caught:
        place(client)

    assert type(caught.value) is APIConnectionError
    assert caught.value.outcome == OUTCOME_REJECTED
    assert len(script.requests) == 3


def test_a_connect_timeout_is_retried_because_nothing_was_sent(make_client, ok, order):
    client, script = make_client(httpx.ConnectTimeout("timed out"), ok(order, status=201))

    assert place(client).id == "ord_123"
    assert len(script.requests) == 2


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ReadTimeout("timed out"), APITimeoutError),
        (httpx.WriteTimeout("timed out"), APITimeoutError),
        (httpx.ReadError("Connection reset by peer"), APIConnectionError),
        (httpx.RemoteProtocolError("Server disconnected without response"), APIConnectionError),
    ],
)
def test_a_failure_after_sending_is_not_retried_and_its_outcome_is_unknown(
    make_client, exc, cls, sleeps
):
    client, script = make_client(exc, max_retries=5)

    with pytest.raises(cls) as caught:
        place(client)

    assert caught.value.outcome == OUTCOME_UNKNOWN
    assert len(script.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_is_not_retried_and_its_outcome_is_unknown(make_client, fail, status):
    client, script = make_client(fail(status, "server_error"), max_retries=5)

    with pytest.raises(ServerError) as caught:
        place(client)

    assert caught.value.outcome == OUTCOME_UNKNOWN
    assert len(script.requests) == 1


def test_a_malformed_success_body_means_the_order_may_exist(make_client):
    client, script = make_client(httpx.Response(201, text="<html>created</html>"), max_retries=5)

    with pytest.raises(MalformedResponseError) as caught:
        place(client)

    assert caught.value.status == 201
    assert caught.value.outcome == OUTCOME_UNKNOWN
    assert len(script.requests) == 1


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, "insufficient_stock", BadRequestError),
        (401, "unauthorized", APIStatusError),
        (403, "billing_unverified", BillingUnverifiedError),
        (404, "not_found", APIStatusError),
        (409, "idempotency_conflict", ConflictError),
        (422, "unprocessable", APIStatusError),
    ],
)
def test_a_4xx_means_the_order_was_rejected(make_client, fail, status, code, cls):
    client, script = make_client(fail(status, code), max_retries=5)

    with pytest.raises(cls) as caught:
        place(client)

    assert caught.value.outcome == OUTCOME_REJECTED
    assert len(script.requests) == 1


def test_get_errors_carry_no_outcome(make_client, fail):
    client, _ = make_client(fail(500, "server_error"), max_retries=0)

    with pytest.raises(CupSourceError) as caught:
        client.get_order("ord_1")

    assert caught.value.outcome is None


def test_the_outcome_appears_in_the_error_text(make_client):
    client, _ = make_client(httpx.ReadTimeout("timed out"))

    with pytest.raises(APITimeoutError) as caught:
        place(client)

    assert "order outcome unknown" in str(caught.value)


def test_list_orders_filters_by_reference(make_client, ok, order):
    client, script = make_client(ok([order], {"page": 1, "per_page": 20, "total": 1}))

    page = client.list_orders(reference="PO-1")

    assert script.requests[0].url.params["reference"] == "PO-1"
    assert "page" in script.requests[0].url.params
    assert "per_page" not in script.requests[0].url.params
    assert page.items[0].reference == "PO-1"
