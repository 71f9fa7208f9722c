from allauth.account import views as allauth_account_views
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views

urlpatterns = [
    path("login/", accounts_views.login, name="login"),  # the password; then allauth's MFA
    path("logout/", accounts_views.logout, name="logout"),  # GET asks, POST logs out
    # allauth's names for the same pages (its MFA pages link them), and its MFA pages
    path("login/", accounts_views.login, name="account_login"),
    path("logout/", accounts_views.logout, name="account_logout"),
    path(
        "account/reauthenticate/",
        allauth_account_views.reauthenticate,
        name="account_reauthenticate",
    ),
    path("account/security/", include("allauth.mfa.urls")),
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
