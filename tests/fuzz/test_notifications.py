"""Fuzzing the notifications: the list and the bell, marking read, the e-mail preferences, and
the one-click unsubscribe link (no login: the signed token is the credential)."""

from hypothesis import given
from hypothesis import strategies as st

from notifications import kinds
from tests.fuzz.strategies import form, fuzz, htmx, ids, over, path_text, value

NOTICES = ids("@notice", "@other_notice")
DELIVERY = value("immediately", "digest", "off", "never")


@fuzz(max_examples=200)
@given(
    page=st.sampled_from(["/notifications/", "/notifications/bell/"]),
    params=form(page=value(1, 2, 0, -1, "last")),
    who=st.sampled_from(["buyer", "approver", "anonymous"]),
    hx=htmx,
)
def test_the_notifications_and_the_bell(shop, page, params, who, hx):
    visitor = shop.visitor(who)
    with shop.example() as case:
        case.check(visitor.get(page, params, htmx=hx), writes=False)


@fuzz(max_examples=200)
@given(notice=NOTICES, every=st.booleans(), sent=form(page=value(1, 2, 0)), hx=htmx)
def test_marking_read(shop, notice, every, sent, hx):
    buyer = shop.visitor("buyer")
    path = "/notifications/read/" if every else f"/notifications/{shop.resolve(notice)}/read/"
    with shop.example() as case:
        response = buyer.post(path, sent, htmx=hx)
        case.check(response)
        if not every and notice == "@other_notice":
            assert response.status_code == 404
            assert case.unchanged()


VALID = {"digest_hour": "7"} | {f"kind_{key}": "immediately" for key in kinds.KINDS}


@fuzz(max_examples=200)
@given(
    sent=over(
        VALID,
        form(
            digest_hour=value(0, 7, 23, 24, -1),
            kind_placed=DELIVERY,
            kind_shipped=DELIVERY,
            kind_needs_changes=DELIVERY,
            kind_approval_requested=DELIVERY,
            kind_staff_alert=DELIVERY,
        ),
    ),
    method=st.sampled_from(["get", "post", "post"]),
)
def test_choosing_what_is_mailed(shop, sent, method):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        if method == "get":
            case.check(buyer.get("/account/notifications/", sent), writes=False)
        else:
            case.check(buyer.post("/account/notifications/", sent))


@fuzz(max_examples=200)
@given(
    token=path_text("@unsubscribe", "x@unsubscribe", "e30:1abc:xyz"),
    who=st.sampled_from(["anonymous", "buyer", "other_buyer"]),
    method=st.sampled_from(["get", "post"]),
)
def test_unsubscribing_by_the_mails_link(shop, token, who, method):
    visitor = shop.visitor(who)
    path = f"/unsubscribe/{shop.segment(token)}/"
    with shop.example() as case:
        if method == "get":
            case.check(visitor.get(path), writes=False)
        else:
            response = visitor.post(path, {"List-Unsubscribe": "One-Click"})
            case.check(response)
            if token != "@unsubscribe":
                assert case.unchanged()
