"""The audit log: who did what, when (and from where, for logins). Written only through
`accounts.audit.audit_record`; read-only everywhere else, the admin included."""

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGIN_LOCKED_OUT = "login_locked_out", "Login locked out"
        ORDER_SUBMITTED = "order_submitted", "Order submitted"
        ORDER_RESENT = "order_resent", "Order changed and sent again"
        ORDER_APPROVED = "order_approved", "Order approved"
        ORDER_REJECTED = "order_rejected", "Order rejected"
        ADDRESS_CREATED = "address_created", "Address added"
        ADDRESS_CHANGED = "address_changed", "Address changed"
        ADDRESS_DELETED = "address_deleted", "Address removed"
        SYNC_TRIGGERED = "sync_triggered", "Catalog sync started"
        MEMBER_INVITED = "member_invited", "Person invited"
        INVITATION_RESENT = "invitation_resent", "Invitation sent again"
        INVITATION_REVOKED = "invitation_revoked", "Invitation withdrawn"
        MEMBER_JOINED = "member_joined", "Person joined"
        ROLE_CHANGED = "role_changed", "Role changed"
        THRESHOLD_CHANGED = "threshold_changed", "Spending threshold changed"
        MEMBER_DEACTIVATED = "member_deactivated", "Person deactivated"
        MEMBER_REACTIVATED = "member_reactivated", "Person reactivated"
        VISIBILITY_CHANGED = "visibility_changed", "Order visibility changed"
        PROFILE_CHANGED = "profile_changed", "Profile changed"
        EMAIL_CHANGE_REQUESTED = "email_change_requested", "E-mail change requested"
        EMAIL_CHANGED = "email_changed", "E-mail changed"
        SESSIONS_ENDED = "sessions_ended", "Other sessions signed out"
        MFA_CHANGED = "mfa_changed", "Sign-in factor changed"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        MFA_RECOVERY_USED = "mfa_recovery_used", "Recovery code used"
        MFA_FAILED = "mfa_failed", "Wrong sign-in code"
        ORDER_ON_BEHALF = "order_on_behalf", "Order placed on behalf"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The signed-in user who did it (empty for failed logins).",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="The user name as it was then, or as typed."
    )
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "audit entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary}"


class TeamSettings(models.Model):
    """The team's own choices, made by a team admin on the Team page (one row, or none: the
    settings' defaults). It also declares the team admins' permission."""

    order_visibility = models.CharField(
        max_length=8,
        blank=True,
        choices=[("team", "The team's orders, read-only"), ("own", "Own orders only")],
        help_text="What a buyer's order list shows; empty: the ORDER_VISIBILITY setting.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "team settings"
        permissions = [("manage_team", "Can manage the team: people, roles, addresses, lists")]

    def __str__(self):
        return "Team settings"


class UserSession(models.Model):
    """A signed-in session of a user (written at login, removed at logout): the profile lists
    them, "sign out everywhere else" and deactivation end them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-signed_in_at", "-pk"]

    def __str__(self):
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"

    BROWSERS = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                ("Safari/", "Safari")]  # fmt: skip
    SYSTEMS = [("Windows", "Windows"), ("iPhone", "iPhone"), ("iPad", "iPad"),
               ("Android", "Android"), ("Mac OS X", "macOS"), ("Linux", "Linux")]  # fmt: skip

    @property
    def browser(self) -> str:
        """ "Chrome on Linux", from the user agent (what a person recognises of their devices)."""
        agent = self.user_agent
        name = next((label for mark, label in self.BROWSERS if mark in agent), "")
        system = next((label for mark, label in self.SYSTEMS if mark in agent), "")
        if name and system:
            return f"{name} on {system}"
        return name or system or "An unknown browser"
