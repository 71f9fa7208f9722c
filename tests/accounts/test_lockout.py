"""Brute force: after AXES_FAILURE_LIMIT (5) wrong passwords for one user from one address,
that pair is locked out for a while — and nobody else is."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts.models import AuditEntry

pytestmark = pytest.mark.django_db

HOME = "198.51.100.10"
ELSEWHERE = "198.51.100.99"


def log_in(client, username, password, ip=HOME):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail(client, username, times, ip=HOME):
    for _ in range(times):
        response = log_in(client, username, "not-the-password", ip)
    return response


def test_the_limit_comes_from_the_setting(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_four_failures_still_allow_the_right_password(client, buyer):
    response = fail(client, "buyer", 4)
    assert response.status_code == 200  # the login form again, with its error
    assert log_in(client, "buyer", "pw-buyer-123").url == reverse("home")


def test_the_fifth_failure_locks_out_with_a_clear_page(client, buyer):
    response = fail(client, "buyer", 5)
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "Too many failed logins" in response.text
    assert "After 5 wrong passwords for “buyer”" in response.text
    assert "paused for 15 minutes" in response.text
    assert reverse("accounts:password_reset") in response.text


def test_a_locked_out_user_cannot_log_in_even_with_the_right_password(client, buyer):
    fail(client, "buyer", 5)
    response = log_in(client, "buyer", "pw-buyer-123")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_users_from_the_same_address_are_unaffected(client, buyer, other_buyer):
    fail(client, "buyer", 5)
    assert log_in(client, "other", "pw-other-123").url == reverse("home")


def test_the_same_user_from_another_address_is_unaffected(client, buyer):
    fail(client, "buyer", 5)
    assert log_in(client, "buyer", "pw-buyer-123", ip=ELSEWHERE).url == reverse("home")


def test_the_lockout_ends_after_the_cool_off(client, buyer, settings):
    fail(client, "buyer", 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert log_in(client, "buyer", "pw-buyer-123").url == reverse("home")


def test_a_successful_login_resets_the_count(client, buyer):
    fail(client, "buyer", 4)
    log_in(client, "buyer", "pw-buyer-123")
    client.logout()
    assert fail(client, "buyer", 4).status_code == 200


def test_lockouts_are_in_the_audit_log(client, buyer):
    fail(client, "buyer", 5)
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "ip_address"))
    assert actions.count(("login_failed", HOME)) == 5
    assert ("login_locked_out", HOME) in actions


def test_staff_unlock_by_deleting_the_attempt_in_the_admin(client, buyer, staff):
    fail(client, "buyer", 5)
    attempt = AccessAttempt.objects.get()
    admin = client.__class__()
    admin.force_login(staff)
    admin.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert log_in(client, "buyer", "pw-buyer-123").url == reverse("home")


def test_failing_on_keeps_the_lockout(client, buyer):
    assert fail(client, "buyer", 7).status_code == 429
    assert log_in(client, "buyer", "pw-buyer-123").status_code == 429
