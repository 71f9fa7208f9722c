"""Logging out: Django's LogoutView logs out on POST only (a GET could be forged by any page);
a GET — a bookmark, a typed /logout/ — asks first instead of answering a blank 405."""

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

_log_out = auth_views.LogoutView.as_view()


@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _log_out(request)
    return TemplateResponse(request, "registration/logout_confirm.html")
