from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboard import health, status, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "overview/deliveries/<int:order_id>/seen/",
        views.delivery_date_seen,
        name="delivery_date_seen",
    ),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("catalog/", include("catalog_app.urls")),
    path("", include("orders_app.urls")),
    path("", include("accounts.urls")),
    path("favourites/", include("favourites.urls")),
    path("admin/status/", admin.site.admin_view(status.system_status), name="system_status"),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
