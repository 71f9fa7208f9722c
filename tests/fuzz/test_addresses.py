"""Fuzzing the address book: adding and editing an address, removing it, making it the
default."""

from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import form, fuzz, ids, value

ADDRESSES = ids("@address")
ADDRESS = form(
    label=value("Main café", "x" * 80, "x" * 81),
    name=value("Bea's Café", "x" * 101),
    line1=value("123 Commerce Way", "x" * 201),
    line2=value("Suite 4", ""),
    city=value("Portland", "x" * 101),
    state=value("OR", "or", "XX", "Oregon"),
    zip=value("97201", "97201-0001", "9720", "97201-", "０９７２０"),
    make_default=value("on", "true", ""),
    next=value("/checkout/", "0", "https://evil.example/"),
)


@fuzz(max_examples=300)
@given(
    address=ADDRESSES,
    page=st.sampled_from(["new/", "{}/edit/"]),
    sent=ADDRESS,
    method=st.sampled_from(["get", "post", "post"]),
    who=st.sampled_from(["buyer", "team_admin"]),
)
def test_adding_and_editing_an_address(shop, address, page, sent, method, who):
    """A buyer adds addresses; only a team admin edits them (a buyer's edit: 403, nothing
    changed)."""
    path = "/addresses/" + page.format(shop.resolve(address))
    buyer = shop.visitor(who)
    with shop.example() as case:
        if method == "get":
            case.check(buyer.get(path, sent), writes=False)
        else:
            case.check(buyer.post(path, sent))


@fuzz(max_examples=250)
@given(
    address=ADDRESSES,
    action=st.sampled_from(["remove", "default", "list"]),
    sent=form(next=value("/checkout/", "0", "//evil.example")),
    who=st.sampled_from(["buyer", "team_admin"]),
)
def test_removing_an_address_and_making_it_the_default(shop, address, action, sent, who):
    address = shop.resolve(address)
    buyer = shop.visitor(who)
    with shop.example() as case:
        if action == "list":
            case.check(buyer.get("/addresses/", sent), writes=False)
        else:
            case.check_replay(lambda: buyer.post(f"/addresses/{address}/{action}/", sent))
