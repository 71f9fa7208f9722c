"""Every write of the people app: the team admins' (invitations, roles, spending thresholds,
deactivation, order visibility) and each person's own (profile, e-mail change, sessions).
Each is one transaction that also writes the audit entry and, where someone must hear of it,
the notification (notifications.services.notify: mailed after the commit).

Rules kept here, and only here:
- The team always keeps an active team admin: nobody demotes or deactivates the last one.
- Nobody deactivates themselves, and staff accounts are managed in the Django admin.
- An invitation link works once, for INVITATION_DAYS; sending it again replaces the link.
- A new e-mail address takes effect only from the link mailed to it (once, within a day).
"""

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import Action, audit_record
from accounts.models import TeamSettings
from accounts.roles import (
    ALL_ROLE_GROUPS,
    TEAM_ADMIN,
    role_groups,
    role_label,
    role_of,
    team_admins,
)
from accounts.sessions import sessions_end
from core import once
from notifications.services import notify
from orders_app.models import BuyerSettings
from people.models import Invitation

EMAIL_CHANGE_SALT = "people.email_change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600  # seconds a confirmation link works


class TeamError(Exception):
    """A change that cannot be made, in words for the person who tried; `field` names the
    form field it is about (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _set_role_groups(user, role: str) -> None:
    user.groups.remove(*Group.objects.filter(name__in=ALL_ROLE_GROUPS))
    user.groups.add(*Group.objects.filter(name__in=role_groups(role)))


def _keeps_a_team_admin(member) -> None:
    """TeamError if `member` is the last active team admin (they are about to stop being one)."""
    if role_of(member) == TEAM_ADMIN and not team_admins().exclude(pk=member.pk).exists():
        raise TeamError(
            f"{display_name(member)} is the team's last team admin: make someone else a team "
            "admin first, so the team is never without one."
        )


def _not_staff(member) -> None:
    if member.is_staff or member.is_superuser:
        raise TeamError(
            f"{display_name(member)} is staff: staff accounts are managed in the admin."
        )


# --- invitations -----------------------------------------------------------------------------


def member_invite(*, by, email: str, role: str) -> Invitation:
    """Invite `email` with `role`: an inactive account for them and a mailed single-use link."""
    email = email.strip()
    role_label(role)  # KeyError for a role that does not exist
    User = get_user_model()
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            open_invitation = existing.invitations.filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            ).exists()
            if open_invitation:
                raise TeamError(f"{email} is invited already: send the invitation again below.")
            if not existing.is_active:
                raise TeamError(
                    f"{email} belongs to {display_name(existing)}, who is deactivated: "
                    "reactivate them instead."
                )
            raise TeamError(f"{email} already belongs to {display_name(existing)}.")
        user = User(username=f"invited-{secrets.token_hex(6)}", email=email, is_active=False)
        user.set_unusable_password()
        user.save()
        _set_role_groups(user, role)
        invitation = Invitation(email=email, user=user, role=role, invited_by=by)
        token = _new_link(invitation)
        invitation.save()
        audit_record(
            action=Action.MEMBER_INVITED,
            actor=by,
            obj=invitation,
            summary=f"Invited {email} as {role_label(role).lower()}",
            details={"email": email, "role": role},
        )
        _mail_invitation(invitation, token)
    return invitation


def _new_link(invitation: Invitation) -> str:
    """A fresh token for the invitation (the old link stops working); returns the token."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_digest = _digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
    return token


def _mail_invitation(invitation: Invitation, token: str) -> None:
    inviter = display_name(invitation.invited_by) if invitation.invited_by else "Your team"
    notify(
        kind="invitation",
        event=f"invitation:{invitation.pk}:{invitation.sends}",
        recipients=[invitation.user],
        email=invitation.email,
        subject=f"{inviter} invites you to order with Cupboard",
        url=reverse("people:join", args=[token]),
        context={
            "inviter": inviter,
            "role": role_label(invitation.role),
            "expires": timezone.localtime(invitation.expires_at).strftime("%b %-d, %Y %H:%M %Z"),
            "hours": settings.INVITATION_DAYS * 24,
        },
    )


def _open_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise TeamError(
            f"The invitation of {invitation.email} is {invitation.state_label.lower()}."
        )
    return invitation


def invitation_resend(*, by, invitation: Invitation) -> Invitation:
    """Mail a new link (valid INVITATION_DAYS again); the previous link stops working."""
    with transaction.atomic():
        invitation = _open_invitation(invitation)
        token = _new_link(invitation)
        invitation.sends += 1
        invitation.save()
        audit_record(
            action=Action.INVITATION_RESENT,
            actor=by,
            obj=invitation,
            summary=f"Sent the invitation of {invitation.email} again",
            details={"email": invitation.email, "sends": invitation.sends},
        )
        _mail_invitation(invitation, token)
    return invitation


def invitation_revoke(*, by, invitation: Invitation) -> Invitation:
    """Withdraw an invitation: its link stops working and the unused account goes."""
    with transaction.atomic():
        invitation = _open_invitation(invitation)
        invitation.revoked_at = timezone.now()
        unused = invitation.user
        invitation.user = None
        invitation.save(update_fields=["revoked_at", "user"])
        if unused is not None and unused.last_login is None and not unused.is_active:
            unused.delete()
        audit_record(
            action=Action.INVITATION_REVOKED,
            actor=by,
            obj=invitation,
            summary=f"Withdrew the invitation of {invitation.email}",
            details={"email": invitation.email},
        )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link names, whatever its state (None: no such link)."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("user").filter(token_digest=_digest(token)).first()


def invitation_accept(*, token: str, username: str, first_name: str, last_name: str, password: str):
    """Join through an invitation link: the account becomes active with the chosen user name
    and password. Once only: the link is used up (TeamError for a used, expired or withdrawn
    link, and for a user name somebody has)."""
    User = get_user_model()
    with transaction.atomic():
        found = invitation_for_token(token)
        if found is None:
            raise TeamError("This invitation link is not valid: ask your team admin for a new one.")
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        if invitation.state != Invitation.State.PENDING or invitation.user is None:
            raise TeamError(_closed_message(invitation))
        if User.objects.filter(username__iexact=username).exists():
            raise TeamError(f"The user name “{username}” is taken: choose another.", "username")
        user = invitation.user
        user.username, user.first_name, user.last_name = username, first_name, last_name
        user.set_password(password)
        user.is_active = True
        user.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        audit_record(
            action=Action.MEMBER_JOINED,
            actor=user,
            obj=invitation,
            summary=f"{display_name(user)} ({username}) joined as "
            f"{role_label(invitation.role).lower()}",
            details={"email": invitation.email, "role": invitation.role},
        )
    return user


def _closed_message(invitation: Invitation) -> str:
    return {
        Invitation.State.ACCEPTED: "This invitation was used already: log in with the user "
        "name and password chosen then.",
        Invitation.State.EXPIRED: "This invitation has expired: ask your team admin to send "
        "it again.",
        Invitation.State.REVOKED: "This invitation was withdrawn: ask your team admin.",
    }.get(invitation.state, "This invitation link is not valid: ask your team admin.")


def invitation_problem(invitation: Invitation | None) -> str:
    """Why a link cannot be used (empty: it can)."""
    if invitation is None:
        return "This invitation link is not valid: ask your team admin for a new one."
    if invitation.state != Invitation.State.PENDING or invitation.user is None:
        return _closed_message(invitation)
    return ""


# --- people ----------------------------------------------------------------------------------


def member_update(*, by, member, role: str, threshold: Decimal | None) -> bool:
    """The Team page's row: role and spending threshold together, or neither (TeamError);
    returns whether anything changed."""
    with transaction.atomic():
        changed = member_set_role(by=by, member=member, role=role)
        changed |= member_set_threshold(by=by, member=member, threshold=threshold)
    return changed


def member_set_role(*, by, member, role: str) -> bool:
    """Give `member` a role; returns whether it changed."""
    before = role_of(member)
    role_label(role)
    if role == before:
        return False
    with transaction.atomic():
        _not_staff(member)
        if role != TEAM_ADMIN:
            _keeps_a_team_admin(member)
        _set_role_groups(member, role)
        audit_record(
            action=Action.ROLE_CHANGED,
            actor=by,
            obj=member,
            summary=f"{display_name(member)}: {role_label(before)} → {role_label(role)}",
            details={"user": member.get_username(), "from": before, "to": role},
        )
    return True


def member_set_threshold(*, by, member, threshold: Decimal | None) -> bool:
    """Set `member`'s spending threshold (None: the organisation's default); returns whether
    it changed."""
    with transaction.atomic():
        row, _ = BuyerSettings.objects.select_for_update().get_or_create(user=member)
        before = row.approval_threshold
        if before == threshold:
            return False
        row.approval_threshold = threshold
        row.save(update_fields=["approval_threshold"])
        audit_record(
            action=Action.THRESHOLD_CHANGED,
            actor=by,
            obj=member,
            summary=f"{display_name(member)}'s spending threshold: {_money(before)} → "
            f"{_money(threshold)}",
            details={
                "user": member.get_username(),
                "from": None if before is None else str(before),
                "to": None if threshold is None else str(threshold),
            },
        )
    return True


def _money(amount: Decimal | None) -> str:
    if amount is None:
        return f"the default (${settings.APPROVAL_THRESHOLD:,.2f})"
    return f"${amount:,.2f}"


def member_deactivate(*, by, member) -> int:
    """Deactivate `member`: they cannot log in, every session of theirs ends now; their orders
    (open ones included) stay as they are. Returns how many sessions ended."""
    if member.pk == by.pk:
        raise TeamError("You cannot deactivate yourself: ask another team admin.")
    with transaction.atomic():
        member = get_user_model().objects.select_for_update().get(pk=member.pk)
        _not_staff(member)
        if not member.is_active:
            raise TeamError(f"{display_name(member)} is deactivated already.")
        _keeps_a_team_admin(member)
        member.is_active = False
        member.save(update_fields=["is_active"])
        ended = sessions_end(user=member)
        audit_record(
            action=Action.MEMBER_DEACTIVATED,
            actor=by,
            obj=member,
            summary=f"Deactivated {display_name(member)} ({ended} session(s) ended)",
            details={"user": member.get_username(), "sessions_ended": ended},
        )
    return ended


def member_reactivate(*, by, member) -> None:
    with transaction.atomic():
        member = get_user_model().objects.select_for_update().get(pk=member.pk)
        _not_staff(member)
        if member.is_active:
            raise TeamError(f"{display_name(member)} is active already.")
        if member.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).exists():
            raise TeamError(
                f"{display_name(member)} has not joined yet: send the invitation again."
            )
        member.is_active = True
        member.save(update_fields=["is_active"])
        audit_record(
            action=Action.MEMBER_REACTIVATED,
            actor=by,
            obj=member,
            summary=f"Reactivated {display_name(member)}",
            details={"user": member.get_username()},
        )


def team_set_visibility(*, by, visibility: str) -> bool:
    with transaction.atomic():
        row, _ = TeamSettings.objects.select_for_update().get_or_create(pk=1)
        if row.order_visibility == visibility:
            return False
        before = row.order_visibility or settings.ORDER_VISIBILITY
        row.order_visibility = visibility
        row.save(update_fields=["order_visibility"])
        audit_record(
            action=Action.VISIBILITY_CHANGED,
            actor=by,
            obj=row,
            summary=f"Order visibility: {before} → {visibility}",
            details={"from": before, "to": visibility},
        )
    return True


# --- one's own profile -----------------------------------------------------------------------


def profile_update(*, user, first_name: str, last_name: str) -> bool:
    if (user.first_name, user.last_name) == (first_name, last_name):
        return False
    with transaction.atomic():
        before = display_name(user)
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        audit_record(
            action=Action.PROFILE_CHANGED,
            actor=user,
            obj=user,
            summary=f"Name: {before} → {display_name(user)}",
        )
    return True


def email_change_request(*, user, new_email: str) -> None:
    """Mail a confirmation link to `new_email`; the address changes only when it is used."""
    new_email = new_email.strip()
    User = get_user_model()
    if new_email.lower() == user.email.lower():
        raise TeamError("That is your address already.")
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise TeamError("Another account uses that address: choose another.")
    token = signing.dumps(
        {"u": user.pk, "old": user.email, "new": new_email, "n": secrets.token_hex(4)},
        salt=EMAIL_CHANGE_SALT,
        compress=True,
    )
    with transaction.atomic():
        audit_record(
            action=Action.EMAIL_CHANGE_REQUESTED,
            actor=user,
            obj=user,
            summary=f"Asked to change the e-mail address to {new_email}",
            details={"from": user.email, "to": new_email},
        )
        notify(
            kind="email_confirm",
            event=f"email-confirm:{user.pk}:{_digest(token)[:16]}",
            recipients=[user],
            email=new_email,
            subject="Confirm your new e-mail address for Cupboard",
            url=reverse("people:email_confirm", args=[token]),
            context={"new": new_email, "hours": EMAIL_CHANGE_MAX_AGE // 3600},
        )


def email_change_read(*, user, token: str) -> str:
    """The new address a confirmation link names for `user` (TeamError if it cannot be used)."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.SignatureExpired:
        raise TeamError(
            "This link has expired: ask for the change again on your profile."
        ) from None
    except signing.BadSignature:
        raise TeamError(
            "This link is not valid: ask for the change again on your profile."
        ) from None
    if data.get("u") != user.pk:
        raise TeamError("This link is for another account: log in as that person to use it.")
    if data.get("old") != user.email:
        raise TeamError("This link was used already (or your address changed since).")
    return data["new"]


def email_change_confirm(*, user, token: str) -> str:
    """Use a confirmation link (once): the address becomes the new one; the old address is told."""
    with transaction.atomic():
        new_email = email_change_read(user=user, token=token)
        try:
            once.consume(_digest(token))
        except once.AlreadyDone:
            raise TeamError("This link was used already.") from None
        if get_user_model().objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
            raise TeamError("Another account uses that address now: choose another.")
        old = user.email
        user.email = new_email
        user.save(update_fields=["email"])
        audit_record(
            action=Action.EMAIL_CHANGED,
            actor=user,
            obj=user,
            summary=f"E-mail address: {old} → {new_email}",
            details={"from": old, "to": new_email},
        )
        if old:
            security_notice(
                user=user,
                event=f"email-changed:{user.pk}:{_digest(token)[:16]}",
                subject="Your Cupboard e-mail address was changed",
                what=f"The e-mail address of your Cupboard account is now {new_email}.",
                email=old,
            )
    return new_email


def sessions_end_others(*, user, current_key: str | None) -> int:
    with transaction.atomic():
        ended = sessions_end(user=user, keep=current_key)
        audit_record(
            action=Action.SESSIONS_ENDED,
            actor=user,
            obj=user,
            summary=f"Signed out everywhere else ({ended} session(s))",
            details={"ended": ended},
        )
    return ended


def security_notice(*, user, event: str, subject: str, what: str, email: str = "") -> None:
    """Tell `user` (at `email`, or their address) that something about their sign-in changed."""
    notify(
        kind="account_security",
        event=event,
        recipients=[user],
        email=email,
        subject=subject,
        url=reverse("people:profile"),
        context={"what": what, "when": timezone.localtime().strftime("%b %-d, %Y %H:%M %Z")},
    )
