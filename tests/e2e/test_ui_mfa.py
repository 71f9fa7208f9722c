"""Multi-factor sign-in in real Chromium: an approver's forced authenticator-app set-up and a
login with a generated code; a passkey registered and used to sign in through Chromium's
virtual WebAuthn authenticator (DevTools protocol); a recovery code. No CSP refusals, and axe
finds nothing serious on the pages."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui_support import PASSWORD, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def code_for(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def watch(page: Page) -> list[str]:
    problems = []
    page.on("console", lambda m: problems.append(m.text) if "Refused to" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def password_step(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_out(page: Page) -> None:
    page.locator("details.account summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Cupboard")).to_be_visible()


@pytest.fixture
def people(django_user_model, settings, role_groups):
    from django.contrib.auth.models import Group

    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server is http://localhost
    alice = django_user_model.objects.create_user("alice", password=PASSWORD, first_name="Alice",
                                                  email="alice@cafe.test")  # fmt: skip
    alice.groups.add(*Group.objects.filter(name__in=["Buyers", "Approvers"]))
    dana = django_user_model.objects.create_user("dana", password=PASSWORD, first_name="Dana")
    return alice, dana


def test_an_approver_sets_up_an_app_at_login_and_signs_in_with_its_code(
    page: Page, live_server, people
):
    problems = watch(page)
    password_step(page, live_server.url, "alice")
    expect(page).to_have_url(re.compile(r"/account/security/$"))
    expect(page.get_by_text("Your role needs a second factor")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/orders/")  # any other page sends back there
    expect(page).to_have_url(re.compile(r"/account/security/$"))
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.locator(".totp-qr svg")).to_be_visible()
    assert axe_violations(page) == []
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(code_for(secret))
    page.get_by_role("button", name="Turn it on").click()
    expect(page).to_have_url(re.compile(r"/account/security/recovery-codes/$"))
    expect(page.locator("#recovery_codes")).to_be_visible()
    page.goto(f"{live_server.url}/orders/")
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()

    log_out(page)
    password_step(page, live_server.url, "alice")
    expect(page).to_have_url(re.compile(r"/account/security/authenticate/$"))
    assert axe_violations(page) == []
    page.locator("input[name=code]").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    page.locator("input[name=code]").fill(code_for(secret))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    assert problems == []


def test_a_passkey_is_registered_and_signs_in_without_the_password(page: Page, live_server, people):
    from allauth.mfa.models import Authenticator

    problems = watch(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }})  # fmt: skip
    password_step(page, live_server.url, "dana")
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    page.goto(f"{live_server.url}/profile/")
    page.get_by_role("link", name=re.compile("Two-factor sign-in")).click()
    page.get_by_role("link", name="Add a passkey").click()
    page.get_by_label("Name").fill("This laptop")
    page.get_by_label("Passwordless").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Add").click()
    expect(page).to_have_url(re.compile(r"/account/security/recovery-codes/$"))
    assert Authenticator.objects.filter(user=people[1], type="webauthn").count() == 1

    log_out(page)
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.locator(".account-name")).to_have_text("Dana")
    assert problems == []


def test_a_recovery_code_signs_in_when_the_app_is_not_at_hand(page: Page, live_server, people):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from accounts.models import AuditEntry

    alice = people[0]
    TOTP.activate(alice, generate_totp_secret())
    code = RecoveryCodes.activate(alice).get_unused_codes()[0]
    password_step(page, live_server.url, "alice")
    expect(page).to_have_url(re.compile(r"/account/security/authenticate/$"))
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    assert AuditEntry.objects.filter(action="mfa_recovery_used", actor=alice).count() == 1
