"""Sessions: a new session key at login (no fixation), an idle timeout that slides, and an
absolute timeout that activity does not push back."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import RENEWED_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def test_logging_in_rotates_the_session_key(client, buyer):
    client.get(reverse("login"))
    session = client.session
    session["before_login"] = "x"
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": "buyer", "password": "pw-buyer-123"})
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get(reverse("orders:order_list")).status_code == 200


def test_the_idle_timeout_is_the_session_cookie_age(settings, buyer_client):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT
    response = buyer_client.get(reverse("orders:order_list"))
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def expire_in(client, delta):
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + delta)
    return key


def renewed_long_ago(client):
    session = client.session
    session[RENEWED_AT] = int(time.time()) - 61
    session.save()


def test_activity_pushes_the_expiry_back(buyer_client):
    renewed_long_ago(buyer_client)
    key = expire_in(buyer_client, timedelta(minutes=1))
    response = buyer_client.get(reverse("orders:order_list"))
    assert response.cookies["sessionid"]["max-age"] == 30 * 60
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=29)


def test_requests_within_a_minute_do_not_write_the_session(buyer_client):
    buyer_client.get(reverse("orders:order_list"))  # renews now
    key = expire_in(buyer_client, timedelta(minutes=10))
    response = buyer_client.get(reverse("orders:order_list"))
    assert "sessionid" not in response.cookies
    assert Session.objects.get(session_key=key).expire_date < timezone.now() + timedelta(minutes=11)


def test_an_idle_session_ends_and_the_buyer_logs_in_again(buyer_client):
    key = buyer_client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = buyer_client.get(reverse("orders:order_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_logging_out_ends_the_session(buyer_client):
    key = buyer_client.session.session_key
    buyer_client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert buyer_client.get(reverse("orders:order_list")).status_code == 302


def signed_in_ago(client, seconds):
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - seconds
    session.save()


def test_an_active_session_ends_at_the_absolute_timeout(
    settings, buyer_client, buyer, make_product
):
    from orders_app.services import cart_add, cart_for

    cart_add(user=buyer, product=make_product("CS-8OZ-ECO"), qty=5000)
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 3600
    buyer_client.get(reverse("orders:order_list"))  # active just now
    signed_in_ago(buyer_client, 12 * 3600)

    response = buyer_client.get(reverse("orders:order_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert buyer_client.get(reverse("orders:order_list")).status_code == 302  # signed out
    assert [line.qty for line in cart_for(buyer).lines.all()] == [5000]  # kept in the database


def test_a_session_younger_than_the_absolute_timeout_goes_on(buyer_client):
    signed_in_ago(buyer_client, 12 * 3600 - 60)
    assert buyer_client.get(reverse("orders:order_list")).status_code == 200


def test_logging_in_starts_the_absolute_timeout_afresh(client, buyer):
    client.post(reverse("login"), {"username": "buyer", "password": "pw-buyer-123"})
    client.get(reverse("orders:order_list"))
    assert abs(client.session[SIGNED_IN_AT] - time.time()) < 5


def test_an_htmx_request_after_the_session_ended_sends_the_whole_page_to_log_in(client, db):
    response = client.post(
        reverse("orders:cart_add"),
        {"sku": "CS-8OZ-ECO", "qty": "5"},
        headers={
            "HX-Request": "true",
            "HX-Current-URL": "http://testserver/catalog/?category=cups",
        },
    )

    assert response.status_code == 200  # htmx acts on HX-Redirect only in a 2xx answer
    assert response["HX-Redirect"] == reverse("login") + "?next=/catalog/%3Fcategory%3Dcups"
    assert response.content == b""


def test_an_htmx_request_from_another_site_is_not_sent_back_there(client, db):
    response = client.get(
        reverse("orders:order_list"),
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/phish"},
    )

    assert response["HX-Redirect"] == reverse("login") + "?next=/"


def test_a_plain_request_is_still_redirected_to_log_in(client, db):
    response = client.get(reverse("orders:order_list"))

    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/orders/"
