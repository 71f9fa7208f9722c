"""Fuzzing the Team page (inviting, roles and thresholds, deactivating, order visibility),
joining by invitation, the profile (name, e-mail change and its confirmation, sessions), the
second sign-in step and ordering for a buyer — as the team admin and as people who may not."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import form, fuzz, hostile, ids, path_text, value

MEMBERS = ids("@member:buyer", "@member:other", "@member:team_admin", "@member:staff")
INVITATIONS = ids("@invitation")
ROLES = value("buyer", "approver", "team_admin", "staff", "admin")
EMAILS = value("nia@example.com", "NIA@example.com", "bea@example.com", "new@example.com", "a@b",
               "x" * 250 + "@example.com")  # fmt: skip
THRESHOLDS = value("", "0", "100", "750.50", "-1", "1e3", "NaN", "100000000.00", "100000000.01",
                   "9" * 40, "1,000")  # fmt: skip
TEAM_POSTS = ["invite/", "visibility/", "people/{member}/", "people/{member}/deactivate/",
              "people/{member}/reactivate/", "invitations/{invitation}/resend/",
              "invitations/{invitation}/revoke/"]  # fmt: skip


@fuzz(max_examples=300)
@given(
    who=st.sampled_from(["team_admin", "team_admin", "buyer", "approver"]),
    action=st.sampled_from(TEAM_POSTS),
    member=MEMBERS,
    invitation=INVITATIONS,
    sent=form(
        email=EMAILS,
        role=ROLES,
        order_visibility=value("team", "own", "all", ""),
        # the person's row fields carry their id: m<id>-role, m<id>-threshold
        **{
            "m@member:buyer-role": ROLES,
            "m@member:buyer-threshold": THRESHOLDS,
            "m@member:team_admin-role": ROLES,
            "m@member:team_admin-threshold": THRESHOLDS,
        },
    ),
)
def test_the_team_page(shop, who, action, member, invitation, sent):
    path = "/team/" + action.format(
        member=shop.resolve(member), invitation=shop.resolve(invitation)
    )
    visitor = shop.visitor(who)
    with shop.example() as case:
        response = visitor.post(path, shop.resolve(sent))
        # A team admin's accepted change is also audited and may mail; anyone else: nothing.
        case.check(response, refused=True if who != "team_admin" else None)


@fuzz(max_examples=200)
@given(
    token=path_text("nope", "x" * 43),
    sent=form(
        first_name=value("Nia", "", "x" * 151),
        last_name=value("N", ""),
        username=value("nia", "buyer", "BUYER", "a b", "x" * 151),
        password1=value("a-long-pass-phrase-9", "short", "nia"),
        password2=value("a-long-pass-phrase-9", "other"),
    ),
    method=st.sampled_from(["get", "post"]),
    who=st.sampled_from(["anonymous", "anonymous", "buyer"]),
)
def test_joining_by_invitation(shop, token, sent, method, who):
    visitor = shop.visitor(who)
    path = f"/join/{shop.segment(token)}/"
    with shop.example() as case:
        if method == "get":
            case.check(visitor.get(path), writes=False)
        else:
            case.check(visitor.post(path, sent))


@fuzz(max_examples=250)
@given(
    action=st.sampled_from(["name/", "email/", "sessions/end-others/", "email/confirm/{token}/"]),
    token=path_text("forged:token", "x" * 40),
    sent=form(
        first_name=value("Bea", "", "x" * 151), last_name=value("B", "x" * 151), email=EMAILS
    ),
    method=st.sampled_from(["get", "post", "post"]),
)
def test_the_profile(shop, action, token, sent, method):
    buyer = shop.visitor("buyer")
    path = "/profile/" + action.format(token=shop.segment(token))
    with shop.example() as case:
        if method == "get":
            case.check(buyer.get(path, sent), writes=False)
        else:
            case.check(buyer.post(path, sent))


@fuzz(max_examples=150)
@given(
    code=st.one_of(value("123456", "000000", "", "12345678", "ABCD-EFGH"), hostile),
    path=st.sampled_from(["/account/security/authenticate/", "/account/security/webauthn/login/"]),
    credential=value("{}", "[]", '{"id": "x"}', "not json"),
)
def test_the_second_sign_in_step_without_a_first(shop, code, path, credential):
    visitor = shop.visitor("anonymous")
    with shop.example() as case:
        case.check(visitor.post(path, {"code": code, "credential": credential}), writes=False)


@fuzz(max_examples=150)
@given(
    who=st.sampled_from(["staff", "staff", "buyer"]),
    buyer=ids("@member:buyer", "@member:staff", "@member:team_admin"),
    stop=st.booleans(),
)
def test_ordering_for_a_buyer(shop, who, buyer, stop):
    visitor = shop.visitor(who)
    with shop.example() as case:
        case.check(visitor.post("/orders/on-behalf/", {"buyer": shop.resolve(buyer)}), writes=False)
        if stop:
            case.check(visitor.post("/orders/on-behalf/stop/"), writes=False)
        case.check(visitor.get("/cart/"), writes=False)
