"""The request budget: an exact sliding window shared by clients, a reserve for interactive
requests, and the server's X-RateLimit-* headers taken into account. Time is a fake clock."""

import json
import random
from bisect import bisect_left, bisect_right

import httpx
import pytest

from cupsource import (
    OUTCOME_REJECTED,
    CupSourceClient,
    MemoryBudgetStore,
    Priority,
    RateLimitError,
    SlidingWindowBudget,
)

INTERACTIVE, BACKGROUND = Priority.INTERACTIVE, Priority.BACKGROUND
START = 1_800_000_000.0


class FakeClock:
    """Wall-clock stand-in: ``sleep`` advances ``now`` instead of blocking."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class JsonStore:
    """A store that keeps the state as a JSON string, as a shared cache would, and counts I/O."""

    def __init__(self) -> None:
        self.saved: str | None = None
        self.reads = self.writes = 0

    def update(self, fn):
        self.reads += 1
        state, result = fn(None if self.saved is None else json.loads(self.saved))
        self.saved = json.dumps(state)  # fails on anything that is not plain JSON
        self.writes += 1
        return result


def max_in_any_window(times: list[float], window: float = 60.0) -> int:
    """The most timestamps found in any closed interval ``[t, t + window]``."""
    times = sorted(times)
    return max(bisect_right(times, t + window) - bisect_left(times, t) for t in times)


def ok_server(clock: FakeClock, product: dict, sent: list[float], headers=None):
    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        body = {"success": True, "data": product, "meta": {}}
        return httpx.Response(200, json=body, headers=headers)

    return handle


def client_for(budget, clock: FakeClock, handler, **kwargs) -> CupSourceClient:
    return CupSourceClient(
        "http://cupsource.test/v1",
        "cs_test_key",
        transport=httpx.MockTransport(handler),
        budget=budget,
        sleep=clock.sleep,
        **kwargs,
    )


def test_two_clients_sharing_a_budget_never_exceed_120_requests_in_any_minute(product):
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=120, window=60.0, store=MemoryBudgetStore(), clock=clock)
    sent: list[float] = []
    first = client_for(budget, clock, ok_server(clock, product, sent), budget_max_wait=120)
    second = client_for(budget, clock, ok_server(clock, product, sent), budget_max_wait=120)

    for n in range(300):
        (first if n % 2 else second).get_product("CS-8OZ-ECO")

    assert len(sent) == 300
    assert max_in_any_window(sent) == 120
    # ...and it does not crawl either: 300 requests fit in 3 windows (+ safety margins).
    assert sent[-1] - sent[0] == pytest.approx(122.0)


def test_a_plain_limit_per_minute_would_have_been_exceeded_without_the_budget(product):
    """The control for the test above: the same run with no budget bursts all 300 at once."""
    clock = FakeClock()
    sent: list[float] = []
    client = client_for(None, clock, ok_server(clock, product, sent))

    for _ in range(300):
        client.get_product("CS-8OZ-ECO")

    assert max_in_any_window(sent) == 300


def test_random_arrivals_never_overfill_a_window_and_background_keeps_the_reserve():
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=120, window=60.0, interactive_reserve=20, clock=clock)
    rng = random.Random(7)
    granted: list[tuple[float, Priority]] = []

    for _ in range(3000):
        clock.now += rng.expovariate(4.0)  # ~4 attempts/s, twice the limit
        priority = rng.choice([INTERACTIVE, BACKGROUND, BACKGROUND])
        if budget.reserve(priority) == 0.0:
            granted.append((clock.now, priority))

    times = [t for t, _ in granted]
    assert max_in_any_window(times) <= 120
    for t, priority in granted:
        if priority is BACKGROUND:
            # including itself, at most limit - reserve in the 61 s it stays counted
            assert bisect_right(times, t) - bisect_left(times, t - 61.0 + 1e-9) <= 100
    assert len(granted) > 0.8 * 120 * (clock.now - START) / 61.0  # it still uses the budget


def test_background_is_blocked_when_only_the_interactive_reserve_remains():
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=120, interactive_reserve=20, clock=clock)

    assert [budget.reserve(BACKGROUND) for _ in range(100)] == [0.0] * 100
    clock.now += 10.0

    assert budget.reserve(BACKGROUND) == pytest.approx(51.0)  # first slot frees at START + 61
    assert [budget.reserve(INTERACTIVE) for _ in range(20)] == [0.0] * 20
    assert budget.reserve(INTERACTIVE) == pytest.approx(51.0)


def test_interactive_requests_get_through_while_background_ones_wait(product):
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=10, interactive_reserve=3, clock=clock)
    sent: list[float] = []
    client = client_for(budget, clock, ok_server(clock, product, sent), budget_max_wait=1.0)
    for _ in range(7):
        client.get_product("CS-8OZ-ECO", priority=BACKGROUND)

    with pytest.raises(RateLimitError) as caught:
        client.get_product("CS-8OZ-ECO", priority=BACKGROUND)
    for _ in range(3):
        client.get_product("CS-8OZ-ECO", priority=INTERACTIVE)

    assert caught.value.code == "budget_exhausted"
    assert caught.value.status is None
    assert caught.value.retry_after == pytest.approx(61.0)
    assert len(sent) == 10  # the refused background request was never sent
    assert clock.slept == []  # it gave up at once: the wait was longer than budget_max_wait


def test_remaining_zero_from_the_server_delays_the_next_request_by_its_reset(product):
    clock = FakeClock()
    budget = SlidingWindowBudget(clock=clock)
    sent: list[float] = []
    headers = {"X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}
    client = client_for(budget, clock, ok_server(clock, product, sent, headers))

    client.get_product("CS-8OZ-ECO")
    client.get_product("CS-8OZ-ECO")

    assert sent[1] - sent[0] == pytest.approx(30.0)
    assert sum(clock.slept) == pytest.approx(30.0)


def test_it_trusts_the_server_when_it_reports_fewer_remaining_than_counted_locally():
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=120, interactive_reserve=0, clock=clock)
    for _ in range(10):
        budget.reserve(INTERACTIVE)

    budget.observe(limit=120, remaining=5, reset=20)  # someone else used 105 slots

    assert [budget.reserve(INTERACTIVE) for _ in range(5)] == [0.0] * 5
    assert budget.reserve(INTERACTIVE) == pytest.approx(20.0)  # the server's oldest expires
    clock.now += 20.0
    assert budget.reserve(INTERACTIVE) == 0.0
    assert budget.reserve(INTERACTIVE) > 0.0


def test_it_ignores_a_server_that_reports_more_remaining_than_counted_locally():
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=5, interactive_reserve=0, clock=clock)
    for _ in range(5):
        budget.reserve(INTERACTIVE)

    budget.observe(limit=5, remaining=4, reset=1)  # stale: sent before our later requests

    assert budget.reserve(INTERACTIVE) == pytest.approx(61.0)


def test_it_uses_a_lower_limit_announced_by_the_server():
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=120, interactive_reserve=0, clock=clock)

    budget.observe(limit=10, remaining=10, reset=0)

    assert [budget.reserve(INTERACTIVE) for _ in range(10)] == [0.0] * 10
    assert budget.reserve(INTERACTIVE) > 0.0


def test_a_429_without_rate_limit_headers_pauses_the_shared_budget(fail, product):
    clock = FakeClock()
    budget = SlidingWindowBudget(clock=clock)
    sent: list[float] = []
    responses = iter(
        [fail(429, "rate_limited", headers={"Retry-After": "12"}), None, None],
    )

    def handle(request):
        sent.append(clock.now)
        response = next(responses)
        return response or httpx.Response(200, json={"success": True, "data": product})

    one = client_for(budget, clock, handle, max_retries=0)
    other = client_for(budget, clock, handle)

    with pytest.raises(RateLimitError):
        one.get_product("CS-8OZ-ECO")
    other.get_product("CS-8OZ-ECO")

    assert sent[1] - sent[0] == pytest.approx(12.0)


def test_every_attempt_asks_the_budget_and_every_response_is_reported(fail, ok, product):
    class RecordingBudget:
        def __init__(self):
            self.calls = []

        def reserve(self, priority):
            self.calls.append(("reserve", priority))
            return 0.0

        def observe(self, *, limit, remaining, reset):
            self.calls.append(("observe", limit, remaining, reset))

    budget = RecordingBudget()
    headers = {"X-RateLimit-Limit": "120", "X-RateLimit-Remaining": "99", "X-RateLimit-Reset": "2"}
    responses = iter([fail(503, "server_error", headers=headers), ok(product, headers=headers)])
    client = client_for(budget, FakeClock(), lambda request: next(responses), rng=lambda: 0.0)

    client.get_product("CS-8OZ-ECO", priority=BACKGROUND)

    assert budget.calls == [
        ("reserve", BACKGROUND),
        ("observe", 120, 99, 2.0),
        ("reserve", BACKGROUND),
        ("observe", 120, 99, 2.0),
    ]


def test_create_order_over_budget_is_rejected_without_sending():
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=1, interactive_reserve=0, clock=clock)
    budget.reserve(INTERACTIVE)
    sent = []
    client = client_for(budget, clock, lambda r: sent.append(r), budget_max_wait=30.0)

    with pytest.raises(RateLimitError) as caught:
        client.create_order(
            items=[{"sku": "CS-8OZ-ECO", "qty": 5000}],
            shipping_address={"line1": "1 Way", "city": "Portland", "state": "OR", "zip": "97201"},
            idempotency_key="k1",
        )

    assert caught.value.outcome == OUTCOME_REJECTED
    assert sent == []


def test_the_client_sleeps_and_asks_again_until_a_slot_frees(product):
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=1, interactive_reserve=0, safety_margin=0.5, clock=clock)
    sent: list[float] = []
    client = client_for(budget, clock, ok_server(clock, product, sent))

    client.get_product("CS-8OZ-ECO")
    clock.now += 20.0
    client.get_product("CS-8OZ-ECO")

    assert clock.slept == [pytest.approx(40.5)]
    assert sent[1] - sent[0] == pytest.approx(60.5)


def test_the_state_is_plain_json_with_one_read_and_one_write_per_call():
    clock = FakeClock()
    store = JsonStore()
    budget = SlidingWindowBudget(limit=3, interactive_reserve=1, store=store, clock=clock)

    results = [budget.reserve(BACKGROUND) for _ in range(3)]
    budget.observe(limit=3, remaining=0, reset=5)

    assert results[:2] == [0.0, 0.0]
    assert results[2] > 0
    assert (store.reads, store.writes) == (4, 4)
    state = json.loads(store.saved)
    assert set(state) == {"log", "blocked_until", "server_limit"}
    assert state["log"] == sorted(state["log"])
    assert state["blocked_until"] == START + 5


def test_expired_reservations_are_dropped_from_the_state():
    clock = FakeClock()
    store = JsonStore()
    budget = SlidingWindowBudget(store=store, clock=clock)
    for _ in range(50):
        budget.reserve(INTERACTIVE)

    clock.now += 62.0
    budget.reserve(INTERACTIVE)

    assert json.loads(store.saved)["log"] == [START + 62.0]


def test_a_store_without_state_starts_an_empty_budget():
    calls = []

    class EmptyStore:
        def update(self, fn):
            state, result = fn(None)
            calls.append(state)
            return result

    budget = SlidingWindowBudget(store=EmptyStore(), clock=lambda: START)

    assert budget.reserve(BACKGROUND) == 0.0
    assert calls[0]["log"] == [START]


@pytest.mark.parametrize(
    "kwargs", [{"limit": 0}, {"interactive_reserve": 120}, {"interactive_reserve": -1}]
)
def test_it_refuses_a_nonsensical_configuration(kwargs):
    with pytest.raises(ValueError):
        SlidingWindowBudget(**kwargs)


def test_usage_counts_the_window_and_the_block_without_changing_them():
    clock = FakeClock()
    budget = SlidingWindowBudget(limit=10, interactive_reserve=2, clock=clock)
    assert budget.usage() == (0, 10, 0.0)
    for _ in range(3):
        budget.reserve(BACKGROUND)
    budget.observe(limit=10, remaining=0, reset=30)  # a 429: the server counted them all

    used, limit, blocked_for = budget.usage()

    assert (used, limit, blocked_for) == (10, 10, 30.0)
    assert budget.usage() == (10, 10, 30.0)  # reading twice changes nothing
    clock.now += 61.5  # one window (and the safety margin) later everything has expired
    assert budget.usage() == (0, 10, 0.0)
