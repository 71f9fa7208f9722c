"""Redis, used as a cache: when it is down, a read is a miss and a write does nothing.

Cupboard keeps nothing only in Redis that it cannot rebuild (sessions and orders are in the
database), so a Redis outage should cost speed, not pages. `FailSoftRedisCache` (what
`CACHE_URL=redis://…` gives, see settings) turns every Redis error into the answer of an empty
cache — `get` the default, `get_many` nothing, `add` and `set` False — logs it at most every
few seconds per process, and for `RETRY_AFTER` seconds after a failure does not even try, so a
server that is gone costs a page no time.

What must not fail soft uses `cache.strict` instead: the same connection, but every error
raised. The API request budget does (`supplier/budget_store.py`): a budget that could not be
read must refuse the request — "nothing sent" — rather than let every process send as if the
minute were empty.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 2.0  # seconds without trying after a failure
LOG_EVERY = 10.0  # seconds between two warnings of one process's cache


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._logged_at = 0.0

    @cached_property
    def strict(self) -> "StrictRedisCache":
        return StrictRedisCache(self)

    def check_up(self) -> None:
        """Raise at once while the server is known to be down (strict callers fail fast)."""
        if time.monotonic() < self._down_until:
            raise RedisConnectionError("Redis was unreachable moments ago")

    def failed(self, operation: str, exc: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + RETRY_AFTER
        if now - self._logged_at >= LOG_EVERY:
            self._logged_at = now
            logger.warning(
                "Cache unavailable (%s: %s); serving without it", operation, type(exc).__name__
            )

    def _soft(self, operation: str, fallback, *args):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(RedisCache, operation)(self, *args)
        except (RedisError, OSError) as exc:
            self.failed(operation, exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set", False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        if time.monotonic() < self._down_until:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        try:
            return RedisCache.incr(self, key, delta, version)
        except (RedisError, OSError) as exc:
            self.failed("incr", exc)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)") from exc

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, keys, version)

    def clear(self):
        return self._soft("clear", False)


class StrictRedisCache:
    """The same cache with every error raised (see the module docstring)."""

    def __init__(self, cache: FailSoftRedisCache):
        self._cache = cache

    def __getattr__(self, name):
        method = getattr(RedisCache, name).__get__(self._cache)

        def call(*args, **kwargs):
            self._cache.check_up()
            try:
                return method(*args, **kwargs)
            except (RedisError, OSError) as exc:
                self._cache.failed(name, exc)
                raise

        return call


def strict(cache):
    """`cache` with its errors raised: a fail-soft Redis cache's strict side, else itself."""
    return getattr(cache, "strict", cache)
