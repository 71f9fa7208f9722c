"""Small per-buyer facts that every page shows — the cart badge, the stars, whether the nav has
Approvals — kept in the "shared" cache so that a page view reads them all in one lookup (one
query on the database cache, one MGET on Redis) instead of one ORM query each.

Each fact is dropped when what it is made from changes (signal receivers in the apps' apps.py
call forget()); whether a user approves is kept for a minute instead, since group membership is
edited in the admin, and the Approvals pages check the permission themselves on every request.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest

FACTS = ("cart_lines", "starred", "approver")
TIMEOUTS = {"cart_lines": 3600, "starred": 3600, "approver": 60}
_MISSING = object()


def _key(user_id: int, fact: str) -> str:
    return f"user:{user_id}:{fact}"


def user_fact(request: HttpRequest, fact: str, compute: Callable[[], Any]) -> Any:
    """The fact for the signed-in user, computed (and kept) if it is not in the cache. The first
    call of a request fetches every fact at once."""
    if not hasattr(request, "_user_facts"):
        keys = {_key(request.user.pk, name): name for name in FACTS}
        found = caches["shared"].get_many(keys)
        request._user_facts = {keys[key]: value for key, value in found.items()}
    value = request._user_facts.get(fact, _MISSING)
    if value is _MISSING:
        value = compute()
        caches["shared"].set(_key(request.user.pk, fact), value, TIMEOUTS[fact])
        request._user_facts[fact] = value
    return value


def forget(user_id: int, fact: str) -> None:
    """Drop a fact now and again when the transaction commits, so that a page that read the old
    rows in between does not keep them."""
    key = _key(user_id, fact)
    caches["shared"].delete(key)
    transaction.on_commit(lambda: caches["shared"].delete(key))
