"""Delivering the outbox over real SMTP (aiosmtpd on loopback): once per notification, through
an SMTP outage and with two senders at once; preferences, digests, unsubscribing, webhooks."""

import hashlib
import hmac
import http.server
import json
import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from notifications import kinds
from notifications.models import Digest, EmailState, Notification, Webhook, WebhookDelivery
from notifications.services import (
    deliver_due,
    deliver_webhooks,
    notify,
    preference_set,
    send_digests,
    signature,
    unsubscribe_token,
)


@pytest.fixture
def bea(buyer):
    buyer.email = "bea@example.com"
    buyer.save()
    return buyer


def tell(user, n: int = 1, kind: str = "placed") -> None:
    for i in range(n):
        notify(kind=kind, event=f"test:{kind}:{i}", recipients=[user], subject=f"Update {i}",
               url="/orders/", context={"lines": []})  # fmt: skip


def test_each_notification_reaches_the_smtp_server_once(smtp, bea):
    tell(bea, 3)
    assert deliver_due() == 3
    assert deliver_due() == 0
    assert sorted(smtp.inbox.subjects("bea@example.com")) == ["Update 0", "Update 1", "Update 2"]
    message = smtp.inbox.messages[0]
    assert message.get_content_type() == "multipart/alternative"
    assert {part.get_content_type() for part in message.iter_parts()} == {
        "text/plain",
        "text/html",
    }


def test_an_smtp_outage_delays_mail_and_loses_none(smtp, bea):
    tell(bea, 2)
    smtp.stop()
    assert deliver_due() == 0  # refused: both retried later
    pending = Notification.objects.filter(email_state=EmailState.PENDING)
    assert pending.count() == 2 and all(n.attempts == 1 and n.last_error for n in pending)
    smtp.start()
    assert deliver_due() == 0  # not due yet: the backoff
    assert deliver_due(now=timezone.now() + timedelta(minutes=1)) == 2
    assert len(smtp.inbox.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_mail_once(smtp, django_user_model, monkeypatch):
    """Two workers run the sender at the same moment (threads, each with its own database
    connection): every notification is claimed by one of them."""
    user = django_user_model.objects.create_user("bea", email="bea@example.com")
    monkeypatch.setattr("notifications.services._deliver_soon", lambda: None)  # not at commit
    tell(user, 20)
    barrier = threading.Barrier(2)
    sent = []

    def sender():
        try:
            barrier.wait()
            sent.append(deliver_due())
        finally:
            close_old_connections()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 20
    assert sorted(smtp.inbox.subjects()) == sorted(f"Update {i}" for i in range(20))


def test_the_same_event_twice_is_one_notification(bea):
    tell(bea)
    tell(bea)
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(
    ("delivery", "state"),
    [(kinds.IMMEDIATELY, EmailState.PENDING), (kinds.DIGEST, EmailState.HELD),
     (kinds.OFF, EmailState.SKIPPED)],
)  # fmt: skip
def test_the_preference_decides_how_it_is_mailed(bea, delivery, state):
    preference_set(user=bea, kind="placed", delivery=delivery)
    tell(bea)
    assert Notification.objects.get().email_state == state


def test_without_an_address_nothing_is_mailed_but_the_bell_shows_it(buyer, buyer_client):
    tell(buyer)
    assert Notification.objects.get().email_state == EmailState.SKIPPED
    page = buyer_client.get(reverse("notifications:list")).text
    assert "Update 0" in page and 'aria-label="1 unread"' in page


def test_defaults_are_sensible(bea):
    defaults = {key: kind.default for key, kind in kinds.KINDS.items()}
    assert defaults["approval_requested"] == kinds.IMMEDIATELY
    assert defaults["delivery_problem"] == kinds.IMMEDIATELY
    assert defaults["delivered"] == kinds.DIGEST


def test_a_daily_digest_gathers_the_held_ones_at_the_users_hour(smtp, bea):
    from notifications.services import digest_hour_set

    digest_hour_set(user=bea, hour=9)
    preference_set(user=bea, kind="placed", delivery=kinds.DIGEST)
    tell(bea, 3)
    morning = timezone.localtime().replace(hour=8, minute=0)
    assert send_digests(now=morning) == 0  # not yet 9
    nine = morning.replace(hour=9)
    assert send_digests(now=nine) == 1
    assert send_digests(now=nine.replace(hour=15)) == 0  # one a day
    [digest] = smtp.inbox.messages
    assert "3 updates" in digest["Subject"]
    body = digest.get_body(preferencelist=("plain",)).get_content()
    assert "Update 0" in body and "Update 2" in body
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}


def test_no_digest_on_a_day_with_nothing_in_it(smtp, bea):
    preference_set(user=bea, kind="placed", delivery=kinds.DIGEST)
    assert send_digests(now=timezone.localtime().replace(hour=23)) == 0
    assert smtp.inbox.messages == [] and not Digest.objects.exists()


def test_a_failed_digest_is_sent_by_a_later_run(smtp, bea):
    preference_set(user=bea, kind="placed", delivery=kinds.DIGEST)
    tell(bea)
    smtp.stop()
    evening = timezone.localtime().replace(hour=20)
    assert send_digests(now=evening) == 0
    smtp.start()
    assert send_digests(now=evening.replace(hour=21)) == 1
    assert len(smtp.inbox.messages) == 1


# --- unsubscribing ---------------------------------------------------------------------------


def test_one_click_unsubscribe_turns_that_kind_off_without_logging_in(client, bea):
    token = unsubscribe_token(bea, "placed")
    response = client.post(
        reverse("notifications:unsubscribe", args=[token]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    tell(bea)
    assert Notification.objects.get().email_state == EmailState.SKIPPED


def test_following_the_link_asks_first(client, bea):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(bea, "placed")])
    page = client.get(url)
    assert page.status_code == 200 and "Stop these e-mails?" in page.text
    tell(bea)  # a link preview (GET) must not unsubscribe anyone
    assert Notification.objects.get().email_state == EmailState.PENDING
    done = client.post(url)
    assert "no more of these e-mails" in done.text


def test_a_changed_unsubscribe_link_is_refused(client, bea):
    token = unsubscribe_token(bea, "placed")
    response = client.post(reverse("notifications:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    tell(bea)
    assert Notification.objects.get().email_state == EmailState.PENDING


def test_preferences_page_saves_every_choice(bea, buyer_client):
    page = buyer_client.get(reverse("notifications:preferences"))
    assert "My order is placed" in page.text
    assert "An order waits for my approval" not in page.text  # not an approver
    data = {f"kind_{key}": kinds.IMMEDIATELY for key, k in kinds.KINDS.items()
            if k.audience == "buyer"}  # fmt: skip
    data |= {"kind_shipped": kinds.OFF, "digest_hour": "18"}
    response = buyer_client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    tell(bea, kind="shipped")
    assert Notification.objects.get().email_state == EmailState.SKIPPED
    assert bea.digest_settings.hour == 18


# --- the bell ---------------------------------------------------------------------------------


def test_the_bell_counts_unread_and_marking_read_clears_it(bea, buyer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tell(bea, 2)
    home = reverse("orders:cart")
    assert 'aria-label="2 unread"' in buyer_client.get(home).text
    with CaptureQueriesContext(connection) as queries:
        buyer_client.get(home)
    assert not [q for q in queries if "notifications_notification" in q["sql"]]
    first = Notification.objects.order_by("pk").first()
    response = buyer_client.post(
        reverse("notifications:read", args=[first.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and "notificationsRead" in response["HX-Trigger"]
    assert 'aria-label="1 unread"' in buyer_client.get(home).text
    buyer_client.post(reverse("notifications:read_all"))
    assert "unread" not in buyer_client.get(reverse("notifications:bell")).text


def test_another_users_notification_cannot_be_marked(bea, other_buyer, client):
    tell(bea)
    client.force_login(other_buyer)
    notice = Notification.objects.get()
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


# --- team webhooks ---------------------------------------------------------------------------


class Receiver(http.server.BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(Receiver.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.received, Receiver.status = [], 200
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", Receiver
    server.shutdown()


def test_a_webhook_gets_the_chosen_events_signed_and_once(receiver, bea):
    url, got = receiver
    Webhook.objects.create(name="Team chat", url=url, secret="s3cret", kinds=["placed"])
    tell(bea)
    tell(bea)  # the same event: one delivery
    tell(bea, kind="shipped")  # not chosen
    assert deliver_webhooks() == 1
    assert deliver_webhooks() == 0
    [(headers, body)] = got.received
    assert json.loads(body) == {"text": "Update 0 http://testserver/orders/"}
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Cupboard-Signature"] == expected == signature("s3cret", body)


def test_a_failing_webhook_is_retried_and_shows_its_error(receiver, bea):
    url, got = receiver
    Webhook.objects.create(name="Team chat", url=url, secret="s", kinds=["placed"])
    got.status = 500
    tell(bea)
    assert deliver_webhooks() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and "500" in delivery.last_error
    got.status = 200
    assert deliver_webhooks(now=timezone.now() + timedelta(minutes=1)) == 1


def test_staff_see_failing_webhooks_on_system_status(receiver, bea, admin_client):
    url, got = receiver
    Webhook.objects.create(name="Team chat", url=url, secret="s", kinds=["placed"])
    got.status = 500
    tell(bea)
    deliver_webhooks()
    page = admin_client.get(reverse("system_status")).text
    assert "Team chat" in page and "HTTP Error 500" in page


# --- the local outbox -------------------------------------------------------------------------


def test_the_local_outbox_keeps_each_mail_for_staff_to_read(settings, bea, admin_client):
    from notifications.models import OutboxMail

    settings.MAILERS = {"default": {"BACKEND": "notifications.backends.OutboxBackend"}}
    tell(bea)
    deliver_due()
    mail = OutboxMail.objects.get()
    assert mail.to == "bea@example.com" and mail.subject == "Update 0"
    listing = admin_client.get(reverse("admin:notifications_outboxmail_changelist")).text
    assert "Update 0" in listing
    html = admin_client.get(reverse("admin:notifications_outboxmail_html", args=[mail.pk]))
    assert "Update 0" in html.text and "script-src" not in html["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in html["Content-Security-Policy"]


def test_make_run_defaults_to_the_local_outbox():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "EMAIL_URL"}
    env |= {"DJANGO_DEBUG": "true", "DJANGO_READ_DOT_ENV": "false"}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.MAILERS)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            timeout=60, check=True)  # fmt: skip
    assert "notifications.backends.OutboxBackend" in result.stdout
