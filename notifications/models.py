"""Notifications: an outbox written in the same transaction as the change that causes it, read
in the app (the bell) and delivered by e-mail (at once, in a daily digest, or not at all, per the
recipient's preference) and to team webhooks.

Exactly once: a notification is unique per (event, recipient) and a webhook delivery per (event,
webhook), so a retried transaction, a second worker or a crashed sender never makes a second one;
sending claims a row with a short lease and marks it sent right after the server accepted it.
"""

from django.conf import settings
from django.db import models

from notifications.kinds import DELIVERY_CHOICES, IMMEDIATELY


class EmailState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    HELD = "held", "Held for the daily digest"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not e-mailed (turned off, or no address)"
    FAILED = "failed", "Gave up after many attempts"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, db_index=True)
    event = models.CharField(max_length=120, help_text="What happened, e.g. order:12:placed.")
    subject = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True, help_text="A path of this site.")
    context = models.JSONField(default=dict, help_text="What the mail shows, as it was then.")
    to_email = models.EmailField(
        blank=True, help_text="Sent to this address instead of the recipient's (e.g. a new one)."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="one_notice_per_event")
        ]
        indexes = [models.Index(fields=["email_state", "next_attempt_at"], name="notice_due_idx")]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class Preference(models.Model):
    """How a user wants one kind of notification e-mailed (no row: the kind's default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=40)
    delivery = models.CharField(max_length=12, choices=DELIVERY_CHOICES, default=IMMEDIATELY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_pref_per_kind")]

    def __str__(self):
        return f"{self.user}: {self.kind} {self.delivery}"


class DigestSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_settings"
    )
    hour = models.PositiveSmallIntegerField(
        default=7, help_text="The hour (0–23, the site's time zone) the daily digest is sent."
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(hour__lte=23), name="digest_hour")]

    def __str__(self):
        return f"{self.user}: digest at {self.hour}:00"


class Digest(models.Model):
    """One daily digest sent to one user: at most one per user and day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    notifications = models.ManyToManyField(Notification, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self):
        return f"Digest for {self.user} on {self.day}"


class Webhook(models.Model):
    """A team chat's incoming webhook (Slack, Microsoft Teams): chosen kinds of events are
    POSTed to it as JSON, signed with an HMAC of the body."""

    name = models.CharField(max_length=80)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128, help_text="Signs each body: X-Cupboard-Signature.")
    kinds = models.JSONField(default=list, help_text="The kinds of event it receives.")
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=120)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed = models.BooleanField(default=False, help_text="Gave up after many attempts.")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="one_delivery_per_event")
        ]

    def __str__(self):
        return f"{self.event} → {self.webhook}"


class OutboxMail(models.Model):
    """A mail as it was sent, kept by the local outbox backend (development and `make run`),
    so staff can read notifications without an SMTP server."""

    sent_at = models.DateTimeField(auto_now_add=True)
    to = models.CharField(max_length=300)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "mail in the local outbox"
        verbose_name_plural = "local outbox"

    def __str__(self):
        return f"{self.subject} → {self.to}"


class Incident(models.Model):
    """Something staff must know about, open from when it is noticed until it clears: staff
    hear of it once when it opens and once when it is resolved (notifications.services)."""

    condition = models.CharField(max_length=60)
    summary = models.CharField(max_length=300)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["condition"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_incident_per_condition",
            )
        ]

    def __str__(self):
        return f"{self.condition} ({'open' if self.resolved_at is None else 'resolved'})"
