"""Where to send the browser after a form (the page it came from, if that page is ours), links
to this site from outside it, and the 403 page with a reason the person can act on."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str = "") -> str:
    """The `next` the form posted (or the query string carried), if it is a path on this site;
    else, for a form that sends an empty `next` (the catalog's rows, kept for every page that
    shows them), the page the form was sent from (Referer), if it is ours; otherwise `default`
    (a URL or a URL name for `redirect`). Only a path: `redirect` would take any other word
    ("0", "home") for the name of a URL."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target and request.POST.get("next") == "":
        referer = urlsplit(request.headers.get("Referer", ""))
        if referer.netloc == request.get_host() and referer.path.startswith("/"):
            target = referer.path + (f"?{referer.query}" if referer.query else "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def absolute_url(path: str) -> str:
    """A path of this site as a full URL, for links that leave it (mails, webhooks)."""
    return settings.SITE_URL.rstrip("/") + path


def refused(request: HttpRequest, reason: str) -> TemplateResponse:
    """The 403 page, saying why and who may (a raised PermissionDenied's words are for
    developers and are never shown)."""
    return TemplateResponse(request, "403.html", {"reason": reason}, status=403)
