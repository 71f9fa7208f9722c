"""A request budget shared by every client that uses one API key.

The API allows 120 requests per minute per key, counted across all of the key's clients. The
client asks its :class:`Budget` for a slot before *every* attempt (retries included) and tells it
the ``X-RateLimit-*`` headers of every response, so the budget can slow down before the server
answers 429.

:class:`SlidingWindowBudget` keeps an exact log of reservation times: a request is only allowed
while fewer than ``limit`` reservations lie in the last ``window`` seconds, so *any* window of that
length holds at most ``limit`` requests. (A token bucket of capacity ``limit`` refilled at
``limit/window`` per second would allow up to twice that in one minute.)

Its state lives in a :class:`BudgetStore`, so several processes or hosts can share it. The state
is a JSON-serialisable dict::

    {"log": [1732700000.12, ...],   # reservation times (wall clock, seconds), ascending
     "blocked_until": 1732700030.0, # no slot before this time (server said remaining == 0)
     "server_limit": 120}           # the last X-RateLimit-Limit seen, or null

Stores pass ``None`` when they hold no state yet (or it expired); the budget then starts empty.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from typing import Any, Protocol

__all__ = [
    "Budget",
    "BudgetStore",
    "MemoryBudgetStore",
    "Priority",
    "SlidingWindowBudget",
    "State",
]

State = dict[str, Any]
"""JSON-serialisable budget state: only dicts, lists, floats, ints and None."""


class Priority(StrEnum):
    """Who is waiting for a request: a person (INTERACTIVE) or a job (BACKGROUND)."""

    INTERACTIVE = "interactive"
    BACKGROUND = "background"


class Budget(Protocol):
    """What the client needs from a rate limiter."""

    def reserve(self, priority: Priority) -> float:
        """Take a request slot and return 0.0, or take nothing and return the seconds to wait
        before asking again."""
        ...

    def observe(self, *, limit: int | None, remaining: int | None, reset: float | None) -> None:
        """Learn from one response's ``X-RateLimit-Limit/Remaining/Reset`` headers (each None
        when absent or unparsable)."""
        ...


class BudgetStore(Protocol):
    """Where a :class:`SlidingWindowBudget` keeps its state.

    ``update`` must run ``fn`` atomically with respect to every other ``update`` on the same
    store (the same key, for a shared cache): read the state (``None`` if there is none), call
    ``fn(state)`` which returns ``(new_state, result)``, save ``new_state`` and return ``result``.
    That is one read and one write per call. ``fn`` never mutates the state it is given; when it
    returns that very object unchanged, the store may skip the write.
    """

    def update[R](self, fn: Callable[[State | None], tuple[State, R]]) -> R: ...


class MemoryBudgetStore:
    """A :class:`BudgetStore` for one process: the state sits in memory behind a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: State | None = None

    def update[R](self, fn: Callable[[State | None], tuple[State, R]]) -> R:
        with self._lock:
            self._state, result = fn(self._state)
            return result


class SlidingWindowBudget:
    """At most ``limit`` reservations in any ``window`` seconds, shared through ``store``.

    BACKGROUND requests only get a slot while at least ``interactive_reserve`` slots would stay
    free for INTERACTIVE ones. ``safety_margin`` (seconds) keeps each reservation counted a bit
    longer than ``window``: the server starts counting a request when it *arrives* (later than
    our reservation) and hosts sharing a store disagree slightly about the time.

    ``clock`` is the wall clock (``time.time``) so that several hosts can share one log.
    """

    def __init__(
        self,
        limit: int = 120,
        window: float = 60.0,
        *,
        store: BudgetStore | None = None,
        clock: Callable[[], float] = time.time,
        interactive_reserve: int = 20,
        safety_margin: float = 1.0,
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        if not 0 <= interactive_reserve < limit:
            raise ValueError("interactive_reserve must be between 0 and limit - 1")
        if window <= 0 or safety_margin < 0:
            raise ValueError("window must be positive and safety_margin not negative")
        self.limit = limit
        self.window = window
        self.interactive_reserve = interactive_reserve
        self.safety_margin = safety_margin
        self.store: BudgetStore = store if store is not None else MemoryBudgetStore()
        self._clock = clock

    def __repr__(self) -> str:
        return (
            f"SlidingWindowBudget(limit={self.limit}, window={self.window}, "
            f"interactive_reserve={self.interactive_reserve})"
        )

    @property
    def _horizon(self) -> float:
        """How long one reservation stays counted."""
        return self.window + self.safety_margin

    def reserve(self, priority: Priority = Priority.INTERACTIVE) -> float:
        now = self._clock()
        return self.store.update(lambda state: self._reserve(state, Priority(priority), now))

    def observe(
        self, *, limit: int | None = None, remaining: int | None = None, reset: float | None = None
    ) -> None:
        if limit is None and remaining is None:
            return
        now = self._clock()
        self.store.update(lambda state: self._observe(state, now, limit, remaining, reset))

    def usage(self) -> tuple[int, int, float]:
        """``(requests counted now, the limit in force, seconds until a 429's block ends)``,
        for people watching the budget; changes nothing."""
        now = self._clock()

        def read(state: State | None) -> tuple[State | None, tuple[int, int, float]]:
            log, blocked_until, limit = self._load(state, now)
            return state, (len(log), limit, max(blocked_until - now, 0.0))

        return self.store.update(read)

    # --- pure state transitions: (state, now, ...) -> (new state, result) ------------------

    def _load(self, state: State | None, now: float) -> tuple[list[float], float, int]:
        """The live log (expired reservations dropped), the block time and the limit in force."""
        if not state:
            return [], 0.0, self.limit
        cutoff = now - self._horizon
        log = [t for t in state.get("log", []) if t > cutoff]
        server_limit = state.get("server_limit")
        limit = min(self.limit, server_limit) if server_limit else self.limit
        return log, float(state.get("blocked_until", 0.0)), limit

    @staticmethod
    def _dump(log: list[float], blocked_until: float, server_limit: int | None) -> State:
        return {"log": log, "blocked_until": blocked_until, "server_limit": server_limit}

    def _reserve(self, state: State | None, priority: Priority, now: float) -> tuple[State, float]:
        log, blocked_until, limit = self._load(state, now)
        server_limit = state.get("server_limit") if state else None
        capacity = limit if priority is Priority.INTERACTIVE else limit - self.interactive_reserve
        if blocked_until <= now and len(log) < capacity:
            bisect.insort(log, now)
            return self._dump(log, blocked_until, server_limit), 0.0
        wait = blocked_until - now
        if capacity <= 0:
            wait = max(wait, self._horizon)
        elif len(log) >= capacity:
            # The slot frees when enough of the oldest reservations have expired.
            wait = max(wait, log[len(log) - capacity] + self._horizon - now)
        new_state = self._dump(log, blocked_until, server_limit)
        return new_state, max(wait, 0.001)

    def _observe(
        self,
        state: State | None,
        now: float,
        limit: int | None,
        remaining: int | None,
        reset: float | None,
    ) -> tuple[State, None]:
        """Trust the server when it has counted more requests than we have.

        If it reports fewer ``remaining`` slots than our log implies, someone we do not see
        (another host with its own store, a script using the same key) made the difference: we
        add that many placeholder reservations. The server told us when its oldest request
        expires (``reset``), so the first placeholder expires then; we know nothing about the
        others, so we assume the worst: they were just made. ``remaining == 0`` also blocks every
        request until ``reset`` seconds from now.
        """
        server_limit = limit if limit is not None else (state or {}).get("server_limit")
        log, blocked_until, effective_limit = self._load(
            {**(state or {}), "server_limit": server_limit}, now
        )
        if remaining is None:
            return self._dump(log, blocked_until, server_limit), None
        reset = min(max(reset or 0.0, 0.0), self.window)
        if remaining <= 0 and reset > 0:
            blocked_until = max(blocked_until, now + reset)
        missing = (effective_limit - len(log)) - max(remaining, 0)
        if missing > 0:
            bisect.insort(log, now + reset - self._horizon)
            log.extend([now] * (missing - 1))
            log.sort()
        return self._dump(log, blocked_until, server_limit), None
