from django.tasks import task

from notifications.services import deliver_due, deliver_webhooks, send_digests


@task()
def deliver_notifications() -> int:
    """Send the e-mails and webhook posts that are due (right after the change that made them,
    and on schedule for retries)."""
    return deliver_due() + deliver_webhooks()


@task()
def send_daily_digests() -> int:
    return send_digests()
