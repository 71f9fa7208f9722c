"""URLs of the sandbox's own server (never mounted in the dashboard): base URL `/v1`."""

from django.urls import re_path

from sandbox import responses, views

urlpatterns = [
    re_path(r"^v1/products/?$", views.product_list, name="products"),
    re_path(r"^v1/products/(?P<sku>[^/]+)/?$", views.product_detail, name="product"),
    re_path(r"^v1/orders/?$", views.orders, name="orders"),
    re_path(r"^v1/orders/(?P<order_id>[^/]+)/?$", views.order_detail, name="order"),
    re_path(r"^v1/orders/(?P<order_id>[^/]+)/tracking/?$", views.order_tracking, name="tracking"),
    re_path(r"^v1/openapi\.json$", views.openapi_document, name="openapi"),
    re_path(r"^(?P<path>.*)$", views.unknown_endpoint),
]


def handler400(request, exception=None):
    return responses.error(400, "invalid_request", "Bad request.")


def handler403(request, exception=None):
    return responses.error(403, "forbidden", "Forbidden.")


def handler404(request, exception=None):
    return responses.not_found()


def handler500(request):
    return responses.server_error()
