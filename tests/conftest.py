"""Project-wide fixtures for the Cup Source sandbox (the local Cup Source API v1).

- `sandbox_server` (session): the sandbox served over real HTTP from a thread; its root URL.
- `sandbox` (function, transactional_db): a small seeded catalog (120 SKUs, always with the
  portal's CS-8OZ-ECO and CS-DOME-LID), a verified account and key; `.url` is the API base
  (…/v1), `.api_key` the key, `.http` an httpx client for it (key sent), `.configure(settings)`
  points CUPSOURCE_API_URL/KEY at it, `.create_key(...)`/`.revoke(key)`/`.set_stock(sku, n)`.
- `sandbox_api` (function, db): the same data, reached in-process through the sandbox's own
  handler with Django's test client (`.client` sends the key; `.client_for(key)`) — fast, for
  rule tests. `sandbox_client(headers)` builds such a client anywhere.
- `sandbox_clock`: freezes the sandbox clock (seen by the server thread too); `.advance(...)`.

Faults: set `settings.SANDBOX_FAULTS` (pytest-django `settings`) in the test; the server reads it
per request, and every `sandbox`/`sandbox_api` test restarts the seeded fault sequence.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.test import Client
from django.test.client import ClientHandler

SANDBOX_TEST_PRODUCTS = 120  # the portal's two SKUs, the whole base range, 35 colour variants
SANDBOX_ACCOUNT = "Test Buyer"
CLOCK_START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture(scope="session")
def sandbox_server(django_db_setup) -> Iterator[str]:
    """The sandbox over HTTP on 127.0.0.1 (a free port); yields the root URL (no /v1)."""
    from sandbox.server import start_in_thread, stop

    server, thread, url = start_in_thread()
    yield url
    stop(server, thread)


@dataclass
class SandboxData:
    """What the sandbox fixtures set up, and helpers to add to it."""

    api_key: str
    account: str = SANDBOX_ACCOUNT

    def create_key(
        self,
        *,
        account: str | None = None,
        verified: bool = True,
        read_only: bool = False,
        expires_in: float | None = None,
        key: str | None = None,
    ) -> str:
        """A new key (or register `key`), by default for the fixture's account."""
        from sandbox.services import create_key

        return create_key(
            account_name=account or self.account,
            verified=verified,
            read_only=read_only,
            expires_in=expires_in,
            key=key,
        )

    def revoke(self, key: str) -> None:
        from sandbox.services import revoke_key

        assert revoke_key(key=key)

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.api_key}"}

    def product(self, sku: str):
        from sandbox.models import Product

        return Product.objects.get(sku=sku)

    def set_stock(self, sku: str, stock: int) -> None:
        from sandbox.models import Product

        assert Product.objects.filter(sku=sku).update(stock=stock) == 1


@dataclass
class Sandbox(SandboxData):
    url: str = ""  # http://127.0.0.1:<port>/v1
    http: httpx.Client | None = None  # base_url=.url, sends .api_key; reuse it (it is fast)

    def configure(self, settings) -> None:
        """Point the dashboard's client settings (pytest-django `settings`) at this sandbox."""
        settings.CUPSOURCE_API_URL = self.url
        settings.CUPSOURCE_API_KEY = self.api_key


def _seed() -> str:
    from sandbox import faults
    from sandbox.services import create_key, seed_catalog

    faults.forget()  # every test starts the fault generator afresh
    seed_catalog(products=SANDBOX_TEST_PRODUCTS)
    return create_key(account_name=SANDBOX_ACCOUNT)


@pytest.fixture
def sandbox(sandbox_server, transactional_db) -> Iterator[Sandbox]:
    """A seeded sandbox reachable over HTTP at `.url`, with a verified key `.api_key`.

    `.http` is an httpx client for it (relative paths, the key sent): prefer it to
    `httpx.get(...)`, which builds a new client (~50 ms) per call."""
    api_key = _seed()
    url = f"{sandbox_server}/v1"
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {api_key}"}) as http:
        yield Sandbox(api_key=api_key, url=url, http=http)


def sandbox_client(headers: dict[str, str] | None = None, **options) -> Client:
    """Django's test client talking to the sandbox in-process (paths start with /v1/), through
    the sandbox server's own middleware and URLs. `options` go to `Client` (for example
    `raise_request_exception=False` to see the 500 a server would send)."""
    from sandbox.server import SandboxHandlerMixin

    class SandboxClientHandler(SandboxHandlerMixin, ClientHandler):
        pass

    client = Client(headers=headers or {}, **options)
    client.handler = SandboxClientHandler()
    return client


@dataclass
class SandboxApi(SandboxData):
    client: Client | None = None

    def client_for(self, key: str | None = None, **options) -> Client:
        """A test client sending `key` (None: no Authorization header at all)."""
        return sandbox_client(self.headers(key) if key else None, **options)


@pytest.fixture
def sandbox_api(db) -> SandboxApi:
    """The seeded sandbox in-process: `.client.get("/v1/products")` sends the fixture's key."""
    key = _seed()
    api = SandboxApi(api_key=key)
    api.client = sandbox_client(api.headers())
    return api


class SandboxClock:
    def __init__(self, start: datetime):
        self.start = start

    def now(self) -> datetime:
        from sandbox import clock

        return clock.now()

    def advance(self, **delta: float) -> datetime:
        """Move the frozen clock forward, e.g. `.advance(minutes=5)`; returns the new time."""
        from sandbox import clock

        clock.advance(timedelta(**delta))
        return clock.now()


@pytest.fixture
def sandbox_clock() -> Iterator[SandboxClock]:
    """Freeze the sandbox clock at Monday 2 March 2026, 09:00 UTC for the test."""
    from sandbox import clock

    with clock.frozen(CLOCK_START):
        yield SandboxClock(CLOCK_START)
