"""Failed logins go to the audit log, and each login and logout is kept with its session.
Django's `user_login_failed`, `user_logged_in`, `user_logged_out` (and django-axes'
`user_locked_out`) signals are the only place every login can be seen, whichever view made it,
hence receivers."""

from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.audit import Action, audit_record
from accounts.ip import client_ip
from accounts.sessions import session_forget, session_record


@receiver(user_login_failed)
def audit_failed_login(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    wrong_code = credentials.get("factor") == "mfa"
    audit_record(
        action=Action.MFA_FAILED if wrong_code else Action.LOGIN_FAILED,
        username=username,
        summary=f"Wrong sign-in code for “{username}”"
        if wrong_code
        else f"Failed login as “{username}”",
        ip=client_ip(request) if request is not None else None,
    )


@receiver(mfa_signals.authentication_failed)
def wrong_code_is_a_failed_login(sender, request=None, user=None, **kwargs):
    """A wrong second-factor code counts towards django-axes' lockout of (user, address), like
    a wrong password (axes listens to `user_login_failed`)."""
    if user is not None:
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.get_username(), "factor": "mfa"},
            request=request,
        )


@receiver(user_locked_out)
def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    audit_record(
        action=Action.LOGIN_LOCKED_OUT,
        username=username,
        summary=f"Too many failed logins as “{username}”: locked out for a while",
        ip=client_ip(request) if request is not None else None,
    )


@receiver(user_logged_in)
def remember_session(sender, request=None, user=None, **kwargs):
    """Each login is kept (accounts.sessions), so the profile can list and end sessions."""
    if request is not None and hasattr(request, "session"):
        session_record(request=request, user=user)


@receiver(user_logged_out)
def forget_session(sender, request=None, user=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_forget(session_key=request.session.session_key)
