"""The notifications page (the bell's), marking read, the e-mail preferences, and the one-click
unsubscribe that mails link to (no login: the link is signed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from notifications.forms import PreferencesForm
from notifications.models import DigestSettings, Notification
from notifications.services import (
    DEFAULT_DIGEST_HOUR,
    digest_hour_set,
    mark_read,
    preference_set,
    preferences_of,
    unsubscribe,
)


def _shown(request: HttpRequest):
    """The user's notifications in the app: not those mailed to another address (an e-mail
    confirmation's link is for that mailbox only)."""
    return Notification.objects.filter(recipient=request.user, to_email="")


@require_GET
def notification_list(request: HttpRequest) -> TemplateResponse:
    notifications = _shown(request)
    page = Paginator(notifications, 25).get_page(request.GET.get("page"))
    return TemplateResponse(request, "notifications/index.html", {"page": page})


@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notice = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    mark_read(user=request.user, notification_id=notice.pk)
    return _list_changed(request)


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    marked = mark_read(user=request.user)
    if not request.htmx:
        messages.success(request, f"Marked {marked} notification{'s' * (marked != 1)} read.")
    return _list_changed(request)


def _list_changed(request: HttpRequest) -> HttpResponse:
    if not request.htmx:
        return redirect("notifications:list")
    notifications = _shown(request)
    page = Paginator(notifications, 25).get_page(request.POST.get("page"))
    response = TemplateResponse(request, "notifications/index.html#notice-list", {"page": page})
    return trigger_client_event(response, "notificationsRead")


@require_GET
def bell(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "notifications/includes/bell.html")


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    rows = preferences_of(request.user)
    hour = DigestSettings.objects.filter(user=request.user).values_list("hour", flat=True).first()
    initial = {"digest_hour": DEFAULT_DIGEST_HOUR if hour is None else hour}
    form = PreferencesForm(
        request.POST if request.method == "POST" else None, preferences=rows, initial=initial
    )
    if form.is_valid():
        for kind, delivery in form.choices().items():
            preference_set(user=request.user, kind=kind, delivery=delivery)
        digest_hour_set(user=request.user, hour=form.cleaned_data["digest_hour"])
        messages.success(request, "Saved: Cupboard e-mails you as you chose.")
        return redirect("notifications:preferences")
    return TemplateResponse(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # the signed link is the credential; mail clients POST it without a page (RFC 8058)
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET: ask (a link preview must not unsubscribe anyone). POST: turn that kind of mail off —
    from the page's button, or a mail client's one-click `List-Unsubscribe=One-Click`."""
    try:
        payload = signing.loads(token, salt="notifications.unsubscribe")
    except signing.BadSignature:
        return TemplateResponse(
            request, "notifications/unsubscribe.html", {"invalid": True}, status=400
        )
    if request.method == "GET":
        context = {"token": token, "kind_key": payload.get("k")}
        return TemplateResponse(request, "notifications/unsubscribe.html", context)
    try:
        user, kind = unsubscribe(token)
    except LookupError:  # the user or the kind no longer exists: nothing to turn off
        return TemplateResponse(request, "notifications/unsubscribe.html", {"invalid": True})
    context = {"done": True, "kind": kind, "user": user}
    return TemplateResponse(request, "notifications/unsubscribe.html", context)
