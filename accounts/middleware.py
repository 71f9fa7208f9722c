import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django_htmx.http import HttpResponseClientRedirect

from accounts.audit import client_address
from accounts.ip import client_ip
from accounts.mfa import SETUP_REQUIRED, has_second_factor

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


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, except for htmx requests: when a session has ended, a fragment request (a
    filter change, an add to cart, the tracking poll) would otherwise follow the redirect and
    swap the login page into a corner of the page. It gets an `HX-Redirect` instead, so the
    whole page goes to log in — and comes back to that page, not to the fragment's URL. And
    allauth's second-factor and passkey steps of the login are open (they are the login)."""

    # allauth's pages of the login itself: the second-factor step (the password is checked,
    # nobody is logged in yet) and signing in with a passkey.
    LOGIN_STEPS = {"mfa_authenticate", "mfa_login_webauthn"}

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.url_name in self.LOGIN_STEPS:
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        if not request.htmx:
            return super().handle_no_permission(request, view_func)
        page = request.htmx.current_url_abs_path or resolve_url(settings.LOGIN_REDIRECT_URL)
        login = redirect_to_login(
            page,
            resolve_url(self.get_login_url(view_func)),
            self.get_redirect_field_name(view_func),
        )
        return HttpResponseClientRedirect(login.url)


class AuditAddressMiddleware:
    """Keeps the client's address (accounts.ip.client_ip) for the audit entries written while
    serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_address.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)


class MfaSetupMiddleware:
    """A person whose role needs a second factor (accounts.mfa.mfa_required) and who logged in
    without one is kept on the security pages until they add one: every other page sends them
    there (htmx requests with HX-Redirect). The flag is set at login (accounts/views.py)."""

    ALLOWED_PREFIXES = ("/account/security/", "/logout/", "/static/", "/account/reauthenticate/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get(SETUP_REQUIRED):
            if has_second_factor(user):
                del request.session[SETUP_REQUIRED]
            elif not request.path.startswith(self.ALLOWED_PREFIXES):
                target = resolve_url("mfa_index")
                if request.headers.get("HX-Request"):  # (before django-htmx's middleware)
                    return HttpResponseClientRedirect(target)
                return redirect(target)
        return self.get_response(request)
