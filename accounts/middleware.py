import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse

RENEWED_AT = "_idle_renewed_at"


class SlidingSessionMiddleware:
    """The idle timeout: a signed-in session lives SESSION_IDLE_TIMEOUT seconds after the last
    request. Each request pushes its expiry back — at most once a minute (a tenth of the
    timeout if that is shorter), so that not every request writes the session."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.renew_after = min(60, settings.SESSION_IDLE_TIMEOUT // 10)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(RENEWED_AT, 0) >= self.renew_after:
                request.session[RENEWED_AT] = now  # saved, with a new expiry, on the way out
        return response
