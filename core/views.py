"""The CSRF failure page (settings.CSRF_FAILURE_VIEW).

A form is refused when its CSRF token no longer matches the browser's: the buyer logged in again
in another tab (login rotates the token), or the page stayed open past the session. Nothing was
changed, but what the buyer typed would be lost — so the page offers it back: every posted text
of at least KEEP_MIN_CHARS characters, in a read-only box. When the buyer is still signed in and
the browser says the form was on one of this site's pages (Origin or Referer), the page is also a
form that sends it all again, with a fresh token, to the same address. A post the browser says
came from another site (the attack CSRF protection is for) gets neither: nothing is echoed and
nothing can be re-sent in one click. Passwords and tokens are never shown, and a form with a
password or a file is never re-sent. htmx requests get one sentence (static/js/htmx-errors.js).
"""

import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

KEEP_MIN_CHARS = 6  # shorter values are buttons and choices ("1", "ready", "cases"): quick to redo
NEVER_SHOWN = re.compile(r"password|token|secret|^next$", re.IGNORECASE)
PASSWORD = re.compile(r"password", re.IGNORECASE)
HTMX_MESSAGE = (
    "This page is out of date (you may have logged in again in another tab, or left it open a "
    "long time), so Cupboard did not accept that. Nothing was changed: reload the page and try "
    "again."
)


@dataclass(frozen=True)
class Sent:
    """One posted value."""

    name: str
    value: str

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def typed(self) -> bool:
        """Worth offering back: typed text, not a button, a choice or a secret."""
        return len(self.value.strip()) >= KEEP_MIN_CHARS and not NEVER_SHOWN.search(self.name)

    @property
    def rows(self) -> int:
        return min(max(self.value.count("\n") + 1, 3), 15)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if request.htmx:  # htmx swaps no 403: static/js/htmx-errors.js shows this text in place
        response = HttpResponseForbidden(HTMX_MESSAGE, content_type="text/plain; charset=utf-8")
    else:
        response = TemplateResponse(request, "403_csrf.html", _offer_back(request), status=403)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _offer_back(request: HttpRequest) -> dict:
    sent = [
        Sent(name, value)
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]
    files = [file.name for name in request.FILES for file in request.FILES.getlist(name)]
    referer = request.headers.get("Referer", "")
    page = referer if _is_our_page(request, referer) else ""
    from_here = _sent_from_this_site(request)
    signed_in = request.user.is_authenticated
    resend = (
        signed_in
        and from_here is True
        and not files
        and not any(PASSWORD.search(field.name) for field in sent)
        and url_has_allowed_host_and_scheme(
            request.get_full_path(), allowed_hosts={request.get_host()}
        )
    )
    return {
        "typed": [field for field in sent if field.typed] if from_here is not False else [],
        "resend_to": request.get_full_path() if resend else "",
        "carried": [field for field in sent if not field.typed] if resend else [],
        "files": files,
        "page": page,
        "back": page or resolve_url(settings.LOGIN_REDIRECT_URL),
        "log_in": "" if signed_in else _login_url(page),
    }


def _sent_from_this_site(request: HttpRequest) -> bool | None:
    """Whether the browser says the form was on one of this site's pages: True or False, or
    None when it says nothing (no Origin and no Referer header)."""
    if origin := request.headers.get("Origin"):  # "null" from sandboxed or opaque pages
        here = f"{request.scheme}://{request.get_host()}"
        return origin in {here, *settings.CSRF_TRUSTED_ORIGINS}
    if referer := request.headers.get("Referer"):
        return _is_our_page(request, referer)
    return None


def _is_our_page(request: HttpRequest, url: str) -> bool:
    """An absolute URL of this site (a path alone is not what a browser sends as Referer)."""
    return bool(urlsplit(url).netloc) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _login_url(page: str) -> str:
    """The login page, coming back to `page` (one of ours) afterwards."""
    login = resolve_url(settings.LOGIN_URL)
    if not page:
        return login
    path = urlsplit(page)._replace(scheme="", netloc="").geturl()
    return f"{login}?{urlencode({'next': path})}"
