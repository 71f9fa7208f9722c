"""The project's URLs plus `/bench/hello/`: the smallest response through the same middleware,
the baseline the catalog page is measured against. Used only by bench/catalog.py."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_not_required
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


urlpatterns = [
    path("bench/hello/", hello),
    path("", include("dashboard.urls")),
]
