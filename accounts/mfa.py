"""Multi-factor sign-in, on django-allauth's MFA: an authenticator app (TOTP), passkeys
(WebAuthn) and recovery codes, managed at /account/security/ (allauth.mfa's pages, in the
site's look: templates/mfa/, templates/allauth/).

How it fits Cupboard's login:
- The password step is Django's login form (accounts/views.py), checked by django-axes; its
  success is handed to allauth's login flow, which asks for the second factor when the person
  has one (allauth's "authenticate" stage), then logs in.
- A wrong code counts as a failed login for django-axes (accounts/signals.py), and a locked
  (user, address) pair is refused here before any code is checked.
- Team admins, approvers and staff (`mfa_required`) who have no factor yet are sent to set one
  up at their next login, and kept there until they do (MfaSetupMiddleware).
- Factor changes and recovery-code use are audited and mailed (people/signals.py).
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn import forms as webauthn_forms
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings

from accounts.roles import APPROVER, TEAM_ADMIN, role_of

SETUP_REQUIRED = "_mfa_setup_required"  # session flag set at login (MfaSetupMiddleware)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def mfa_required(user) -> bool:
    """Whether the person must have a second factor (MFA_REQUIRED: team admins, approvers and
    staff; buyers may choose)."""
    if not settings.MFA_REQUIRED or not user.is_authenticated:
        return False
    return user.is_staff or role_of(user) in (APPROVER, TEAM_ADMIN)


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists()


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account side, as Cupboard uses it: no sign-up (people are invited), no
    "signed in as" banner, Django's model backend for the session."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        if message_template in (
            "account/messages/logged_in.txt",
            "account/messages/logged_out.txt",
        ):
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def login(self, request, user) -> None:
        if not hasattr(user, "backend"):
            user.backend = MODEL_BACKEND  # not django-axes' backend, which keeps no sessions
        super().login(request, user)


class MFAAdapter(DefaultMFAAdapter):
    def send_notification_mail(self, *args, **kwargs) -> None:
        """Cupboard mails factor changes itself, through its notifications (people/signals.py)."""

    def get_totp_label(self, user) -> str:
        return user.get_username()


def refuse_if_locked(user) -> None:
    """ValidationError while django-axes locks (this user, this address): no factor is even
    checked then, a right code no more than a wrong one."""
    request = _current_request()
    if (
        user is not None
        and request is not None
        and AxesProxyHandler.is_locked(request, credentials={"username": user.get_username()})
    ):
        raise forms.ValidationError(
            f"Too many wrong attempts: signing in as {user.get_username()} from here is locked "
            f"for {settings.AXES_COOLOFF_MINUTES:g} minutes."
        )


class AuthenticateForm(AllauthAuthenticateForm):
    """allauth's code form (an app's code or a recovery code), refused while locked."""

    def clean_code(self):
        refuse_if_locked(self.user)
        return super().clean_code()


def _current_request():
    return context.request


# --- passkey answers that cannot be read ------------------------------------------------------
# allauth's passkey forms let a malformed answer through to fido2, which then fails with a
# KeyError, or json with a ValueError (an integer of 4,300+ digits): a server error for what is
# bad input. These forms refuse it in words instead (MFA_FORMS, settings.py).

UNREADABLE = "That passkey answer could not be read. Try again, or use your code."


class CredentialField(forms.JSONField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValueError:  # json's limit on digits (JSONDecodeError is handled by Django)
            raise forms.ValidationError(UNREADABLE) from None


class _ReadableCredential(forms.Form):
    credential = CredentialField(required=True, widget=forms.HiddenInput)

    def clean_credential(self):
        refuse_if_locked(self.user)  # (None when signing in with a passkey alone)
        try:
            return super().clean_credential()
        except (KeyError, TypeError, ValueError, AttributeError):
            raise forms.ValidationError(UNREADABLE) from None


class LoginWebAuthnForm(_ReadableCredential, webauthn_forms.LoginWebAuthnForm):
    pass


class AuthenticateWebAuthnForm(_ReadableCredential, webauthn_forms.AuthenticateWebAuthnForm):
    pass


class ReauthenticateWebAuthnForm(_ReadableCredential, webauthn_forms.ReauthenticateWebAuthnForm):
    pass


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    credential = CredentialField(required=True, widget=forms.HiddenInput)

    def clean(self):
        try:
            return super().clean()
        except (KeyError, TypeError, ValueError, AttributeError):
            raise forms.ValidationError(UNREADABLE) from None
