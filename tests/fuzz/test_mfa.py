"""Fuzzing two-factor sign-in's own pages (django-allauth's, in the site's look) as a buyer with
no factor and an approver with an authenticator app who did not confirm it is them lately
(test_security_pages.py has a team admin who did), the login under allauth's names, and an
invitation sent again or withdrawn."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import form, fuzz, hostile, ids, value

CODES = st.one_of(value("123456", "000000", "", "1234567", "ABCD-EFGH", "9" * 40), hostile)
CREDENTIALS = value("{}", "[]", '{"id": "x", "rawId": "x", "response": {}}', "not json", "1" * 4400)
PAGES = [
    ("/account/security/", {}),
    ("/account/security/totp/activate/", {"code": CODES}),
    ("/account/security/totp/deactivate/", {}),
    ("/account/security/webauthn/", {}),
    ("/account/security/webauthn/add/", {"name": value("Laptop", "", "x" * 300),
                                          "passwordless": value("on", ""),
                                          "credential": CREDENTIALS}),
    ("/account/security/webauthn/keys/{key}/edit/", {"name": value("Phone", "", "x" * 300)}),
    ("/account/security/webauthn/keys/{key}/remove/", {}),
    ("/account/security/webauthn/reauthenticate/", {"credential": CREDENTIALS}),
    ("/account/security/recovery-codes/", {}),
    ("/account/security/recovery-codes/generate/", {}),
    ("/account/security/recovery-codes/download/", {}),
    ("/account/security/reauthenticate/", {"code": CODES}),
    ("/account/reauthenticate/", {"password": value("pw-buyer-123", "wrong", "")}),
]  # fmt: skip


@st.composite
def page_and_data(draw):
    path, fields = draw(st.sampled_from(PAGES))
    return path, draw(form(**fields)) if fields else {}


@fuzz(max_examples=120)
@given(
    sent=page_and_data(),
    key=ids("@factor"),
    method=st.sampled_from(["get", "post", "post"]),
    who=st.sampled_from(["buyer", "approver"]),  # no factor; an authenticator app
)
def test_the_two_factor_pages(shop, sent, key, method, who):
    path, data = sent
    path = path.format(key=shop.resolve(key))
    visitor = shop.visitor(who)
    with shop.example() as case:
        if method == "get":
            response = visitor.get(path, data)
            if response.streaming:
                b"".join(response.streaming_content)
            case.check(response, writes=False)
        else:
            # A factor set up or removed is audited (and mailed) when it works; a wrong code
            # is audited even when refused: it counts towards the lockout.
            case.check(visitor.post(path, data), ignore={"accounts_auditentry"})


@fuzz(max_examples=100)
@given(
    path=st.sampled_from(["/account/login/", "/account/logout/"]),
    sent=form(
        username=value("buyer", "nobody"),
        password=value("pw-buyer-123", "wrong"),
        next=value("/cart/", "//evil.example"),
    ),
    method=st.sampled_from(["get", "post"]),
)
def test_the_login_under_allauths_names(shop, path, sent, method):
    visitor = shop.visitor("anonymous")
    with shop.example() as case:
        send = visitor.get if method == "get" else visitor.post
        case.check(send(path, sent), ignore={"accounts_auditentry"})


@fuzz(max_examples=60)
@given(invitation=ids("@invitation"), action=st.sampled_from(["resend", "revoke"]))
def test_sending_an_invitation_again_or_withdrawing_it(shop, invitation, action):
    admin = shop.visitor("team_admin")
    path = f"/team/invitations/{shop.resolve(invitation)}/{action}/"
    with shop.example() as case:
        if action == "revoke":  # withdrawn once: the second time changes nothing
            case.check_replay(lambda: admin.post(path))
        else:  # each "Send again" mails a new link (the one before stops working)
            case.check(admin.post(path))
