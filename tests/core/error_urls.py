"""The project's URLs plus views that fail on purpose (tests/core/test_error_pages.py)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path


def denied(request):
    raise PermissionDenied("not for you")


def suspicious(request):
    raise SuspiciousOperation("a request that makes no sense")


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-denied/", denied),
    path("test-suspicious/", suspicious),
    path("test-broken/", broken),
    path("", include("dashboard.urls")),
]
