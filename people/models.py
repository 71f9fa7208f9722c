"""Invitations. A team admin invites someone by e-mail: an account is made for them at once
(inactive, no usable password, so it can be addressed by notifications and shown on the Team
page) and a single-use link is mailed; opening it within INVITATION_DAYS lets them choose a user
name and password, which activates the account. Only a digest of the link's token is kept."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.roles import ROLES


class Invitation(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Invited"
        EXPIRED = "expired", "Invitation expired"
        ACCEPTED = "accepted", "Joined"
        REVOKED = "revoked", "Invitation withdrawn"

    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        help_text="The account made for them (inactive until they join).",
    )
    role = models.CharField(max_length=16, choices=ROLES)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    sends = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"Invitation of {self.email}"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.PENDING

    @property
    def state_label(self) -> str:
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        """Not joined nor withdrawn: it can be sent again (or withdrawn)."""
        return self.accepted_at is None and self.revoked_at is None
