"""The sandbox clock: rate limiting, idempotency expiry and tracking all ask it for the time.

Tests move time without sleeping::

    with clock.frozen(datetime(2025, 1, 6, 9, 0, tzinfo=UTC)):
        ...
        clock.advance(timedelta(hours=3))

The override is process-wide (not thread-local) on purpose, so that the sandbox server running
in a thread of the test process sees it too.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone

_frozen_at: datetime | None = None


def now() -> datetime:
    """The current time (aware, UTC), or the frozen time inside `frozen()`."""
    return _frozen_at if _frozen_at is not None else timezone.now()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Freeze the clock at `at` (an aware datetime) for the duration of the block."""
    global _frozen_at
    if timezone.is_naive(at):
        raise ValueError("clock.frozen() needs an aware datetime.")
    previous, _frozen_at = _frozen_at, at
    try:
        yield
    finally:
        _frozen_at = previous


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward (only valid inside `frozen()`)."""
    global _frozen_at
    if _frozen_at is None:
        raise RuntimeError("clock.advance() only works inside clock.frozen().")
    _frozen_at += delta
