"""Fuzzing signing in and out, the password change and the password reset — and every plain
page with a query string nobody expects."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import form, fuzz, hostile, htmx, path_text, value

PASSWORD = value("pw-buyer-123", "pw-other-123", "new-Passw0rd-long", "short", "buyer", "1" * 9)


@fuzz(max_examples=400)
@given(
    sent=form(
        username=value("buyer", "BUYER", "alice", "nobody"),
        password=PASSWORD,
        next=value("/cart/", "0", "https://evil.example/", "//evil.example"),
    ),
    method=st.sampled_from(["get", "post", "post"]),
    hx=htmx,
)
def test_signing_in(shop, sent, method, hx):
    visitor = shop.visitor("anonymous")
    with shop.example() as case:
        if method == "get":
            case.check(visitor.get("/login/", sent, htmx=hx), writes=False)
        else:  # a failed login is audited: that is the one row it writes
            case.check(visitor.post("/login/", sent, htmx=hx), ignore={"accounts_auditentry"})


@fuzz(max_examples=40)
@given(sent=form(next=value("/cart/", "0")), who=st.sampled_from(["buyer", "anonymous"]))
def test_signing_out(shop, sent, who):
    visitor = shop.visitor(who)
    with shop.example() as case:
        case.check(visitor.post("/logout/", sent))


@fuzz(max_examples=300)
@given(
    sent=form(old_password=PASSWORD, new_password1=PASSWORD, new_password2=PASSWORD),
    method=st.sampled_from(["get", "post", "post"]),
)
def test_changing_the_password(shop, sent, method):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        if method == "get":
            case.check(buyer.get("/account/password/", sent), writes=False)
        else:
            case.check(buyer.post("/account/password/", sent))


@fuzz(max_examples=250)
@given(
    sent=form(
        email=value(
            "bea@example.com",
            "BEA@example.com",
            "nobody@example.com",
            "a@b",
            "x" * 250 + "@example.com",
        )
    ),
    who=st.sampled_from(["anonymous", "buyer"]),
)
def test_asking_for_a_password_reset(shop, sent, who):
    visitor = shop.visitor(who)
    with shop.example() as case:
        case.check(visitor.post("/password-reset/", sent))


@fuzz(max_examples=200)
@given(
    uid=path_text("@uid", "MQ", "MTA", "-1", "AAAA"),
    token=path_text("@token", "set-password", "x-y"),
    sent=form(new_password1=PASSWORD, new_password2=PASSWORD),
    method=st.sampled_from(["get", "post"]),
)
def test_following_a_password_reset_link(shop, uid, token, sent, method):
    link = f"/password-reset/{shop.segment(uid)}/{shop.segment(token)}/"
    visitor = shop.visitor("anonymous")
    with shop.example() as case:
        first = visitor.get(link)
        case.check(first)
        if method == "post":
            case.check(visitor.post(first.url if first.status_code == 302 else link, sent))


PAGES = [
    "/", "/cart/", "/checkout/", "/favourites/", "/addresses/", "/approvals/", "/cart/quick/",
    "/cart/upload/", "/account/password/", "/account/password/changed/", "/password-reset/",
    "/password-reset/sent/", "/password-reset/done/", "/healthz", "/readyz", "/login/",
    "/admin/status/",
]  # fmt: skip


@fuzz(max_examples=400)
@given(
    path=st.sampled_from(PAGES),
    params=st.dictionaries(
        st.one_of(st.sampled_from(["page", "next", "q", "sort"]), hostile),
        value(1, "/cart/"),
        max_size=3,
    ),
    who=st.sampled_from(["buyer", "approver", "anonymous"]),
    hx=htmx,
)
def test_every_page_with_an_unexpected_query(shop, path, params, who, hx):
    visitor = shop.visitor(who)
    with shop.example() as case:
        case.check(visitor.get(path, params, htmx=hx), writes=False)
