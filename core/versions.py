"""Version tokens: a token in the shared cache that its writers replace whenever the data it
stands for changes, so that anything computed from that data can be kept under the token and is
never served once the data has changed (the catalog mirror's listings, the run-out forecasts).

The token is replaced, never counted up, so no increment can be lost in a race; it takes effect
at once and again when the transaction commits, so that a result computed from the old rows in
between is not kept.

    version("catalog:mirror-version")            # read (created on first use)
    changed("catalog:mirror-version")            # call right where the data is written
"""

import uuid

from django.core.cache import caches
from django.db import transaction


def version(key: str) -> str:
    cache = caches["shared"]
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        token = cache.get(key)
    return token or uuid.uuid4().hex  # a cache that keeps nothing: every result is fresh


def changed(key: str) -> None:
    """Call after writing the data `key` stands for (inside its transaction or not)."""
    _renew(key)
    transaction.on_commit(lambda: _renew(key))


def _renew(key: str) -> None:
    caches["shared"].set(key, uuid.uuid4().hex, timeout=None)
