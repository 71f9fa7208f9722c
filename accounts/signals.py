"""Failed logins go to the audit log. Django's `user_login_failed` (and django-axes'
`user_locked_out`) signals are the only place a failed login can be seen, hence receivers."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from accounts.audit import Action, audit_record
from accounts.ip import client_ip


@receiver(user_login_failed)
def audit_failed_login(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action=Action.LOGIN_FAILED,
        username=username,
        summary=f"Failed login as “{username}”",
        ip=client_ip(request) if request is not None else None,
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
