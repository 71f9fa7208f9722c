"""A `cupsource.budget.BudgetStore` on Django's cache, shared by every process using that cache.

The read-modify-write of the budget state runs under a short lock taken with `cache.add`,
which is atomic on Redis, the database cache and the in-process cache alike.

It fails closed: it uses the cache's strict side (core/cache.py), so with Redis down the
budget raises, the client sends nothing (BudgetUnavailableError) and an order waits, queued,
for the cache to come back — rather than every process sending as if the minute were empty.
"""

import time
import uuid
from collections.abc import Callable
from typing import Any

from core.cache import strict

LOCK_TTL = 5  # seconds; a crashed holder frees the lock after this
LOCK_WAIT = 10.0  # seconds before giving up on the lock


class BudgetLockTimeout(RuntimeError):
    pass


class CacheBudgetStore:
    def __init__(self, cache, *, key: str, state_ttl: int = 3600):
        self.cache = strict(cache)
        self.key = key
        self.lock_key = f"{key}:lock"
        self.state_ttl = state_ttl

    def update(self, fn: Callable[[Any], tuple[Any, Any]]):
        token = uuid.uuid4().hex
        deadline = time.monotonic() + LOCK_WAIT
        while not self.cache.add(self.lock_key, token, LOCK_TTL):
            if time.monotonic() > deadline:
                raise BudgetLockTimeout(f"Could not lock the API budget ({self.lock_key}).")
            time.sleep(0.005)
        try:
            state, result = fn(self.cache.get(self.key))
            self.cache.set(self.key, state, self.state_ttl)
            return result
        finally:
            if self.cache.get(self.lock_key) == token:
                self.cache.delete(self.lock_key)
