"""A budget store that fails (a lock that never comes free, a cache that is down) and a caller's
hook that raises: whatever breaks inside the client's call path leaves it as a CupSourceError
with an outcome — or, once the API has answered, not at all."""

import asyncio

import pytest

from cupsource import (
    OUTCOME_REJECTED,
    BudgetUnavailableError,
    CupSourceError,
    Priority,
    SlidingWindowBudget,
)

ADDRESS = {"line1": "123 Commerce Way", "city": "Portland", "state": "OR", "zip": "97201"}
ITEMS = [{"sku": "CS-8OZ-ECO", "qty": 5000}]


class LockTimeout(RuntimeError):
    """Stands in for supplier.budget_store.BudgetLockTimeout (cupsource knows no Django)."""


class BrokenStore:
    """A BudgetStore whose every update fails, as a shared cache does when it is down."""

    def __init__(self, exc: Exception):
        self.exc = exc

    def update(self, fn):
        raise self.exc


class FailingObserve(SlidingWindowBudget):
    """Grants every slot, but cannot record the rate-limit headers afterwards."""

    def observe(self, **kwargs):
        raise ConnectionError("cache down")


def test_a_failing_budget_fails_an_order_as_not_sent(make_client):
    budget = SlidingWindowBudget(store=BrokenStore(LockTimeout("no lock")))
    client, script = make_client(budget=budget)

    with pytest.raises(BudgetUnavailableError) as caught:
        client.create_order(items=ITEMS, shipping_address=ADDRESS, idempotency_key="k-1")

    assert isinstance(caught.value, CupSourceError)
    assert caught.value.outcome == OUTCOME_REJECTED  # nothing was sent: safe to send later
    assert caught.value.code == "budget_unavailable"
    assert "LockTimeout" in caught.value.message
    assert script.requests == []


def test_a_failing_budget_fails_a_read_as_a_cupsource_error(make_client):
    budget = SlidingWindowBudget(store=BrokenStore(ConnectionError("cache down")))
    client, script = make_client(budget=budget)

    with pytest.raises(BudgetUnavailableError) as caught:
        client.list_products(priority=Priority.BACKGROUND)

    assert caught.value.outcome is None  # a read: no order at stake
    assert script.requests == []


def test_the_async_client_fails_the_same_way(make_async_client):
    budget = SlidingWindowBudget(store=BrokenStore(LockTimeout("no lock")))

    async def run():
        client, _ = make_async_client(budget=budget)
        try:
            await client.create_order(items=ITEMS, shipping_address=ADDRESS, idempotency_key="k")
        finally:
            await client.aclose()

    with pytest.raises(BudgetUnavailableError) as caught:
        asyncio.run(run())
    assert caught.value.outcome == OUTCOME_REJECTED


def test_an_answer_is_kept_when_its_rate_limit_headers_cannot_be_recorded(
    make_client, ok, order, caplog
):
    headers = {"X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "9"}
    client, script = make_client(ok(order, status=201, headers=headers), budget=FailingObserve())

    result = client.create_order(items=ITEMS, shipping_address=ADDRESS, idempotency_key="k-2")

    assert result.id == order["id"]
    assert len(script.requests) == 1
    assert "Could not record the rate-limit headers" in caplog.text


def test_an_answer_is_kept_when_the_callers_hook_raises(make_client, ok, product, caplog):
    def hook(result):
        raise RuntimeError("the hook broke")

    client, _ = make_client(ok([product], {"page": 1, "per_page": 20, "total": 1}), on_result=hook)

    page = client.list_products()

    assert [p.sku for p in page.items] == [product["sku"]]
    assert "A hook failed for GET /products" in caplog.text
