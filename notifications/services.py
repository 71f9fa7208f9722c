"""Every write of the notifications app: writing the outbox, delivering it, preferences, reading.

`notify` is called by the app whose change causes the event, inside the transaction that makes
the change (a transactional outbox): the notification exists if and only if the change does.
Delivery happens later, by a task (`deliver_due`, right after the commit and then on schedule),
with retries and backoff, so an SMTP outage delays mail and loses none.

The window that remains: a mail the SMTP server has accepted is marked sent in the next
statement (its own autocommit, milliseconds later). A worker killed in between sends it once
more when its claim expires (CLAIM_SECONDS) — the only way to a second copy, and that copy has
the same Message-ID (`<notification-N@host>`), which mail clients use to drop duplicates.
"""

import hashlib
import hmac
import json
import logging
import smtplib
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.roles import is_approver
from core import user_facts
from core.http import absolute_url
from notifications import kinds
from notifications.models import (
    Digest,
    DigestSettings,
    EmailState,
    Incident,
    Notification,
    Preference,
    Webhook,
    WebhookDelivery,
)

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 60  # longer than one SMTP send or webhook POST (their timeouts are 10 s)
MAX_ATTEMPTS = 12  # with the backoff below: about a day of retries
BACKOFF_BASE, BACKOFF_CAP = 30, 3 * 3600
UNREAD = "unread_notifications"  # the per-user fact of the header's bell
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
DEFAULT_DIGEST_HOUR = 7


# --- writing the outbox ----------------------------------------------------------------------


def notify(
    *,
    kind: str,
    event: str,
    recipients,
    subject: str,
    url: str = "",
    context: dict | None = None,
    email: str = "",
) -> None:
    """Record that `event` happened for each of `recipients` (users), once: a second call with
    the same event for the same person adds nothing. Call it inside the transaction that makes
    the change; the team's webhooks get it too. With `email`, the mail goes to that address
    instead of the recipient's, even if their account is not active yet (an invitation, a new
    address to confirm), and it stays out of the bell (its link is for that mailbox only)."""
    _to_webhooks(kind=kind, event=event, subject=subject, url=url)
    users = {user.pk: user for user in recipients if user is not None and (user.is_active or email)}
    if not users:
        return
    now = timezone.now()
    deliveries = delivery_for(users.values(), kind)
    rows = [
        Notification(
            recipient=user,
            kind=kind,
            event=event,
            subject=subject[:200],
            url=url,
            context=context or {},
            to_email=email,
            email_state=_email_state(email or user.email, kind, deliveries[user.pk]),
            next_attempt_at=now,
            read_at=now if email else None,
        )
        for user in users.values()
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    for user_id in users:
        user_facts.forget(user_id, UNREAD)
    transaction.on_commit(_deliver_soon)


def _email_state(address: str, kind: str, delivery: str) -> str:
    if not address:
        return EmailState.SKIPPED
    if kinds.get(kind).essential:
        return EmailState.PENDING
    if delivery == kinds.OFF:
        return EmailState.SKIPPED
    return EmailState.HELD if delivery == kinds.DIGEST else EmailState.PENDING


def _to_webhooks(*, kind: str, event: str, subject: str, url: str) -> None:
    text = f"{subject} {absolute_url(url)}" if url else subject
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(webhook=hook, event=event, payload={"text": text}, next_attempt_at=now)
            for hook in Webhook.objects.filter(active=True)
            if kind in hook.kinds
        ],
        ignore_conflicts=True,
    )


def _deliver_soon() -> None:
    from notifications.tasks import deliver_notifications

    try:
        deliver_notifications.enqueue()
    except Exception:  # the schedule sends it within a minute anyway
        logger.warning("Could not enqueue the notification delivery", exc_info=True)


# --- preferences -----------------------------------------------------------------------------


def delivery_for(users, kind: str) -> dict[int, str]:
    """How each user wants this kind e-mailed (their preference, or the kind's default)."""
    users = list(users)
    default = kinds.get(kind).default
    chosen = dict(
        Preference.objects.filter(user__in=users, kind=kind).values_list("user_id", "delivery")
    )
    return {user.pk: chosen.get(user.pk, default) for user in users}


def preferences_of(user) -> list[dict]:
    """Every kind the user is offered, with how they get it now."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    audiences = audiences_of(user)
    return [
        {"kind": kind, "delivery": chosen.get(kind.key, kind.default)}
        for kind in kinds.KINDS.values()
        if kind.audience in audiences and not kind.essential
    ]


def audiences_of(user) -> set[str]:
    audiences = {"buyer"}
    if is_approver(user):
        audiences.add("approver")
    if user.is_staff:
        audiences.add("staff")
    return audiences


def preference_set(*, user, kind: str, delivery: str) -> None:
    kinds.get(kind)  # KeyError for a kind that does not exist
    Preference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
    if delivery != kinds.DIGEST:  # what was held for a digest goes (or not) as now chosen
        held = Notification.objects.filter(recipient=user, kind=kind, email_state=EmailState.HELD)
        if delivery == kinds.OFF:
            held.update(email_state=EmailState.SKIPPED)
        else:
            held.update(email_state=EmailState.PENDING, next_attempt_at=timezone.now())


def digest_hour_set(*, user, hour: int) -> None:
    DigestSettings.objects.update_or_create(user=user, defaults={"hour": hour})


def unsubscribe_token(user, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe(token: str):
    """Turn one kind of mail off for the user the signed token names; returns (user, kind),
    or raises signing.BadSignature / LookupError."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    user = get_user_model().objects.get(pk=data["u"])
    kind = kinds.get(data["k"])
    preference_set(user=user, kind=kind.key, delivery=kinds.OFF)
    return user, kind


# --- reading in the app ----------------------------------------------------------------------


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read (or, with no id, all of them)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    marked = unread.update(read_at=timezone.now())
    user_facts.forget(user.pk, UNREAD)
    return marked


# --- delivering e-mail -----------------------------------------------------------------------


def delivery_due() -> bool:
    """Whether any mail or webhook post is due (the scheduler's cheap check)."""
    now = timezone.now()
    return (
        Notification.objects.filter(
            email_state=EmailState.PENDING, next_attempt_at__lte=now
        ).exists()
        or WebhookDelivery.objects.filter(
            delivered_at__isnull=True, failed=False, next_attempt_at__lte=now
        ).exists()
    )


def digests_waiting() -> bool:
    return Notification.objects.filter(email_state=EmailState.HELD).exists()


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send the notifications whose mail is due, each under a claim; returns how many went."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        email_state=EmailState.PENDING, next_attempt_at__lte=now
    ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    sent = 0
    for pk in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]:
        notification = _claim(
            Notification.objects, pk, now, "recipient", email_state=EmailState.PENDING
        )
        if notification is not None and _send_one(notification, now):
            sent += 1
    return sent


def _claim(manager, pk: int, now: datetime, related: str, **state):
    """The row (with `related`), claimed for CLAIM_SECONDS, if no other process holds it."""
    claimed = (
        manager.filter(pk=pk, **state)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    return manager.select_related(related).get(pk=pk) if claimed else None


def _send_one(notification: Notification, now: datetime) -> bool:
    try:
        message = build_mail(notification)
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        _retry_later(Notification.objects, notification, now, exc, state=EmailState.FAILED)
        return False
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return True


def _retry_later(manager, row, now: datetime, exc: Exception, *, state=None) -> None:
    attempts = row.attempts + 1
    delay = min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)
    changes = {
        "attempts": attempts,
        "next_attempt_at": now + timedelta(seconds=delay),
        "claimed_until": None,
        "last_error": f"{type(exc).__name__}: {exc}"[:300],
    }
    if attempts >= MAX_ATTEMPTS:
        changes.update(state)
    manager.filter(pk=row.pk).update(**changes)
    logger.warning("Delivery of %s failed (attempt %d): %s", row, attempts, type(exc).__name__)


def build_mail(notification: Notification) -> EmailMultiAlternatives:
    """The notification as a multipart mail (plain text and HTML from the kind's templates),
    with a one-click unsubscribe (RFC 8058) for its kind and a Message-ID of its own."""
    kind = kinds.get(notification.kind)
    user = notification.recipient
    context = mail_context(user, kind)
    context |= {
        "n": notification,
        "c": notification.context,
        "link": absolute_url(notification.url),
    }
    return _mail(
        user=user,
        subject=notification.subject,
        template=kind.template,
        context=context,
        unsubscribe_kind=None if kind.essential else kind.key,
        message_id=f"<notification-{notification.pk}@{_host()}>",
        to=notification.to_email or user.email,
    )


def mail_context(user, kind=None) -> dict:
    return {
        "recipient": user,
        "kind": kind,
        "site_url": absolute_url(""),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "unsubscribe_url": (
            absolute_url(
                reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kind.key)])
            )
            if kind is not None and not kind.essential
            else ""
        ),
    }


def _mail(*, user, subject, template, context, unsubscribe_kind=None, message_id=None, to=""):
    text = render_to_string(f"{template}.txt", context).strip() + "\n"
    html = render_to_string(f"{template}.html", context)
    headers = {"Message-ID": message_id or make_msgid(domain=_host())}
    if unsubscribe_kind is not None:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to or user.email], headers=headers
    )
    message.attach_alternative(html, "text/html")
    return message


def _host() -> str:
    return absolute_url("").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "cupboard"


# --- the daily digest ------------------------------------------------------------------------


def send_digests(*, now: datetime | None = None) -> int:
    """Send each user whose digest hour has come today their held notifications in one mail
    (nothing when there are none); at most one digest per user a day."""
    now = timezone.localtime(now or timezone.now())
    hours = dict(DigestSettings.objects.values_list("user_id", "hour"))
    waiting = (
        Notification.objects.filter(email_state=EmailState.HELD)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in waiting:
        if now.hour >= hours.get(user_id, DEFAULT_DIGEST_HOUR) and _send_digest(user_id, now):
            sent += 1
    return sent


def _send_digest(user_id: int, now: datetime) -> bool:
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user_id=user_id, day=now.date())
    except IntegrityError:
        return False  # sent today already (or being sent by another worker)
    held = list(
        Notification.objects.filter(recipient_id=user_id, email_state=EmailState.HELD)
        .select_related("recipient")
        .order_by("created_at")
    )
    user = held[0].recipient if held else get_user_model().objects.get(pk=user_id)
    context = mail_context(user) | {"notifications": held, "day": now.date()}
    count = len(held)
    subject = f"Cupboard: {count} update{'s' if count != 1 else ''} for {now:%b %-d}"
    try:
        _mail(
            user=user, subject=subject, template="notifications/mail/digest", context=context
        ).send()
    except (smtplib.SMTPException, OSError) as exc:
        digest.delete()  # the next run tries again; the notifications stay held
        logger.warning("Digest for user %s failed: %s", user_id, type(exc).__name__)
        return False
    digest.notifications.set(held)
    Notification.objects.filter(pk__in=[n.pk for n in held]).update(
        email_state=EmailState.SENT, sent_at=timezone.now()
    )
    Digest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return True


# --- team webhooks ---------------------------------------------------------------------------


def deliver_webhooks(*, now: datetime | None = None, limit: int = 100) -> int:
    """POST the due webhook deliveries, each under a claim; returns how many were accepted."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        delivered_at__isnull=True, failed=False, next_attempt_at__lte=now
    ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    delivered = 0
    for pk in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]:
        delivery = _claim(WebhookDelivery.objects, pk, now, "webhook", delivered_at__isnull=True)
        if delivery is None:
            continue
        try:
            post_webhook(delivery.webhook, delivery.payload)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            _retry_later(WebhookDelivery.objects, delivery, now, exc, state={"failed": True})
            continue
        WebhookDelivery.objects.filter(pk=pk).update(
            delivered_at=timezone.now(), claimed_until=None, last_error=""
        )
        delivered += 1
    return delivered


def signature(secret: str, body: bytes) -> str:
    """The X-Cupboard-Signature header: sha256=<hex HMAC-SHA256 of the body with the secret>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(webhook: Webhook, payload: dict) -> None:
    """POST the payload (JSON that Slack and Teams incoming webhooks accept); raises on any
    answer that is not 2xx. Plain urllib: this app does not speak to Cup Source, and only
    cupsource uses httpx."""
    body = json.dumps(payload).encode()
    request = urllib.request.Request(  # noqa: S310 (staff-configured http(s) URL)
        webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Cupboard",
            "X-Cupboard-Signature": signature(webhook.secret, body),
        },
    )
    if not webhook.url.startswith(("https://", "http://")):
        raise ValueError("A webhook URL must start with https:// or http://")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise urllib.error.URLError(f"HTTP {response.status}")


def webhook_failures(*, since: datetime) -> list[WebhookDelivery]:
    """Deliveries that failed for good, or are failing, since then (for System status)."""
    return list(
        WebhookDelivery.objects.filter(created_at__gte=since, delivered_at__isnull=True)
        .exclude(last_error="")
        .select_related("webhook")[:10]
    )


# --- incidents (staff alerts) ----------------------------------------------------------------

STAFF_ALERT = "staff_alert"


def incident_update(*, condition: str, active: bool, summary: str = "", url: str = "") -> None:
    """Open an incident for `condition` when it becomes active, resolve it when it clears; staff
    hear once of each (the partial unique constraint allows one open incident per condition)."""
    staff = get_user_model().objects.filter(is_staff=True, is_active=True)
    with transaction.atomic():
        incident = (
            Incident.objects.select_for_update()
            .filter(condition=condition, resolved_at__isnull=True)
            .first()
        )
        if active and incident is None:
            try:
                with transaction.atomic():
                    incident = Incident.objects.create(condition=condition, summary=summary[:300])
            except IntegrityError:
                return  # opened by another process a moment ago
            event, subject, resolved = f"incident:{incident.pk}:opened", summary, False
        elif not active and incident is not None:
            incident.resolved_at = timezone.now()
            incident.save(update_fields=["resolved_at"])
            event, subject, resolved = (
                f"incident:{incident.pk}:resolved",
                f"Resolved: {incident.summary}",
                True,
            )
        else:
            return
        context = {"summary": incident.summary, "resolved": resolved}
        notify(kind=STAFF_ALERT, event=event, recipients=staff, subject=subject, url=url,
               context=context)  # fmt: skip
