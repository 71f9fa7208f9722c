"""Small per-user facts that every page shows — the cart badge, the stars, whether the nav has
Approvals — kept in the "shared" cache so that a page view reads them all in one lookup (one
query on the database cache, one MGET on Redis) instead of one ORM query each.

Each app registers its own facts in its `AppConfig.ready()`, with how to compute one and which
model writes make it stale:

    user_facts.register(
        "starred",
        compute=starred_product_ids,                # user -> value
        timeout=3600,
        dropped_by={Favourite: lambda fav: fav.user_id},   # a save or delete drops the fact
    )

A fact with no `dropped_by` lives for its `timeout` only (whether a user approves is kept for a
minute: group membership is edited in the admin, and the Approvals pages check the permission
themselves on every request).

`viewer_key(request)` names everything per-user a rendering may depend on — the user, their
CSRF secret and every registered fact — so a page part cached under it is never shown to
anybody else, and is dropped with any of the user's facts (catalog_app/listing.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.middleware.csrf import get_token

_MISSING = object()


@dataclass(frozen=True)
class Fact:
    name: str
    compute: Callable[[Any], Any]  # the user -> the value (picklable)
    timeout: int  # seconds


FACTS: dict[str, Fact] = {}


def register(
    name: str,
    *,
    compute: Callable[[Any], Any],
    timeout: int,
    dropped_by: dict[type, Callable[[Any], int | None]] | None = None,
) -> None:
    """Declare a fact; each save or delete of a model in `dropped_by` forgets it for the user
    its function names (None: nobody)."""
    FACTS[name] = Fact(name=name, compute=compute, timeout=timeout)
    for model, user_id_of in (dropped_by or {}).items():

        def receiver(sender, instance, _user_id_of=user_id_of, **kwargs):
            user_id = _user_id_of(instance)
            if user_id is not None:
                forget(user_id, name)

        uid = f"user_facts:{name}:{model._meta.label}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}:save")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"{uid}:delete")


def _key(user_id: int, name: str) -> str:
    return f"user:{user_id}:{name}"


def user_fact(request: HttpRequest, name: str) -> Any:
    """The fact for the signed-in user, computed (and kept) if it is not in the cache. The first
    call of a request fetches every registered fact at once."""
    found = _fetched(request)
    value = found.get(name, _MISSING)
    if value is _MISSING:
        fact = FACTS[name]
        value = fact.compute(request.user)
        caches["shared"].set(_key(request.user.pk, name), value, fact.timeout)
        found[name] = value
    return value


def _fetched(request: HttpRequest) -> dict[str, Any]:
    if not hasattr(request, "_user_facts"):
        keys = {_key(request.user.pk, name): name for name in FACTS}
        found = caches["shared"].get_many(keys)
        request._user_facts = {keys[key]: value for key, value in found.items()}
    return request._user_facts


def forget(user_id: int, name: str) -> None:
    """Drop a fact now and again when the transaction commits, so that a page that read the old
    rows in between does not keep them."""
    key = _key(user_id, name)
    caches["shared"].delete(key)
    transaction.on_commit(lambda: caches["shared"].delete(key))


def viewer_key(request: HttpRequest) -> str:
    """A digest of everything that makes one signed-in viewer's rendering differ from another's:
    the user, the CSRF secret of their browser (forms carry a token made from it) and the value
    of every registered fact."""
    get_token(request)  # makes sure the browser has a CSRF secret
    parts = [str(request.user.pk), request.META.get("CSRF_COOKIE", "")]
    parts += [f"{name}={_canonical(user_fact(request, name))!r}" for name in sorted(FACTS)]
    return sha256("\n".join(parts).encode()).hexdigest()


def _canonical(value: Any) -> Any:
    """Sets in a fixed order, so that equal facts give equal keys."""
    return sorted(value) if isinstance(value, set | frozenset) else value
