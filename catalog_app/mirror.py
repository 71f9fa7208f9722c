"""The mirror's version: a token that changes whenever any product in the mirror changes.

Rendered catalog listings are cached under it (see catalog_app/listing.py), so a changed mirror
is never served from an old rendering. The token lives in the "shared" cache, which every web
process reads, and is replaced — never counted up, so no increment can be lost in a race — by
the two services that write the mirror, right where they write it: the sync
(`catalog_app.services.catalog_sync`) and the checkout's price and stock refresh
(`catalog_app.services.products_refresh`). Nothing else writes products (the admin shows them
read-only).
"""

import uuid

from django.core.cache import caches
from django.db import transaction

VERSION_KEY = "catalog:mirror-version"


def mirror_version() -> str:
    cache = caches["shared"]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version or uuid.uuid4().hex  # a cache that keeps nothing: every listing is fresh


def mirror_changed() -> None:
    """Call after writing products. It takes effect at once and again when the transaction
    commits, so that a listing rendered from the old rows in between is not kept."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    caches["shared"].set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
