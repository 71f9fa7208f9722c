from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as accounts_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", accounts_views.logout, name="logout"),  # GET asks, POST logs out
    path("catalog/", include("catalog_app.urls")),
    path("", include("orders_app.urls")),
    path("", include("accounts.urls")),
    path("favourites/", include("favourites.urls")),
    path("", include("people.urls")),  # the Team page, joining, the profile
    path("", include("replenishment.urls")),
    path("", include("notifications.urls")),
    path("", include("overview.urls")),  # the overview at /, health checks, admin › status
    path("admin/", admin.site.urls),
]
