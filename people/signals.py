"""Sign-in factor changes and recovery-code use are audited and mailed to the person. django-
allauth's MFA signals are the only place every such change is seen (its own pages make them),
hence receivers; connected in PeopleConfig.ready()."""

from allauth.account import signals as account_signals
from allauth.mfa import signals
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from accounts.audit import Action, audit_record
from people.services import security_notice

NAMES = {
    Authenticator.Type.TOTP: "an authenticator app",
    Authenticator.Type.WEBAUTHN: "a passkey",
    Authenticator.Type.RECOVERY_CODES: "recovery codes",
}


def _record(user, authenticator, *, what: str, subject: str, action=Action.MFA_CHANGED) -> None:
    stamp = f"{timezone.now().timestamp():.6f}"
    with transaction.atomic():
        audit_record(
            action=action,
            actor=user,
            obj=user,
            summary=what[:300],
            details={"factor": authenticator.type, "authenticator": authenticator.pk},
        )
        security_notice(
            user=user,
            event=f"mfa:{user.pk}:{authenticator.pk}:{stamp}",
            subject=subject,
            what=what,
        )


@receiver(signals.authenticator_added)
def factor_added(sender, request=None, user=None, authenticator=None, **kwargs):
    name = NAMES.get(authenticator.type, authenticator.type)
    _record(user, authenticator, what=f"You added {name} to sign in to Cupboard.",
            subject=f"Cupboard: {name} was added to your sign-in")  # fmt: skip


@receiver(signals.authenticator_removed)
def factor_removed(sender, request=None, user=None, authenticator=None, **kwargs):
    name = NAMES.get(authenticator.type, authenticator.type)
    _record(user, authenticator, what=f"You removed {name} from your Cupboard sign-in.",
            subject=f"Cupboard: {name} was removed from your sign-in")  # fmt: skip


@receiver(signals.authenticator_reset)
def factor_reset(sender, request=None, user=None, authenticator=None, **kwargs):
    _record(user, authenticator, what="You made new recovery codes; the old ones no longer work.",
            subject="Cupboard: new recovery codes")  # fmt: skip


@receiver(signals.authenticator_used)
def factor_used(sender, request=None, user=None, authenticator=None, **kwargs):
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        return
    left = len(Authenticator.objects.get(pk=authenticator.pk).wrap().get_unused_codes())
    _record(
        user,
        authenticator,
        what=f"A recovery code was used to sign in to Cupboard ({left} left).",
        subject="Cupboard: a recovery code was used",
        action=Action.MFA_RECOVERY_USED,
    )


def _password(user, *, what: str, subject: str) -> None:
    stamp = f"{timezone.now().timestamp():.6f}"
    with transaction.atomic():
        audit_record(action=Action.PASSWORD_CHANGED, actor=user, obj=user, summary=what)
        security_notice(user=user, event=f"password:{user.pk}:{stamp}", subject=subject, what=what)


@receiver(account_signals.password_changed)
def password_changed(sender, request=None, user=None, **kwargs):
    _password(user, what="You changed your Cupboard password.",
              subject="Cupboard: your password was changed")  # fmt: skip


@receiver(account_signals.password_reset)
def password_reset(sender, request=None, user=None, **kwargs):
    _password(user, what="Your Cupboard password was set through a reset link.",
              subject="Cupboard: your password was reset")  # fmt: skip
