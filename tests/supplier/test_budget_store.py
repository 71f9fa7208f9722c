"""CacheBudgetStore: the API request budget kept in Django's cache, shared by every process.

Each test runs on both configured caches: "default" (locmem without CACHE_URL, else Redis) and
"shared" (a database table without CACHE_URL, else Redis).
"""

import threading
import time

import httpx
import pytest
from django.core.cache import caches
from django.db import connections

from cupsource.budget import Priority, SlidingWindowBudget
from cupsource.errors import RateLimitError
from supplier import budget_store
from supplier.budget_store import BudgetLockTimeout, CacheBudgetStore
from supplier.client import get_budget, get_client

ALIASES = ["default", "shared"]
START = 1_750_000_000.0


@pytest.fixture(params=ALIASES)
def cache(request, db):
    """One of the configured caches. Tests with threads also ask for transactional_db: each
    thread has its own database connection, which must see the cache table's rows."""
    return caches[request.param]


def in_threads(count: int, target) -> list:
    """Run `target(index)` in `count` threads started together; return what each raised."""
    errors: list = []
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            target(index)
        except Exception as exc:  # reported to the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def increment(state):
    count = (state or {}).get("count", 0)
    time.sleep(0)  # let another thread run between the read and the write
    return {"count": count + 1}, count + 1


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


def test_concurrent_updates_are_atomic(cache, transactional_db):
    threads, updates = 4, 50
    seen: list[int] = []

    def work(_index: int) -> None:
        store = CacheBudgetStore(cache, key="test:counter")  # one store per "process"
        for _ in range(updates):
            seen.append(store.update(increment))

    assert in_threads(threads, work) == []
    assert cache.get("test:counter") == {"count": threads * updates}
    assert sorted(seen) == list(range(1, threads * updates + 1))  # no two saw the same count
    assert cache.get("test:counter:lock") is None


def test_an_update_returns_the_result_and_saves_the_state(cache):
    store = CacheBudgetStore(cache, key="test:state")

    assert store.update(lambda state: ({"seen": state}, "result")) == "result"
    assert store.update(lambda state: (state, state)) == {"seen": None}


def test_a_lock_left_by_a_dead_holder_expires(cache, monkeypatch):
    store = CacheBudgetStore(cache, key="test:counter")
    assert cache.add(store.lock_key, "holder-that-died", 1)

    monkeypatch.setattr(budget_store, "LOCK_WAIT", 0.2)
    with pytest.raises(BudgetLockTimeout):
        store.update(increment)
    assert cache.get("test:counter") is None  # nothing ran while the lock was held

    monkeypatch.setattr(budget_store, "LOCK_WAIT", 5.0)
    started = time.monotonic()
    assert store.update(increment) == 1
    assert time.monotonic() - started < 3.0
    assert cache.get(store.lock_key) is None


def test_an_update_that_fails_releases_the_lock(cache):
    store = CacheBudgetStore(cache, key="test:counter")

    def broken(state):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.update(broken)

    assert cache.get(store.lock_key) is None
    assert store.update(increment) == 1


def test_two_budgets_sharing_the_store_never_exceed_the_limit(cache):
    clock = FakeClock()

    def budget() -> SlidingWindowBudget:
        store = CacheBudgetStore(cache, key="test:budget")
        return SlidingWindowBudget(limit=5, interactive_reserve=0, store=store, clock=clock)

    first, second = budget(), budget()
    granted = [b.reserve(Priority.INTERACTIVE) == 0.0 for b in [first, second] * 5]

    assert granted == [True] * 5 + [False] * 5
    assert second.reserve() == pytest.approx(61.0)  # the first slot frees after window + margin

    clock.now += 61.5
    assert first.reserve() == 0.0
    assert second.reserve() == 0.0


def test_concurrent_budgets_on_the_store_grant_exactly_the_limit(cache, transactional_db):
    clock = FakeClock()
    grants: list[float] = []

    def work(_index: int) -> None:
        store = CacheBudgetStore(cache, key="test:budget")
        budget = SlidingWindowBudget(limit=7, interactive_reserve=0, store=store, clock=clock)
        for _ in range(5):
            if budget.reserve() == 0.0:
                grants.append(clock())

    assert in_threads(4, work) == []
    assert len(grants) == 7


def test_get_client_shares_one_budget_across_clients(settings, db):
    settings.CUPSOURCE_RATE_LIMIT = 3
    sent: list[httpx.Request] = []
    sleeps: list[float] = []

    def server(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        meta = {"page": 1, "per_page": 20, "total": 0}
        return httpx.Response(200, json={"success": True, "data": [], "meta": meta})

    options = {"transport": httpx.MockTransport(server), "max_retries": 0}
    with get_client(**options) as first, get_client(**options, sleep=sleeps.append) as second:
        for _ in range(3):
            first.list_products()
        with pytest.raises(RateLimitError) as caught:
            second.list_products()

    assert len(sent) == 3  # the second client sent nothing: the shared window was full
    assert caught.value.code == "budget_exhausted"
    assert caught.value.status is None
    assert sleeps and 55 < sleeps[0] <= 61  # it was told to wait for the oldest slot to free


def test_a_small_rate_limit_still_gives_background_work_a_slot(settings, db):
    settings.CUPSOURCE_RATE_LIMIT = 5  # below the default interactive reserve of 20

    budget = get_budget()

    assert budget.limit == 5
    assert budget.reserve(Priority.BACKGROUND) == 0.0
    get_client().close()  # building a client with this budget works too


def test_a_budget_lock_that_never_comes_free_queues_the_order(
    buyer_client, cart_with_cup, address, monkeypatch, no_api
):
    """The shared budget's lock is held by a process that died a moment ago: placing an order
    neither answers 500 nor leaves it "submitting" — it is queued (nothing was sent), and the
    buyer is told why."""
    from django.core.cache import caches
    from django.urls import reverse

    from orders_app.models import Order

    monkeypatch.setattr(budget_store, "LOCK_WAIT", 0.1)
    caches["shared"].set("cupsource:budget:lock", "a holder that died", 60)

    response = buyer_client.post(reverse("orders:checkout"), {"address": address.pk})

    order = Order.objects.get()
    assert response.status_code == 302
    assert order.state == Order.State.QUEUED
    assert "nothing was sent" in order.problem
    assert no_api == []
