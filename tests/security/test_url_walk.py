"""Every URL pattern, walked: anonymously (→ the login page, except an explicit allow-list), and
as a second buyer with the first buyer's ids (→ 404). The walk comes from the URL resolver, so a
new URL is covered the moment it exists — and a new kind of URL parameter fails here until
someone says whose object it names."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.security.urlwalk import routes

pytestmark = pytest.mark.django_db

# The only views anyone may open without logging in.
ANONYMOUS_ALLOWED = {
    "login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "healthz",
    "readyz",
    "admin:login",
    "notifications:unsubscribe",  # the signed link in a mail: works without logging in
    "people:join",  # an invitation's single-use link: the invited person has no login yet
    "account_login",  # the login page under allauth's name for it
    "mfa_authenticate",  # the login's second step (after the password: nobody is in yet)
    "mfa_login_webauthn",  # signing in with a passkey
}
# URL parameters naming one buyer's own things: another buyer gets a 404.
PER_BUYER = {"order_id", "line_id", "notification_id", "standing_id", "standing_line_id"}
# Parameters naming what the whole team shares by design (the address book, the catalog and its
# pictograms, the saved lists), a password-reset link, or the admin's own (the admin is for
# staff only).
SHARED = {"address_id", "sku", "list_id", "item_id", "uidb64", "token", "version", "name"}
ADMIN = {"app_label", "object_id", "content_type_id", "url", "id", "pk"}
# Parameters of the Team page's actions: team admins only (tests/accounts/test_role_matrix.py).
TEAM = {"member_id", "invitation_id"}


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    target = urlsplit(response.url)
    return target.path in ("/login/", "/admin/login/") and "next=" in target.query


def test_the_walk_sees_every_part_of_the_site():
    names = {route.name for route in routes()}
    assert len(names) > 150
    expected = {"home", "orders:order_detail", "orders:approval_detail", "healthz",
                "catalog:product_list", "admin:orders_app_order_change"}  # fmt: skip
    assert expected <= names
    assert ANONYMOUS_ALLOWED - names == set()  # no stale entries in the allow-list


def test_every_url_sends_an_anonymous_visitor_to_log_in(world):
    client = Client()
    values = world.values()
    open_to_all = set()
    for route in routes():
        url = route.url(values)
        for method in (client.get, client.post):
            response = method(url)
            if route.name in ANONYMOUS_ALLOWED:
                assert not is_login_redirect(response), url
                assert response.status_code < 500, url
                open_to_all.add(route.name)
            else:
                assert is_login_redirect(response), f"{method.__name__.upper()} {url}"
    assert open_to_all == ANONYMOUS_ALLOWED


def test_the_allow_listed_pages_open_anonymously(world):
    client = Client()
    for path in ["/login/", "/password-reset/", "/password-reset/sent/", "/password-reset/done/",
                 "/healthz", "/readyz"]:  # fmt: skip
        assert client.get(path).status_code == 200, path


def test_every_url_param_is_classified():
    unknown = {p for route in routes() for p in route.params} - PER_BUYER - SHARED - ADMIN - TEAM
    assert unknown == set(), "say in this test whose object each new URL parameter names"


def owned_routes():
    return [route for route in routes() if PER_BUYER & set(route.params)]


def test_another_buyers_ids_are_404_everywhere(world, client, settings):
    settings.ORDER_VISIBILITY = "own"  # (the team's orders, read-only: the next test)
    client.force_login(world.other_buyer)
    values = world.values()
    checked = []
    for route in owned_routes():
        url = route.url(values)
        statuses = {client.get(url).status_code, client.post(url).status_code}
        if route.namespace == "admin":
            continue  # not reached: the buyer is not staff (next test)
        assert statuses <= {404, 405} and 404 in statuses, f"{url}: {statuses}"
        checked.append(route.name)
    assert {"orders:order_detail", "orders:cart_line_update", "delivery_date_seen",
            "orders:order_approve", "replenishment:standing_skip",
            "replenishment:line_update"} <= set(checked)  # fmt: skip
    # … and nothing of the first buyer's changed.
    world.order.refresh_from_db()
    world.line.refresh_from_db()
    assert world.order.state == "pending_approval" and world.line.qty == 2_000
    assert world.buyer.carts.get(status="open").lines.count() == 1
    world.standing.refresh_from_db()
    assert (world.standing.status, world.standing.occurrences.count()) == ("active", 0)
    assert world.standing.lines.get().qty == 1000


def test_with_the_teams_orders_visible_a_colleague_reads_but_changes_nothing(world, client):
    client.force_login(world.other_buyer)
    values = world.values()
    for route in owned_routes():
        if route.namespace == "admin":
            continue
        url = route.url(values)
        if route.name in ("orders:order_detail", "orders:order_tracking"):
            assert client.get(url).status_code == 200, url
        assert client.post(url).status_code in (404, 405), url
    world.order.refresh_from_db()
    assert world.order.state == "pending_approval"


def test_the_owner_opens_the_same_pages(world, client):
    """The control: the ids in the walk are real, so the 404s above are about ownership."""
    client.force_login(world.buyer)
    values = {**world.values(), "order_id": world.sent_order.pk}
    for name in ["orders:order_detail", "orders:order_tracking",
                 "replenishment:standing_detail", "replenishment:standing_edit"]:  # fmt: skip
        route = next(r for r in routes() if r.name == name)
        assert client.get(route.url(values)).status_code == 200, name
    client.force_login(world.approver)
    route = next(r for r in routes() if r.name == "orders:approval_detail")
    assert client.get(route.url(world.values())).status_code == 200


def test_the_admin_sends_buyers_and_approvers_to_its_login(world):
    values = world.values()
    for user in (world.other_buyer, world.approver):
        client = Client()
        client.force_login(user)
        for route in routes():
            if route.namespace != "admin" or route.name in ("admin:login", "admin:logout"):
                continue
            url = route.url(values)
            response = client.get(url)
            assert response.status_code == 302, url
            assert urlsplit(response.url).path == "/admin/login/", url


def test_no_page_fails_for_any_role(world):
    """GET every URL as each role: answers, never a server error."""
    values = world.values()
    for user in (world.buyer, world.other_buyer, world.approver, world.staff):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for route in routes():
            if route.name in ("logout", "admin:logout"):
                continue
            response = client.get(route.url(values))
            assert response.status_code < 500, f"{user}: {route.name}"
