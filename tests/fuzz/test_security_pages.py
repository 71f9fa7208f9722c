"""Fuzzing the sign-in factor pages (django-allauth's MFA, in the site's look): the security
page, setting up and removing an authenticator app, recovery codes (view, make new, download),
passkeys (list, add, rename, remove), and confirming the password again — as a team admin who
confirmed their password moments ago (so allauth goes on without asking again), with an app
and recovery codes already set up (`factors`), and as one who did not confirm (sent to the
confirmation first)."""

import time

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import snapshot
from tests.fuzz.strategies import form, fuzz, htmx, value

PAGES = [
    "/account/security/", "/account/security/totp/activate/",
    "/account/security/totp/deactivate/", "/account/security/recovery-codes/",
    "/account/security/recovery-codes/generate/", "/account/security/recovery-codes/download/",
    "/account/security/webauthn/", "/account/security/webauthn/add/",
    "/account/security/webauthn/reauthenticate/", "/account/security/webauthn/keys/{}/remove/",
    "/account/security/webauthn/keys/{}/edit/", "/account/security/reauthenticate/",
    "/account/reauthenticate/",
]  # fmt: skip
SENT = form(
    code=value("123456", "000000", "12345", "1234567", "abcdef"),
    password=value("pw-tara-123", "wrong", ""),
    name=value("My laptop", "x" * 255, "x" * 256),
    credential=value('{"id": "x"}', "{}", "null", "[]", '{"rawId": 1}'),
    passwordless=value("on", ""),
    next=value("/team/", "//evil.example"),
)


@pytest.fixture
def factors(shop):
    """The team admin has an authenticator app and recovery codes, and confirmed their password
    a moment ago in the session the fuzz visitor uses."""
    admin = shop.team_admin
    TOTP.activate(admin, generate_totp_secret())
    RecoveryCodes.activate(admin)
    visitor = shop.visitor("team_admin")
    session = visitor.client.session
    session["account_authentication_methods_user"] = str(admin.pk)
    session["account_authentication_methods"] = [
        {
            "method": "password",
            "at": time.time() + 3600,
            "username": admin.username,
            "reauthenticated": True,
        },
    ]  # fmt: skip  (an hour ahead: "a moment ago" for every case of the run)
    session.save()
    shop.start = snapshot()  # every case starts from here
    return admin


@fuzz(max_examples=300)
@given(
    page=st.sampled_from(PAGES),
    key=st.sampled_from(["1", "0", str(2**63), "9" * 30]),
    sent=SENT,
    method=st.sampled_from(["get", "post", "post"]),
    hx=htmx,
)
def test_the_sign_in_factor_pages(shop, factors, page, key, sent, method, hx):
    admin = shop.visitor("team_admin")
    path = page.format(key)
    # allauth notes in their row when the recovery codes were last shown, whenever their page
    # or download address is asked for (with any method, before the method is checked).
    ignore = {"accounts_auditentry"}  # a wrong password in a confirmation: audited, by design
    if path.endswith(("/recovery-codes/", "/download/")):
        ignore.add("mfa_authenticator")
    with shop.example() as case:
        if method == "get":
            response = admin.get(path, sent, htmx=hx)
            if response.streaming:
                b"".join(response.streaming_content)
            case.check(response, writes=False, ignore=ignore)
        else:
            case.check(admin.post(path, sent, htmx=hx), ignore=ignore)


@fuzz(max_examples=100)
@given(page=st.sampled_from(PAGES), sent=SENT, method=st.sampled_from(["get", "post"]))
def test_the_sign_in_factor_pages_without_a_fresh_password(shop, page, sent, method):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        send = buyer.get if method == "get" else buyer.post
        response = send(page.format("1"), sent)
        case.check(response, refused=True, ignore={"accounts_auditentry"})
