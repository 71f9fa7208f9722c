"""The async client behaves like the sync one on the main paths (each test runs its own loop)."""

import asyncio
import json
from decimal import Decimal

import httpx
import pytest

from cupsource import (
    OUTCOME_REJECTED,
    OUTCOME_UNKNOWN,
    APITimeoutError,
    BillingUnverifiedError,
    CupSourceError,
    MalformedResponseError,
    NotFoundError,
    Priority,
    RateLimitError,
    SlidingWindowBudget,
)

ADDRESS = {"line1": "123 Commerce Way", "city": "Portland", "state": "OR", "zip": "97201"}


def run(client, coroutine_fn):
    """Run ``coroutine_fn()`` and close the client in the same event loop."""

    async def main():
        async with client:
            return await coroutine_fn()

    return asyncio.run(main())


def test_it_gets_a_product(make_async_client, ok, product, api_key):
    client, script = make_async_client(ok(product))

    result = run(client, lambda: client.get_product("CS-8OZ-ECO"))

    assert result.unit_price == Decimal("0.0480")
    assert script.requests[0].headers["Authorization"] == f"Bearer {api_key}"
    assert api_key not in repr(client)


def test_it_retries_get_on_503_then_succeeds(make_async_client, ok, fail, product, sleeps):
    client, script = make_async_client(fail(503, "server_error"), ok(product))

    result = run(client, lambda: client.get_product("CS-8OZ-ECO"))

    assert result.sku == "CS-8OZ-ECO"
    assert len(script.requests) == 2
    assert sleeps == [0.5]


def test_it_honours_retry_after(make_async_client, ok, fail, product, sleeps):
    limited = fail(429, "rate_limited", headers={"Retry-After": "9"})
    client, _ = make_async_client(limited, ok(product))

    run(client, lambda: client.get_product("CS-8OZ-ECO"))

    assert sleeps == [9.0]


def test_it_maps_statuses_to_the_same_errors(make_async_client, fail):
    client, _ = make_async_client(
        fail(404, "not_found"),
        fail(403, "billing_unverified"),
        fail(429, "rate_limited"),
        max_retries=0,
    )

    async def calls():
        errors = []
        for call in (
            lambda: client.get_order("ord_x"),
            lambda: client.get_tracking("ord_x"),
            lambda: client.list_orders(),
        ):
            with pytest.raises(CupSourceError) as caught:
                await call()
            errors.append(type(caught.value))
        return errors

    assert run(client, calls) == [NotFoundError, BillingUnverifiedError, RateLimitError]


def test_a_read_timeout_becomes_api_timeout_error(make_async_client):
    timeout = httpx.ReadTimeout("timed out")
    client, script = make_async_client(timeout, timeout, timeout)

    with pytest.raises(APITimeoutError):
        run(client, lambda: client.list_products())

    assert len(script.requests) == 3


def test_malformed_json_raises_malformed_response(make_async_client):
    client, _ = make_async_client(httpx.Response(200, text="nope"))

    with pytest.raises(MalformedResponseError):
        run(client, lambda: client.list_products())


def test_create_order_reuses_its_key_and_reports_unknown_after_a_timeout(make_async_client, fail):
    client, script = make_async_client(
        fail(429, "rate_limited", headers={"Retry-After": "1"}), httpx.ReadTimeout("timed out")
    )

    with pytest.raises(APITimeoutError) as caught:
        run(
            client,
            lambda: client.create_order(
                items=[{"sku": "CS-8OZ-ECO", "qty": 5000}],
                shipping_address=ADDRESS,
                idempotency_key="key-1",
            ),
        )

    assert caught.value.outcome == OUTCOME_UNKNOWN
    assert [r.headers["Idempotency-Key"] for r in script.requests] == ["key-1", "key-1"]
    assert json.loads(script.requests[0].content)["currency"] == "USD"


def test_create_order_after_a_persistent_429_is_rejected(make_async_client, fail):
    limited = fail(429, "rate_limited", headers={"Retry-After": "1"})
    client, script = make_async_client(limited, limited, limited)

    with pytest.raises(RateLimitError) as caught:
        run(
            client,
            lambda: client.create_order(
                items=[{"sku": "CS-8OZ-ECO", "qty": 5000}],
                shipping_address=ADDRESS,
                idempotency_key="key-2",
            ),
        )

    assert caught.value.outcome == OUTCOME_REJECTED
    assert len(script.requests) == 3


def test_iter_products_pages_through_everything(make_async_client, ok, product):
    def page(n, count):
        items = [{**product, "sku": f"CS-{n}-{i}"} for i in range(count)]
        return ok(items, {"page": n, "per_page": 100, "total": 230})

    client, script = make_async_client(page(1, 100), page(2, 100), page(3, 30))

    async def collect():
        return [p.sku async for p in client.iter_products(priority=Priority.BACKGROUND)]

    skus = run(client, collect)

    assert len(skus) == 230
    assert [r.url.params["page"] for r in script.requests] == ["1", "2", "3"]


def test_it_waits_for_the_budget_with_its_async_sleep(make_async_client, ok, product, sleeps):
    now = [1000.0]
    budget = SlidingWindowBudget(limit=2, window=60.0, interactive_reserve=0, clock=lambda: now[0])
    budget.reserve(Priority.INTERACTIVE)
    budget.reserve(Priority.INTERACTIVE)

    async def advancing_sleep(delay):
        sleeps.append(delay)
        now[0] += delay

    client, script = make_async_client(ok(product), budget=budget, sleep=advancing_sleep)

    run(client, lambda: client.get_product("CS-8OZ-ECO"))

    assert sleeps == [pytest.approx(61.0)]  # window + the default 1 s safety margin
    assert len(script.requests) == 1


def test_it_reports_every_attempt_to_on_result(make_async_client, ok, product):
    results = []
    client, _ = make_async_client(httpx.ReadTimeout("slow"), ok(product), on_result=results.append)

    run(client, lambda: client.get_product("CS-8OZ-ECO"))

    assert results == ["ReadTimeout", 200]
