"""The local outbox: a mail backend that keeps every mail in the database instead of sending
it, so that `make run` shows notifications without an SMTP server. Staff read them in the admin
(Notifications › Local outbox), each rendered as sent."""

from django.core.mail.backends.base import BaseEmailBackend

from notifications.models import OutboxMail


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            html = next(
                (
                    body
                    for body, mime in getattr(message, "alternatives", [])
                    if mime == "text/html"
                ),
                "",
            )
            OutboxMail.objects.create(
                to=", ".join(message.to)[:300],
                subject=message.subject[:300],
                text=message.body,
                html=html,
                headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
            )
        return len(email_messages)
