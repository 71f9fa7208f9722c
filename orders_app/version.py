"""The orders' version: a token (core/versions.py) replaced whenever an order changes in a way
that something computed from the order history can see — an order written, moved to another
state, changed by its buyer, or its stored tracking updated. The run-out forecasts
(replenishment/forecast.py) are kept under it, so they are computed once per order change and
never served stale.

Every order write goes through two places, and those call `orders_changed()` right where they
write: the ledger's `_event` (orders_app/services.py: every state change records an event) and
the tracking refresh (orders_app/tracking.py).
"""

from core import versions

VERSION_KEY = "orders:version"


def orders_version() -> str:
    return versions.version(VERSION_KEY)


def orders_changed() -> None:
    versions.changed(VERSION_KEY)
