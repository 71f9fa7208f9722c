"""Logging in and out.

Logging in: Django's login form checks the password (django-axes counts failures and locks);
its success goes through django-allauth's login flow, which asks for a second factor when the
person has one (accounts/mfa.py) before the session is made. Someone whose role needs a second
factor and has none is sent to set one up (MfaSetupMiddleware).

Logging out: Django's LogoutView logs out on POST only (a GET could be forged by any page); a
GET — a bookmark, a typed /logout/ — asks first instead of answering a blank 405."""

from allauth.account import signals as account_signals
from allauth.account.internal.flows.login import perform_password_login, record_authentication
from allauth.account.models import Login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from accounts.forms import LoginForm
from accounts.mfa import SETUP_REQUIRED, has_second_factor, mfa_required

_log_out = auth_views.LogoutView.as_view()


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        login = Login(user=user, redirect_url=self.get_success_url())
        response = perform_password_login(self.request, {"username": user.get_username()}, login)
        if self.request.user.is_authenticated:  # signed in: no second factor was asked for
            # The password was just typed: setting up a factor now needs no second typing.
            record_authentication(self.request, user, method="password", reauthenticated=True)
            if mfa_required(user) and not has_second_factor(user):
                self.request.session[SETUP_REQUIRED] = True
        return response


login = LoginView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's; a changed password is announced with allauth's `password_changed` signal
    (people/signals.py audits it and mails the person), as a new sign-in factor is."""

    def form_valid(self, form):
        response = super().form_valid(form)
        account_signals.password_changed.send(
            sender=type(form.user), request=self.request, user=form.user
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's; a password set through a reset link is announced with allauth's
    `password_reset` signal (people/signals.py audits it and mails the person)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        account_signals.password_reset.send(
            sender=type(form.user), request=self.request, user=form.user
        )
        return response


@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _log_out(request)
    return TemplateResponse(request, "registration/logout_confirm.html")
