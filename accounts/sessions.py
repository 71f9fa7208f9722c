"""Who is signed in where: each login is kept as a `UserSession` (by the login signal, whatever
view logged in), so that a person's sessions can be listed (the profile) and ended — all but
the current one ("sign out everywhere else"), or all of them (deactivation)."""

from importlib import import_module

from django.conf import settings
from django.http import HttpRequest

from accounts.ip import client_ip
from accounts.models import UserSession


def _store(session_key: str | None = None):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def session_record(*, request: HttpRequest, user) -> None:
    """Remember the session the request has just signed `user` into."""
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200],
        },
    )


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def sessions_of(user) -> list[UserSession]:
    """The user's sessions that still exist (expired ones are dropped on the way)."""
    alive, gone = [], []
    for row in UserSession.objects.filter(user=user):
        (alive if _store().exists(row.session_key) else gone).append(row)
    if gone:
        UserSession.objects.filter(pk__in=[row.pk for row in gone]).delete()
    return alive


def sessions_end(*, user, keep: str | None = None) -> int:
    """End every session of `user` except `keep` (a session key); returns how many ended.
    The user is signed out there at their next request."""
    ended = 0
    for row in UserSession.objects.filter(user=user).exclude(session_key=keep or ""):
        _store(row.session_key).delete()
        row.delete()
        ended += 1
    return ended
