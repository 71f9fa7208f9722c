"""How Django gets a Cup Source client.

Everything in Cupboard that talks to the supplier gets its client from `get_client()` (or, inside
a web request, `get_web_client()`), which builds it from settings and shares one request budget
through the "shared" cache, so all processes and hosts on one API key stay within its limit
when that cache is Redis. Every client it builds reports each answer from the API to
`supplier.status.record_result`, so the supplier's status is known without asking it.
"""

from django.conf import settings
from django.core.cache import caches

from cupsource.budget import SlidingWindowBudget
from cupsource.client import CupSourceClient
from supplier.budget_store import CacheBudgetStore
from supplier.status import record_result
from supplier.telemetry import record_attempt

INTERACTIVE_RESERVE = 20  # request slots a minute that background jobs leave for buyers
WEB_BUDGET_WAIT = 3.0  # seconds a web request may wait for a slot in the request budget
BUDGET_KEY = "cupsource:budget"  # in the shared cache


def get_budget() -> SlidingWindowBudget:
    limit = settings.CUPSOURCE_RATE_LIMIT
    return SlidingWindowBudget(
        limit=limit,
        store=CacheBudgetStore(caches["shared"], key=BUDGET_KEY),
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
        "on_attempt": record_attempt,
    }
    options.update(overrides)
    return CupSourceClient(settings.CUPSOURCE_API_URL, settings.CUPSOURCE_API_KEY, **options)


def get_web_client() -> CupSourceClient:
    """A client for use inside a web request: a buyer is waiting, so it gives up quickly (no
    retries, a short wait for the budget) and lets the worker take over."""
    return get_client(max_retries=0, budget_max_wait=WEB_BUDGET_WAIT)
