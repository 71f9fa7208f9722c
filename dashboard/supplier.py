"""Glue between Django and the framework-free Cup Source client.

Everything in the dashboard that talks to the supplier gets its client from `get_client()`,
which builds it from settings and shares one request budget through Django's cache (so all
processes and hosts on one API key stay within its limit when the cache is Redis).

Every client it builds reports each answer from the API to `record_result`, so
`supplier_status()` (the overview's connection card, `/readyz`) knows how the API last answered
without asking it; the scheduled `check_supplier` asks only after a minute in which no other
call was made.
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches

from cupsource.budget import Priority, SlidingWindowBudget
from cupsource.client import CupSourceClient
from cupsource.errors import CupSourceError
from dashboard.budget_store import CacheBudgetStore

logger = logging.getLogger(__name__)

CONTACT_KEY = "supplier:last-answer"  # in the shared cache: (reachable, problem, unix time)
SUPPLIER_CHECK_INTERVAL = 60  # seconds without an answer before the worker asks the API
SUPPLIER_CHECK_BUDGET_WAIT = 10.0  # a full budget means calls are being made: no need to ask
STATUS_STALE_AFTER = 5 * 60  # an answer older than this says nothing about now
INTERACTIVE_RESERVE = 20  # request slots a minute that background jobs leave for buyers
WEB_BUDGET_WAIT = 3.0  # seconds a web request may wait for a slot in the request budget


def get_budget() -> SlidingWindowBudget:
    limit = settings.CUPSOURCE_RATE_LIMIT
    return SlidingWindowBudget(
        limit=limit,
        store=CacheBudgetStore(caches["shared"], key="cupsource:budget"),
        # Slots kept for people: 20 of the portal's 120 a minute, the same sixth of a smaller
        # limit (the budget refuses a reserve that is not below the limit).
        interactive_reserve=min(INTERACTIVE_RESERVE, limit // 6),
    )


def get_client(**overrides) -> CupSourceClient:
    options = {
        "timeout": settings.CUPSOURCE_TIMEOUT,
        "max_retries": settings.CUPSOURCE_MAX_RETRIES,
        "budget": get_budget(),
        "on_result": record_result,
    }
    options.update(overrides)
    return CupSourceClient(settings.CUPSOURCE_API_URL, settings.CUPSOURCE_API_KEY, **options)


def get_web_client() -> CupSourceClient:
    """A client for use inside a web request: a buyer is waiting, so it gives up quickly (no
    retries, a short wait for the budget) and lets the worker take over."""
    return get_client(max_retries=0, budget_max_wait=WEB_BUDGET_WAIT)


@dataclass(frozen=True)
class SupplierStatus:
    """How the supplier API last answered. ``reachable`` is None when nothing has been heard
    from it for a while (no call yet, or the worker that checks it is not running)."""

    reachable: bool | None
    heard_at: datetime | None = None
    problem: str = ""


def record_result(result: int | str) -> None:
    """The clients' ``on_result`` hook: keep how the API answered the latest call, from any
    process, in the shared cache. Every call updates it, so pages and health probes only read
    it — they never ask the API themselves."""
    reachable, problem = _judge(result)
    try:
        caches["shared"].set(CONTACT_KEY, (reachable, problem, time.time()), timeout=None)
    except Exception as exc:  # a cache outage must not fail the API call that reported it
        logger.warning("Could not record the supplier's answer: %s", exc.__class__.__name__)


def _judge(result: int | str) -> tuple[bool, str]:
    if isinstance(result, str):
        if result.endswith("Timeout"):
            return False, "it did not answer in time"
        return False, "the connection to it failed"
    if result == 401:
        return False, "it refused Cupboard's API key (HTTP 401); an administrator must renew it"
    if result >= 500:
        return False, f"it answered with a server error (HTTP {result})"
    return True, ""  # any other answer, 429 and request errors included: it is up


def supplier_status() -> SupplierStatus:
    """How the supplier API answered the latest call made by any process. Reads the shared
    cache only: a page view or a health probe costs no API request."""
    found = caches["shared"].get(CONTACT_KEY)
    if found is None:
        return SupplierStatus(reachable=None)
    reachable, problem, at = found
    heard_at = datetime.fromtimestamp(at, tz=UTC)
    if time.time() - at > STATUS_STALE_AFTER:
        return SupplierStatus(reachable=None, heard_at=heard_at)
    return SupplierStatus(reachable=reachable, heard_at=heard_at, problem=problem)


def supplier_check_due() -> bool:
    """Whether nothing has been heard from the API for a minute (so the worker should ask)."""
    found = caches["shared"].get(CONTACT_KEY)
    return found is None or time.time() - found[2] >= SUPPLIER_CHECK_INTERVAL


def check_supplier() -> None:
    """Ask the API for one product when no other call has answered in the last minute (a busy
    system checks for free); its answer is recorded by the client hook like any other."""
    if not supplier_check_due():
        return
    try:
        with get_client(max_retries=0, budget_max_wait=SUPPLIER_CHECK_BUDGET_WAIT) as client:
            client.list_products(per_page=1, priority=Priority.BACKGROUND)
    except CupSourceError as exc:
        logger.info("Supplier check: %s", exc.message)
