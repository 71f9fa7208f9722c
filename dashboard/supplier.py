"""Glue between Django and the framework-free Cup Source client.

Everything in the dashboard that talks to the supplier gets its client from `get_client()`,
which builds it from settings and shares one request budget through Django's cache (so all
processes and hosts on one API key stay within its limit when the cache is Redis).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches

from cupsource.budget import SlidingWindowBudget
from cupsource.client import CupSourceClient
from cupsource.errors import CupSourceError
from dashboard.budget_store import CacheBudgetStore

logger = logging.getLogger(__name__)

STATUS_CACHE_KEY = "supplier:status"
STATUS_TTL = 60
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
    }
    options.update(overrides)
    return CupSourceClient(settings.CUPSOURCE_API_URL, settings.CUPSOURCE_API_KEY, **options)


def get_web_client() -> CupSourceClient:
    """A client for use inside a web request: a buyer is waiting, so it gives up quickly (no
    retries, a short wait for the budget) and lets the worker take over."""
    return get_client(max_retries=0, budget_max_wait=WEB_BUDGET_WAIT)


@dataclass(frozen=True)
class SupplierStatus:
    reachable: bool
    product_count: int | None = None
    problem: str = ""


def supplier_status() -> SupplierStatus:
    """Whether the supplier API answers, and how many products it offers (cached: one call/min)."""
    status = cache.get(STATUS_CACHE_KEY)
    if status is None:
        try:
            with get_client(max_retries=0) as client:
                page = client.list_products(per_page=1)
            status = SupplierStatus(reachable=True, product_count=page.meta.total)
        except CupSourceError as exc:
            logger.warning("Supplier status check failed: %s", exc)
            status = SupplierStatus(reachable=False, problem=exc.message)
        cache.set(STATUS_CACHE_KEY, status, STATUS_TTL)
    return status
