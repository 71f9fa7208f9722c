"""Riding out an outage of the database or Redis, for the long-running processes (the scheduler,
`run_worker`): log it, close the broken connections, wait — 1 s, doubling up to a minute, with
jitter so that restarted processes do not return in step — and carry on. systemd (or `make
serve`) restarts a process that dies anyway; these make dying the exception.
"""

import contextlib
import logging
import random
from collections.abc import Callable

from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)


class Backoff:
    def __init__(
        self, *, first: float = 1.0, cap: float = 60.0, rng: Callable[[], float] = random.random
    ):
        self.first, self.cap, self.rng = first, cap, rng
        self.failures = 0

    def failed(self) -> float:
        """Seconds to wait after one more failure in a row."""
        wait = min(self.cap, self.first * 2**self.failures) * (0.5 + self.rng() / 2)
        self.failures += 1
        return wait

    def succeeded(self) -> None:
        self.failures = 0


def outage_seen(what: str, exc: BaseException, wait: float) -> None:
    """Log a failed round of `what` (a database or cache outage in a few words, anything else
    with its traceback) and drop the connections it may have broken."""
    if isinstance(exc, DatabaseError | ConnectionError | OSError) or _is_redis(exc):
        logger.warning(
            "%s failed (%s: %s); retrying in %.1f s", what, type(exc).__name__, exc, wait
        )
    else:
        logger.exception("%s failed; retrying in %.1f s", what, wait)
    close_connections()


def close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):  # broken: the next query opens a new one
            connection.close()


def _is_redis(exc: BaseException) -> bool:
    return type(exc).__module__.startswith("redis")
