"""Fixtures for the cupsource client tests: canned API bodies, a scripted mock transport and
clients whose sleeping and randomness are recorded/injected (no network, no real sleeps)."""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from cupsource import AsyncCupSourceClient, CupSourceClient

API_KEY = "cs_test_canary_key_must_never_leak_0123456789"
BASE_URL = "http://cupsource.test/v1"


class Script:
    """A mock transport handler that plays ``steps`` in order, one per request.

    A step is an ``httpx.Response``, an exception to raise, or a callable ``request ->
    Response``. A request beyond the script fails the test, so tests also prove how many
    requests were made.
    """

    def __init__(self, *steps: Any) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert self.steps, (
            f"unexpected request #{len(self.requests)}: {request.method} {request.url}"
        )
        step = self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return step(request)
        return step


def envelope(data: Any, meta: dict | None = None) -> dict:
    return {"success": True, "data": data, "meta": {} if meta is None else meta}


@pytest.fixture
def product() -> dict:
    return {
        "sku": "CS-8OZ-ECO",
        "name": "8 oz eco paper cup",
        "category": "cups",
        "material": "paper",
        "capacity_oz": 8,
        "unit_price": "0.0480",
        "currency": "USD",
        "case_pack": 1000,
        "min_order_qty": 5000,
        "stock": 120000,
        "lead_time_days": 3,
        "description": "Single-wall cup.",
        "compatible_lids": ["CS-DOME-LID"],
        "updated_at": "2026-11-01T12:00:00Z",
    }


@pytest.fixture
def order() -> dict:
    return {
        "id": "ord_123",
        "status": "received",
        "reference": "PO-1",
        "items": [
            {"sku": "CS-8OZ-ECO", "qty": 5000, "unit_price": "0.0480", "line_total": "240.0000"}
        ],
        "subtotal": "240.0000",
        "shipping": "25.00",
        "total": "265.0000",
        "currency": "USD",
        "shipping_address": {
            "line1": "123 Commerce Way",
            "city": "Portland",
            "state": "OR",
            "zip": "97201",
        },
        "created_at": "2026-11-02T09:30:00+00:00",
    }


@pytest.fixture
def tracking() -> dict:
    return {
        "order_id": "ord_123",
        "status": "in_transit",
        "carrier": "UPS",
        "tracking_number": "1Z999",
        "estimated_delivery": "2026-11-06",
        "signature_required": True,
        "events": [
            {
                "at": "2026-11-03T08:00:00Z",
                "status": "label_created",
                "location": None,
                "description": "Label created",
            },
            {
                "at": "2026-11-04T10:00:00-05:00",
                "status": "in_transit",
                "location": "Memphis, TN",
                "description": "Departed facility",
            },
        ],
    }


@pytest.fixture
def ok() -> Callable[..., httpx.Response]:
    """``ok(data, meta=None, status=200, headers=None)``: a success envelope response."""

    def make(data: Any, meta: dict | None = None, *, status: int = 200, headers=None):
        return httpx.Response(status, json=envelope(data, meta), headers=headers)

    return make


@pytest.fixture
def fail() -> Callable[..., httpx.Response]:
    """``fail(status, code, message, details=None, headers=None)``: an error envelope."""

    def make(status: int, code: str, message: str = "Refused.", details=None, *, headers=None):
        error = {"code": code, "message": message, "details": details or {}}
        return httpx.Response(status, json={"success": False, "error": error}, headers=headers)

    return make


@pytest.fixture
def sleeps() -> list[float]:
    """The delays a client asked to sleep, in order (the client's ``sleep`` appends here)."""
    return []


@pytest.fixture
def make_client(sleeps) -> Iterator[Callable[..., tuple[CupSourceClient, Script]]]:
    """``make_client(*steps, **client_kwargs) -> (client, script)``.

    Defaults: ``rng`` always 1.0 (the full backoff ceiling, so delays are predictable),
    ``sleep`` records into ``sleeps``.
    """
    clients = []

    def make(*steps: Any, **kwargs: Any) -> tuple[CupSourceClient, Script]:
        script = Script(*steps)
        options = {"sleep": sleeps.append, "rng": lambda: 1.0, **kwargs}
        client = CupSourceClient(
            BASE_URL, API_KEY, transport=httpx.MockTransport(script), **options
        )
        clients.append(client)
        return client, script

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def make_async_client(sleeps) -> Callable[..., tuple[AsyncCupSourceClient, Script]]:
    """The async twin of ``make_client`` (same ``Script``: MockTransport accepts a sync
    handler in an AsyncClient). Close it inside the test's event loop."""

    async def record(delay: float) -> None:
        sleeps.append(delay)

    def make(*steps: Any, **kwargs: Any) -> tuple[AsyncCupSourceClient, Script]:
        script = Script(*steps)
        options = {"sleep": record, "rng": lambda: 1.0, **kwargs}
        client = AsyncCupSourceClient(
            BASE_URL, API_KEY, transport=httpx.MockTransport(script), **options
        )
        return client, script

    return make


@pytest.fixture
def api_key() -> str:
    return API_KEY
