from django.contrib import admin
from django.urls import path

from overview import health, status, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "overview/deliveries/<int:order_id>/seen/",
        views.delivery_date_seen,
        name="delivery_date_seen",
    ),
    path("admin/status/", admin.site.admin_view(status.system_status), name="system_status"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
