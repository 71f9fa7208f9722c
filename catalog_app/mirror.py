"""The mirror's version: a token that changes whenever any product in the mirror changes.

Rendered catalog listings are cached under it (see catalog_app/listing.py), so a changed mirror
is never served from an old rendering. The token (core/versions.py) lives in the "shared" cache,
which every web process reads, and is replaced by the two services that write the mirror, right
where they write it: the sync (`catalog_app.services.catalog_sync`) and the checkout's price and
stock refresh (`catalog_app.services.products_refresh`). Nothing else writes products (the admin
shows them read-only).
"""

from core import versions

VERSION_KEY = "catalog:mirror-version"


def mirror_version() -> str:
    return versions.version(VERSION_KEY)


def mirror_changed() -> None:
    """Call after writing products: takes effect at once and again when the transaction
    commits."""
    versions.changed(VERSION_KEY)
