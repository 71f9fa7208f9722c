"""The fuzz suite's world and harness (see docs/fuzzing.md).

- `shop`: a small catalog (a cup, its lid, a discontinued cup and a dear one that reaches the
  order limit in few units), one address, a buyer with a cart, a saved list, a star and orders
  in several states (one refused by Cup Source: "needs changes"), a second buyer with orders of
  their own (wrong ids), an approver, and an order of the second buyer's waiting for approval.
  Views talk to the fake supplier (tests/orders_app/fakes.py); any real HTTP fails (`no_api`).
- `shop.example()`: one generated case. It starts every visitor from their signed-in cookies,
  runs in a savepoint that is rolled back at the end (so every case starts from the same
  state: hypothesis' per-example transaction, in pytest), and yields a `Case` whose `check()`
  asserts the properties: no server error, the quantity policy holds for everything stored, and
  a refused request changed nothing.
- A query with a NUL character in a text parameter fails the way PostgreSQL fails it
  (`nul_refused`, tests/fixtures.py), so the SQLite run finds what would be a server error on
  PostgreSQL.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import constants as message_levels
from django.core.cache import caches
from django.core.files import File
from django.db import connection, transaction
from django.template.base import PartialTemplate, Template
from django.test import Client
from django.test.utils import _TestState
from django.urls import Resolver404
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.middleware import RENEWED_AT
from notifications.services import unsubscribe_token
from orders_app.quantities import MAX_ORDER_LINES, MAX_ORDER_SUBTOTAL, MAX_UNITS
from tests.fuzz.strategies import SKUS
from tests.orders_app import conftest as orders_fixtures
from tests.orders_app.fakes import error, product_json

# The orders tests' fixtures (tests/orders_app/conftest.py), here too.
cup, lid, address = orders_fixtures.cup, orders_fixtures.lid, orders_fixtures.address
supplier, web_supplier = orders_fixtures.supplier, orders_fixtures.web_supplier
approver = orders_fixtures.approver

ERROR_MARKERS = ("errorlist", "note-error", "message-error", "alert-error")


REQUESTED: set[str] = set()  # every view the suite's requests reached (test_zz_every_endpoint)


class RecordingClient(Client):
    """Django's test client, noting the view each request reached in `REQUESTED`."""

    def request(self, **request):
        response = super().request(**request)
        with suppress(Resolver404):
            REQUESTED.add(response.resolver_match.view_name)
        return response


class Visitor:
    """A signed-in browser: Django's test client, reset to its signed-in cookies per case."""

    def __init__(self, user=None):
        self.user = user
        self.client = RecordingClient()
        if user is not None:
            self.client.force_login(user)
            session = self.client.session  # "just renewed" for an hour: no write per request
            session[RENEWED_AT] = int(time.time()) + 3600
            session.save()
            self.client.get("/cart/badge/")  # the user's facts, stored
        self._cookies = self.client.cookies.output(header="", sep=";")

    def reset(self) -> None:
        self.client.cookies = SimpleCookie(self._cookies)

    def keep_cookies(self) -> None:
        """Start every case from the cookies the client holds now."""
        self._cookies = self.client.cookies.output(header="", sep=";")

    def get(self, path: str, params=None, *, htmx: bool = False, **extra):
        return self.client.get(path, params or {}, headers=_headers(htmx), **extra)

    def post(self, path: str, data=None, *, htmx: bool = False, **extra):
        """A form post, urlencoded as browsers send forms (multipart only with a file)."""
        data = data or {}
        if not any(isinstance(v, File) for v in data.values()):
            data = urlencode(data, doseq=True)
            extra.setdefault("content_type", "application/x-www-form-urlencoded")
        return self.client.post(path, data, headers=_headers(htmx), **extra)


def _headers(htmx: bool) -> dict[str, str]:
    return {"HX-Request": "true"} if htmx else {}


@dataclass
class Shop:
    buyer: object
    other_buyer: object
    approver: object
    cup: object
    lid: object
    old_cup: object  # discontinued
    dear_cup: object  # $25.00 a unit: 4,000,001 units pass the order limit
    address: object
    cart_lines: list  # the buyer's open cart: the cup and the lid
    other_cart_line: object  # in the second buyer's cart
    saved_list: object
    other_list: object
    list_items: list
    orders: dict  # name → the buyer's orders: sent, needs_changes, pending, rejected
    other_orders: dict  # name → the second buyer's: sent, pending (for the approver)
    supplier: object
    standing: dict  # "own" / "other": a weekly standing order of the buyer's / second buyer's
    notices: dict  # "own" / "other": a notification for the buyer / the second buyer
    team_admin: object = None  # manages the team (the Team page)
    staff: object = None  # orders on a buyer's behalf
    invitation: object = None  # an open invitation (the team admin's)
    join_path: str = ""  # its link
    factor: object = None  # the approver's authenticator app
    start: dict = field(default_factory=dict)  # the snapshot every case starts from
    _refs: dict = field(default_factory=dict)
    visitors: dict = field(default_factory=dict)

    def visitor(self, name: str) -> Visitor:
        """ "buyer", "other_buyer", "approver", "team_admin", "staff" or "anonymous", signed in
        once per test."""
        if name not in self.visitors:
            user = None if name == "anonymous" else getattr(self, name)
            self.visitors[name] = Visitor(user)
        return self.visitors[name]

    @property
    def refs(self) -> dict[str, object]:
        """What the strategies' references ("@order:sent", tests/fuzz/strategies.py) name."""
        refs = {f"@order:{name}": order.pk for name, order in self.orders.items()}
        refs |= {f"@other_order:{name}": order.pk for name, order in self.other_orders.items()}
        cup_line, lid_line = self.cart_lines
        cup_item, lid_item, other_item = self.list_items
        refused_lines = list(self.orders["needs_changes"].lines.order_by("pk"))
        return refs | {
            "@line:cup": cup_line.pk, "@line:lid": lid_line.pk,
            "@other_line": self.other_cart_line.pk,
            "@cart": cup_line.cart_id, "@other_cart": self.other_cart_line.cart_id,
            "@list": self.saved_list.pk, "@other_list": self.other_list.pk,
            "@item:cup": cup_item.pk, "@item:lid": lid_item.pk, "@other_item": other_item.pk,
            "@address": self.address.pk,
            "@standing": self.standing["own"].pk, "@other_standing": self.standing["other"].pk,
            "@sline": self.standing["own"].lines.first().pk,
            "@other_sline": self.standing["other"].lines.first().pk,
            "@notice": self.notices["own"].pk, "@other_notice": self.notices["other"].pk,
            "@unsubscribe": unsubscribe_token(self.buyer, "placed"),
            "@refused_line": refused_lines[0].pk,
            "@refused_dear_line": refused_lines[1].pk,
            "@uid": urlsafe_base64_encode(force_bytes(self.buyer.pk)),
            "@token": default_token_generator.make_token(self.buyer),
            "@member:buyer": self.buyer.pk, "@member:other": self.other_buyer.pk,
            "@member:team_admin": self.team_admin.pk, "@member:staff": self.staff.pk,
            "@invitation": self.invitation.pk, "@factor": self.factor.pk,
        }  # fmt: skip

    def segment(self, value: str) -> str:
        """A URL path segment: the reference resolved, the text quoted."""
        return quote(self.resolve(value), safe="")

    def resolve(self, value):
        """`value` (a string, a list, or form data) with the references replaced by ids —
        "@order:sent", or at the end of a text: "qty-@refused_line"."""
        if isinstance(value, dict):
            return {self.resolve(k): self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        head, at, ref = value.partition("@")
        if at and f"@{ref}" in self._refs:
            return f"{head}{self._refs[f'@{ref}']}"
        return value

    @contextmanager
    def example(self) -> Iterator["Case"]:
        caches["default"].clear()  # per-process renderings and facts (the shared one rolls back)
        for visitor in self.visitors.values():
            visitor.reset()
        with transaction.atomic():
            yield Case(before=self.start)
            transaction.set_rollback(True)


@dataclass
class Case:
    before: dict

    def check(self, response, *, writes=True, refused: bool | None = None, ignore=()) -> None:
        """The properties of every case: no server error; everything stored within the
        quantity policy; when the request was refused (or is one that never writes), nothing
        changed (but what `ignore` names). `refused` None: judged from the response (see
        `was_refused`)."""
        assert response.status_code < 500, response.status_code
        after = snapshot()
        if any(after[table] != self.before[table] for table in POLICY_TABLES):
            assert_within_policy()  # (every case starts within it)
        if refused is None:
            refused = was_refused(response)
        if refused or not writes:
            changed = {key for key in after if after[key] != self.before[key]} - set(ignore)
            assert not changed, f"a refused request changed {', '.join(sorted(changed))}"

    def check_policy(self, response) -> None:
        """No server error, and everything stored within the quantity policy."""
        assert response.status_code < 500, response.status_code
        assert_within_policy()

    def unchanged(self) -> bool:
        return snapshot() == self.before

    def check_replay(self, send) -> None:
        """`send()` twice, as a double click or a Back and resubmit would: the second time
        must change nothing."""
        self.check(send())
        once = snapshot()
        again = send()
        assert again.status_code < 500, again.status_code
        assert snapshot() == once, "the same request, sent again, wrote again"


def was_refused(response) -> bool:
    """A 4xx, an error message for the next page, or (not a redirect) an answer showing an
    error: the request was refused."""
    if response.status_code >= 400:
        return True
    messages = getattr(response.wsgi_request, "_messages", None)
    if messages is not None and any(m.level == message_levels.ERROR for m in messages):
        return True
    if response.status_code in (301, 302, 303) or response.streaming:
        return False
    body = response.content.decode(errors="replace")
    return any(marker in body for marker in ERROR_MARKERS)


SNAPSHOT = {  # table → the columns a request may write (every row a request can write)
    "orders_app_order": "id, state, expected_subtotal",
    "orders_app_orderline": "id, qty",
    "orders_app_cartline": "id, cart_id, product_id, qty",
    "favourites_savedlist": "id, name",
    "favourites_savedlistitem": "id, saved_list_id, product_id, qty",
    "orders_app_address": "id, label, name, line1, line2, city, state, zip",
    "favourites_favourite": "id, user_id, product_id",
    "accounts_auditentry": "id",
    "mfa_authenticator": "id, user_id, type, data",
    "replenishment_standingorder": "id, name, status, frequency, every_weeks, weekday, "
    "day_of_month, start_date, end_date, send_time, time_zone, address_id, po_pattern, "
    "on_shortage, next_date",
    "replenishment_standingorderline": "id, standing_order_id, product_id, qty",
    "replenishment_occurrence": 'id, standing_order_id, "date", outcome',
    "notifications_notification": "id, recipient_id, read_at",
    "notifications_preference": "id, user_id, kind, delivery",
    "notifications_digestsettings": "id, user_id, hour",
    "auth_user": "id, username, first_name, last_name, email, is_active",
    "auth_user_groups": "id, user_id, group_id",
    "people_invitation": "id, token_digest, accepted_at, revoked_at",
    "orders_app_buyersettings": "id, approval_threshold",
    "accounts_teamsettings": "id, order_visibility",
}


POLICY_TABLES = ["orders_app_order", "orders_app_orderline", "orders_app_cartline",
                 "favourites_savedlistitem", "replenishment_standingorderline"]  # fmt: skip


def snapshot() -> dict:
    """What a refused request must not change (plain SQL: it runs twice per case)."""
    with connection.cursor() as cursor:
        tables = {}
        for table, columns in SNAPSHOT.items():
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY id")  # noqa: S608
            tables[table] = cursor.fetchall()
        return tables


def assert_within_policy() -> None:
    """No stored cart, list or order outside the quantity policy: 1 to MAX_UNITS units a line,
    at most MAX_ORDER_LINES lines and MAX_ORDER_SUBTOTAL per open cart, list and unsent order
    (whose subtotal is its lines')."""
    from favourites.models import SavedListItem
    from orders_app.models import CartLine, Order, OrderLine
    from replenishment.models import StandingOrderLine

    groups = [
        ("cart", CartLine.objects.filter(cart__status="open").values_list(
            "cart_id", "qty", "product__unit_price")),
        ("list", SavedListItem.objects.values_list("saved_list_id", "qty", "product__unit_price")),
        ("order", OrderLine.objects.filter(order__state__in=Order.UNSENT_STATES).values_list(
            "order_id", "qty", "unit_price")),
        ("standing", StandingOrderLine.objects.values_list(
            "standing_order_id", "qty", "product__unit_price")),
    ]  # fmt: skip
    totals = {}
    for kind, rows in groups:
        for owner, qty, price in rows:
            assert 1 <= qty <= MAX_UNITS, (kind, owner, qty)
            lines, total = totals.get((kind, owner), (0, Decimal(0)))
            totals[kind, owner] = (lines + 1, total + qty * price)
    for (kind, owner), (lines, total) in totals.items():
        assert lines <= MAX_ORDER_LINES, (kind, owner, lines)
        assert total <= MAX_ORDER_SUBTOTAL, (kind, owner, total)
    unsent = Order.objects.filter(state__in=Order.UNSENT_STATES)
    for order_id, expected in unsent.values_list("pk", "expected_subtotal"):
        assert ("order", order_id) in totals, f"order {order_id} has no lines"
        assert totals["order", order_id][1] == expected, f"order {order_id}: not its lines' sum"
    assert not OrderLine.objects.exclude(qty__range=(1, MAX_UNITS)).exists()


@pytest.fixture
def shop(
    db,
    nul_refused,
    monkeypatch,
    buyer,
    other_buyer,
    make_product,
    synced,
    no_api,
    cup,
    lid,
    address,
    approver,
    web_supplier,
) -> Iterator[Shop]:
    from favourites.models import Favourite, SavedList, SavedListItem
    from notifications.models import Notification
    from orders_app.models import Order
    from orders_app.services import cart_add, cart_for, order_place, order_reject, order_submit

    buyer.email = "bea@example.com"  # for the password reset
    buyer.save(update_fields=["email"])
    other = other_buyer
    old_cup = make_product("CS-OLD-CUP", discontinued=True)
    dear_cup = make_product(
        "CS-GOLD-CUP", unit_price=Decimal("25.0000"), case_pack=1, min_order_qty=1
    )
    assert [p.sku for p in (cup, lid, old_cup, dear_cup)] == SKUS
    for product in (cup, lid, dear_cup):
        web_supplier.products[product.sku] = product_json(product)

    def placed(user, qty, *, send=True, script=None, dear=0):
        cart_add(user=user, product=cup, qty=qty)
        if dear:
            cart_add(user=user, product=dear_cup, qty=dear)
        order = order_place(user=user, cart=cart_for(user), address=address)
        if send:
            web_supplier.script = [script] if script is not None else []
            with web_supplier.client() as client:
                order = order_submit(order=order, client=client)
        order.refresh_from_db()
        return order

    refused = error(400, "insufficient_stock", details={"items[0].qty": ["Only 3000 left."]})
    orders = {
        "sent": placed(buyer, 5000),
        "needs_changes": placed(buyer, 4000, script=refused, dear=10),
        "pending": placed(buyer, 60_000, send=False),
        "rejected": placed(buyer, 70_000, send=False),
    }
    order_reject(order=orders["rejected"], approver=approver, comment="Too many.")
    other_orders = {"sent": placed(other, 3000), "pending": placed(other, 80_000, send=False)}
    assert orders["needs_changes"].state == Order.State.NEEDS_CHANGES
    assert other_orders["pending"].state == Order.State.PENDING_APPROVAL

    cart_lines = [cart_add(user=buyer, product=p, qty=n)[0] for p, n in ((cup, 5000), (lid, 1000))]
    other_cart_line, _ = cart_add(user=other, product=cup, qty=2000)
    saved_list = SavedList.objects.create(name="Weekly café", created_by=buyer)
    other_list = SavedList.objects.create(name="Events", created_by=other)
    list_items = [
        SavedListItem.objects.create(saved_list=saved_list, product=cup, qty=5000),
        SavedListItem.objects.create(saved_list=saved_list, product=lid, qty=1000),
        SavedListItem.objects.create(saved_list=other_list, product=cup, qty=2000),
    ]
    Favourite.objects.create(user=buyer, product=cup)
    standing = {
        "own": _standing_order(buyer, address, [(cup, 5000), (lid, 1000)]),
        "other": _standing_order(other, address, [(cup, 2000)]),
    }
    notices = {
        "own": Notification.objects.create(recipient=buyer, kind="placed", event="fuzz:1",
                                           subject="Order placed", url="/orders/"),
        "other": Notification.objects.create(recipient=other, kind="placed", event="fuzz:2",
                                             subject="Order placed", url="/orders/"),
    }  # fmt: skip
    assert_within_policy()
    from django.contrib.auth.models import Group

    from people.services import member_invite

    team_admin = type(buyer).objects.create_user("tara", password="pw-tara-123")
    team_admin.groups.add(*Group.objects.filter(name__in=["Buyers", "Approvers", "Team admins"]))
    staff = type(buyer).objects.create_user("sam", password="pw-sam-123", is_staff=True)
    invitation = member_invite(by=team_admin, email="nia@example.com", role="buyer")
    from notifications.models import Notification

    join_path = Notification.objects.get(kind="invitation").url
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    factor = TOTP.activate(approver, generate_totp_secret()).instance
    # Django's test setup makes every template render send a signal that the test client
    # answers with a copy of the context; nothing here reads them, and every case paid for them.
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
    monkeypatch.setattr(PartialTemplate, "_render", _TestState.saved_data.partial_template_render)
    shop = Shop(
        start=snapshot(),
        buyer=buyer,
        other_buyer=other,
        approver=approver,
        cup=cup,
        lid=lid,
        old_cup=old_cup,
        dear_cup=dear_cup,
        address=address,
        cart_lines=cart_lines,
        other_cart_line=other_cart_line,
        saved_list=saved_list,
        other_list=other_list,
        list_items=list_items,
        orders=orders,
        other_orders=other_orders,
        supplier=web_supplier,
        standing=standing,
        notices=notices,
        team_admin=team_admin,
        staff=staff,
        invitation=invitation,
        join_path=join_path,
        factor=factor,
    )
    shop._refs = shop.refs
    yield shop
    assert no_api == [], "a page called Cup Source"


def _standing_order(user, address, items):
    """A weekly standing order on Mondays from today, as the form would set it up."""
    from django.conf import settings
    from django.utils import timezone

    from replenishment.models import StandingOrder
    from replenishment.services import standing_order_create

    standing_order = StandingOrder(
        name="Weekly cups", frequency=StandingOrder.Frequency.WEEKLY, every_weeks=1, weekday=0,
        day_of_month=1, start_date=timezone.localdate(), time_zone=settings.TIME_ZONE,
        address=address,
    )  # fmt: skip
    return standing_order_create(user=user, standing_order=standing_order, items=items)
