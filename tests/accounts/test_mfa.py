"""Multi-factor sign-in (django-allauth's MFA behind Django's login form): the second step,
forced setup for the roles that need it, wrong codes counting towards django-axes' lockout,
recovery codes, and every factor change audited and mailed."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
from notifications.models import Notification

pytestmark = pytest.mark.django_db
LOGIN, ORDERS, SECURITY = reverse("login"), reverse("orders:order_list"), reverse("mfa_index")


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def password_step(browser: Client, username: str, password: str):
    return browser.post(LOGIN, {"username": username, "password": password})


@pytest.fixture
def approver(django_user_model):
    user = django_user_model.objects.create_user(
        "alice", password="pw-alice-123", email="alice@cafe.test"
    )
    user.groups.add(*Group.objects.filter(name__in=["Buyers", "Approvers"]))
    return user


@pytest.fixture
def with_totp(approver):
    secret = generate_totp_secret()
    TOTP.activate(approver, secret)
    return secret


def test_a_role_that_needs_mfa_sets_it_up_at_its_next_login(
    approver, django_capture_on_commit_callbacks
):
    browser = Client()
    assert password_step(browser, "alice", "pw-alice-123").status_code == 302
    kept = browser.get(ORDERS)
    assert kept.status_code == 302 and kept.url == SECURITY
    assert "Your role needs a second factor" in browser.get(SECURITY).text
    setup = browser.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200 and "<svg" in setup.text  # the QR code, inline (CSP)
    secret = setup.context["form"].secret
    wrong = browser.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.text
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert done.status_code == 302
    assert browser.get(ORDERS).status_code == 200
    assert set(approver.authenticator_set.values_list("type", flat=True)) == {
        "totp", "recovery_codes",
    }  # fmt: skip
    assert AuditEntry.objects.filter(action="mfa_changed").count() == 2
    subjects = set(
        Notification.objects.filter(kind="account_security").values_list("subject", flat=True)
    )
    assert "Cupboard: an authenticator app was added to your sign-in" in subjects


def test_buyers_may_but_need_not(buyer):
    browser = Client()
    password_step(browser, "buyer", "pw-buyer-123")
    assert browser.get(ORDERS).status_code == 200


def test_without_the_setting_nobody_is_forced(approver, settings):
    settings.MFA_REQUIRED = False
    browser = Client()
    password_step(browser, "alice", "pw-alice-123")
    assert browser.get(ORDERS).status_code == 200


def test_the_password_alone_does_not_sign_in_someone_with_a_factor(approver, with_totp):
    browser = Client()
    step = password_step(browser, "alice", "pw-alice-123")
    assert step.status_code == 302 and step.url == reverse("mfa_authenticate")
    assert browser.get(ORDERS).url.startswith(LOGIN)  # not signed in yet
    wrong = browser.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.text
    assert AuditEntry.objects.filter(action="mfa_failed", username="alice").count() == 1
    right = browser.post(reverse("mfa_authenticate"), {"code": code_for(with_totp)})
    assert right.status_code == 302
    assert browser.get(ORDERS).status_code == 200
    assert approver.signed_in_sessions.count() == 1


def test_wrong_codes_lock_out_like_wrong_passwords(approver, with_totp, settings):
    settings.AXES_FAILURE_LIMIT = 3
    browser = Client()
    password_step(browser, "alice", "pw-alice-123")
    statuses = [browser.post(reverse("mfa_authenticate"), {"code": "111111"}).status_code
                for _ in range(3)]  # fmt: skip
    assert statuses[-1] in (403, 429)  # django-axes' lockout page on the third
    refused = browser.post(reverse("mfa_authenticate"), {"code": code_for(with_totp)})
    assert browser.get(ORDERS).status_code == 302  # even the right code does not sign in
    assert refused.status_code in (200, 403, 429)
    again = password_step(Client(), "alice", "pw-alice-123")
    assert again.status_code in (403, 429)  # and the password is locked too
    assert AuditEntry.objects.filter(action="login_locked_out").exists()


def test_a_recovery_code_signs_in_once_and_is_mailed(approver, with_totp):
    codes = RecoveryCodes.activate(approver).get_unused_codes()
    browser = Client()
    password_step(browser, "alice", "pw-alice-123")
    assert browser.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert browser.get(ORDERS).status_code == 200
    entry = AuditEntry.objects.get(action="mfa_recovery_used")
    assert "9 left" in entry.summary
    notice = Notification.objects.get(subject="Cupboard: a recovery code was used")
    assert notice.recipient == approver and notice.email_state == "pending"
    other = Client()
    password_step(other, "alice", "pw-alice-123")
    reused = other.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert reused.status_code == 200 and "Incorrect code" in reused.text


def test_turning_a_factor_off_is_audited_and_mailed(approver, with_totp):
    browser = Client()
    password_step(browser, "alice", "pw-alice-123")
    browser.post(reverse("mfa_authenticate"), {"code": code_for(with_totp)})
    response = browser.post(reverse("mfa_deactivate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))  # the password again
    assert Authenticator.objects.filter(user=approver, type="totp").exists()
    response = browser.post(response.url, {"password": "pw-alice-123"})  # … then it is done
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=approver, type="totp").exists()
    assert Notification.objects.filter(
        subject="Cupboard: an authenticator app was removed from your sign-in"
    ).exists()
    assert re.search("removed", AuditEntry.objects.filter(action="mfa_changed").last().summary)


@pytest.mark.parametrize(
    "credential", ['{"id": "x"}', "[]", '{"response": {"userHandle": 1}}', "9" * 4_400]
)
def test_a_passkey_answer_that_cannot_be_read_is_refused_in_words(client, credential):
    """allauth passed these to fido2 (KeyError) or json (ValueError, 4,300+ digits): a 500."""
    response = client.post(reverse("mfa_login_webauthn"), {"credential": credential}, follow=True)
    assert response.status_code == 200  # the login page again, saying what went wrong
    assert response.request["PATH_INFO"] == LOGIN and "message-error" in response.text
