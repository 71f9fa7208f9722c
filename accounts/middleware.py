import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_idle_renewed_at"
SIGNED_IN_AT = "_signed_in_at"


class SlidingSessionMiddleware:
    """Session lifetimes. The idle timeout: a signed-in session lives SESSION_IDLE_TIMEOUT
    seconds after the last request; each request pushes its expiry back — at most once a minute
    (a tenth of the timeout if that is shorter), so that not every request writes the session.
    The absolute timeout: however active, a session ends SESSION_ABSOLUTE_TIMEOUT seconds after
    it began, and the next request is sent to log in again (the cart and drafts are kept: they
    are in the database, not the session)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.renew_after = min(60, settings.SESSION_IDLE_TIMEOUT // 10)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = int(time.time())
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, now)
            if now - signed_in_at >= settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)  # LoginRequiredMiddleware then sends the request to log in
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and now - request.session.get(RENEWED_AT, 0) >= self.renew_after:
            request.session[RENEWED_AT] = now  # saved, with a new expiry, on the way out
        return response
