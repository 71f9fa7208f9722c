"""Writing the audit log (`AuditEntry`). Every entry says who, when, what and from where: the
client's address is taken from the request being served (`AuditAddressMiddleware` keeps it for
the request), so services record it without being handed the request."""

from contextvars import ContextVar
from datetime import timedelta

from django.db import models
from django.utils import timezone

from accounts.models import AuditEntry

Action = AuditEntry.Action
client_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def audit_record(
    *,
    action: str,
    summary: str,
    actor=None,
    username: str = "",
    obj: models.Model | None = None,
    details: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Add one entry. `actor` is the signed-in user; `username` is for when there is none (a
    failed login: what was typed). `obj` is what it was done to; `ip` defaults to the address
    of the client whose request is being served (None in the worker)."""
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        username=(username or (actor.get_username() if actor is not None else ""))[:150],
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        details=details or {},
        ip_address=ip if ip is not None else client_address.get(),
    )


ADDRESS_VERBS = {
    Action.ADDRESS_CREATED: "Added",
    Action.ADDRESS_CHANGED: "Changed",
    Action.ADDRESS_DELETED: "Removed",
}


def audit_address(address, user, action: str) -> AuditEntry:
    """An address-book change (from the address-book pages or the admin)."""
    return audit_record(
        action=action,
        actor=user,
        obj=address,
        summary=f"{ADDRESS_VERBS[action]} address “{address.label}”",
        details={"address": str(address)},
    )


def audit_prune(*, older_than_days: int) -> int:
    """Delete entries older than `older_than_days`; return how many went."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
