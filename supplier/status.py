"""How the supplier API last answered, known without asking it.

Every client `supplier.client` builds reports each answer to `record_result`, so
`supplier_status()` (the overview's connection card, `/readyz`, the System status page) only
reads the shared cache; the scheduled `supplier.tasks.check_supplier` asks the API only after a
minute in which no other call was made.
"""

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import caches

logger = logging.getLogger(__name__)

CONTACT_KEY = "supplier:last-answer"  # in the shared cache: (reachable, problem, unix time)
SUPPLIER_CHECK_INTERVAL = 60  # seconds without an answer before the worker asks the API
STATUS_STALE_AFTER = 5 * 60  # an answer older than this says nothing about now


@dataclass(frozen=True)
class SupplierStatus:
    """How the supplier API last answered. ``reachable`` is None when nothing has been heard
    from it for a while (no call yet, or the worker that checks it is not running)."""

    reachable: bool | None
    heard_at: datetime | None = None
    problem: str = ""

    @property
    def key_refused(self) -> bool:
        """Cup Source answered 401: the API key is wrong, revoked or expired."""
        return self.reachable is False and "HTTP 401" in self.problem


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
