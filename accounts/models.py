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
