"""Fuzzing approvals: the lists, an order's page, approving and rejecting (as the approver, and
as a buyer, to whom none of it exists)."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import FOREIGN_ORDERS, OWN_ORDERS, form, fuzz, htmx, ids, value


@fuzz(max_examples=300)
@given(
    params=form(
        state=value("pending_approval", "accepted", "rejected", "PENDING"),
        q=value("buyer", "CB-", "%", "x" * 65),
        page=value(1, 2, 0, 10**6),
    ),
    path=st.sampled_from(["/approvals/", "/approvals/orders/"]),
    who=st.sampled_from(["approver", "approver", "buyer"]),
    hx=htmx,
)
def test_the_approval_lists(shop, params, path, who, hx):
    visitor = shop.visitor(who)
    with shop.example() as case:
        response = visitor.get(path, params, htmx=hx)
        case.check(response, writes=False)
        if who == "buyer":
            assert response.status_code == 404


@fuzz(max_examples=300)
@given(
    order=ids("@other_order:pending", "@other_order:pending", *OWN_ORDERS, *FOREIGN_ORDERS),
    sent=form(comment=value("Fine.", "", " ", "a\r\n" * 1000, "a" * 2001)),
    action=st.sampled_from(["approve/", "reject/", ""]),
    who=st.sampled_from(["approver", "approver", "approver", "buyer"]),
)
def test_deciding_on_an_order(shop, order, sent, action, who):
    visitor = shop.visitor(who)
    path = f"/approvals/orders/{shop.resolve(order)}/{action}"
    with shop.example() as case:
        if action:
            case.check_replay(lambda: visitor.post(path, sent))
        else:
            response = visitor.get(path, sent)
            case.check(response, refused=response.status_code >= 400, writes=False)
