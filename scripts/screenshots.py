"""Screenshots of every main page, at desktop and phone width, into docs/screenshots/.

`make screenshots` runs this. It needs nothing running and touches nothing of yours: it makes a
temporary SQLite database, serves the sandbox Cup Source API and Cupboard from threads on free
loopback ports, loads the sandbox catalog, gives the demo buyer (demo / cupboard-demo) a year of
order history, favourites and two team lists, then drives Chromium through the pages as that
buyer — placing a real order through checkout, so the order and tracking pages show one.

    .venv/bin/python scripts/screenshots.py [--out DIR] [--team-only]

The demo admin (a team admin) is shown the Team page, and the demo buyer the profile and the
two-factor sign-in page (the install runs with MFA_REQUIRED=false, so the admin is not first
sent to set up a second factor). `--team-only` takes just those and the invitation mail.

Chromium comes from CHROMIUM_PATH (default /usr/bin/chromium).
"""

import argparse
import os
import socket
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}
BUYER = ("demo", "cupboard-demo")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def configure(tmp: Path) -> int:
    """Environment for a throwaway install; must run before Django is set up."""
    sandbox_port = free_port()
    os.environ.pop("CACHE_URL", None)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "dashboard.settings",
            "DJANGO_READ_DOT_ENV": "false",
            "DJANGO_DEBUG": "true",
            "SANDBOX_ENABLED": "true",
            "SANDBOX_PORT": str(sandbox_port),
            "SANDBOX_TIME_SCALE": "1",  # real time; the script moves the sandbox clock on instead
            "CUPSOURCE_API_URL": f"http://127.0.0.1:{sandbox_port}/v1",
            "DATABASE_URL": f"sqlite:///{tmp / 'screenshots.sqlite3'}",
            "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",  # the ORM is used beside Playwright's loop
            "LOG_LEVEL": "WARNING",
            "MFA_REQUIRED": "false",  # the demo admin goes straight to the Team page
        }
    )
    sys.path.insert(0, str(ROOT))
    return sandbox_port


def prepare(sandbox_port: int) -> str:
    """Database, sandbox catalog and key, the demo logins, the sandbox server; a synced mirror."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    call_command("sandbox_seed", verbosity=0)
    from sandbox.server import start_in_thread
    from sandbox.services import create_key

    settings.CUPSOURCE_API_KEY = create_key(account_name="Demo Café")
    call_command("setup_demo", verbosity=0)
    start_in_thread("127.0.0.1", sandbox_port)

    from catalog_app.services import catalog_sync
    from supplier.client import get_client

    with get_client() as client:
        assert catalog_sync(client=client, trigger="command").status == "succeeded"
    return settings.CUPSOURCE_API_KEY


def serve(server) -> None:
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()


def start_cupboard() -> str:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    serve(server)
    return f"http://127.0.0.1:{server.server_address[1]}"


def months_ago(today: date, months: int, day: int) -> datetime:
    index = today.year * 12 + today.month - 1 - months
    return datetime(index // 12, index % 12 + 1, day, 10, 30, tzinfo=UTC)


def seed_history() -> None:
    """A year of the demo buyer's orders, favourites, lists — what a regular buyer would have."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from catalog_app.models import Product
    from favourites.models import Favourite, SavedList, SavedListItem
    from orders_app.models import (
        Address,
        BuyerSettings,
        Order,
        OrderEvent,
        OrderLine,
        SeenDelivery,
    )

    buyer = get_user_model().objects.get(username=BUYER[0])
    today = timezone.localdate()
    address = Address.objects.create(
        label="Main café", name="Dana's Café", line1="123 Commerce Way", city="Portland",
        state="OR", zip="97201", created_by=buyer,
    )  # fmt: skip
    BuyerSettings.objects.create(user=buyer, default_address=address)
    cup, lid = Product.objects.get(sku="CS-8OZ-ECO"), Product.objects.get(sku="CS-DOME-LID")
    others = list(Product.objects.exclude(sku__in=[cup.sku, lid.sku]).order_by("sku")[:40:5])
    bowl, cup12, plate, straw = others[0], others[1], others[2], others[3]
    serial = iter(range(1, 1000))

    def order(created, state, lines, *, status="delivered", tracking=None, problem=""):
        n = next(serial)
        subtotal = sum((p.unit_price * qty for p, qty in lines), Decimal(0))
        shipping = Decimal("45.00") if state == "accepted" else None
        o = Order.objects.create(
            placed_by=buyer, state=state, reference=f"PO-{2400 + n}", po_number=f"PO-{2400 + n}",
            address=address, payload={"items": [{"sku": p.sku, "qty": q} for p, q in lines],
                                      "shipping_address": address.as_api()},
            expected_subtotal=subtotal, subtotal=subtotal if shipping else None, shipping=shipping,
            total=subtotal + shipping if shipping else None,
            supplier_order_id=f"ord_demo_{n:03d}" if state == "accepted" else None,
            supplier_status=status if state == "accepted" else "", problem=problem,
            tracking=tracking, tracking_fetched_at=timezone.now() if tracking else None,
            tracking_checked_at=timezone.now() + timedelta(days=1) if tracking else None,
        )  # fmt: skip
        OrderLine.objects.bulk_create(
            OrderLine(order=o, product=p, sku=p.sku, name=p.name, qty=q, unit_price=p.unit_price,
                      line_total=p.unit_price * q)
            for p, q in lines
        )  # fmt: skip
        Order.objects.filter(pk=o.pk).update(created_at=created, accepted_at=created)
        OrderEvent.objects.create(order=o, state=state, message="Placed (demo history).")
        return o

    def track(status, eta, *, signature=False, exception=False):
        events = [{"at": f"{today - timedelta(days=1)}T15:00:00Z", "status": "in_transit",
                   "location": "Reno, NV", "description": "Picked up by carrier"}]  # fmt: skip
        if exception:
            events.append({"at": f"{today}T08:10:00Z", "status": "exception",
                           "location": "Portland, OR",
                           "description": "Delivery attempted — business closed"})  # fmt: skip
        return {"order_id": "demo", "status": status, "carrier": "UPS",
                "tracking_number": "1ZDEMO0000000001", "estimated_delivery": eta.isoformat(),
                "signature_required": signature, "events": events}  # fmt: skip

    def delivered(created: datetime) -> dict:
        """Tracking that says the order arrived two days after it was placed."""
        at = created + timedelta(days=2)
        return {"order_id": "demo", "status": "delivered", "carrier": "UPS",
                "tracking_number": "1ZDEMO0000000001", "estimated_delivery": f"{at:%Y-%m-%d}",
                "signature_required": False,
                "events": [{"at": f"{created + timedelta(days=1):%Y-%m-%dT15:00:00Z}",
                            "status": "in_transit", "location": "Reno, NV",
                            "description": "Picked up by carrier"},
                           {"at": f"{at:%Y-%m-%dT17:00:00Z}", "status": "delivered",
                            "location": "Portland, OR", "description": "Delivered"}]}  # fmt: skip

    history = []
    for months in range(11, 0, -1):
        created = months_ago(today, months, 6)
        history.append(order(created, "accepted", [(bowl, 1000 * (months % 3 + 1))],
                             tracking=delivered(created)))  # fmt: skip
        if months % 3 == 0:
            created = months_ago(today, months, 20)
            order(created, "accepted", [(cup12, 4000), (plate, 2000)],
                  tracking=delivered(created))  # fmt: skip
    # Cups and lids every two weeks (a one-off bulk buy among them); the last delivery came
    # ten days ago, so they run out in about four days: the overview's "Running out soon".
    for n, weeks_ago in enumerate(range(24, -1, -2)):
        created = datetime.combine(
            today - timedelta(weeks=weeks_ago, days=12), datetime.min.time(), tzinfo=UTC
        ) + timedelta(hours=10)
        cups = 30_000 if n == 6 else 10_000 + 1000 * (n % 3 == 1)
        order(created, "accepted", [(cup, cups), (lid, 10_000)], tracking=delivered(created))
    now = timezone.now()
    order(now - timedelta(days=2), "accepted", [(cup12, 20000), (plate, 20000)], status="shipped",
          tracking=track("in_transit", today + timedelta(days=2), signature=True))  # fmt: skip
    attempted = order(now - timedelta(days=3), "accepted", [(bowl, 3000)], status="shipped",
                      tracking=track("out_for_delivery", today + timedelta(days=1),
                                     exception=True))  # fmt: skip
    moved = order(now - timedelta(days=1), "accepted", [(straw, 5000)], status="shipped",
                  tracking=track("in_transit", today + timedelta(days=5)))  # fmt: skip
    SeenDelivery.objects.create(user=buyer, order=attempted, estimated_delivery=today)
    SeenDelivery.objects.create(user=buyer, order=moved, estimated_delivery=today + timedelta(3))
    order(
        now - timedelta(hours=5),
        "needs_changes",
        [(plate, 3000)],
        problem="Cup Source refused it: the quantity of one line is more than they stock.",
    )
    order(
        now - timedelta(minutes=40),
        "queued",
        [(cup12, 8000)],
        problem="Cup Source is busy right now; Cupboard sends it again in a minute.",
    )

    for product, stock in [(lid, 3 * lid.case_pack), (bowl, 0), (cup, None), (cup12, None)]:
        Favourite.objects.create(user=buyer, product=product)
        if stock is not None:
            Product.objects.filter(pk=product.pk).update(stock=stock)
    weekly = SavedList.objects.create(name="Weekly café", created_by=buyer, updated_by=buyer)
    opening = SavedList.objects.create(name="Store opening", created_by=buyer, updated_by=buyer)
    for saved, items in [(weekly, [(cup, 5), (lid, 10)]), (opening, [(cup12, 4), (plate, 2)])]:
        for product, cases in items:
            qty = max(cases, product.min_cases) * product.case_pack
            SavedListItem.objects.create(saved_list=saved, product=product, qty=qty)
    items = [(p, max(3, p.min_cases) * p.case_pack) for p in (bowl, cup12)]
    seed_standing_order(buyer, address, items, history[-3:])


def seed_standing_order(buyer, address, items, past_orders) -> None:
    """A standing order of bowls and 12 oz cups, the first of each month, that has run three
    times (one of them skipped) and runs next month."""
    from django.utils import timezone

    from replenishment.models import Occurrence, StandingOrder
    from replenishment.services import standing_order_create

    today = timezone.localdate()
    start = months_ago(today, 3, 1).date()
    so = StandingOrder(
        name="Bowls and 12 oz cups", frequency="monthly", day_of_month=1, start_date=today,
        time_zone="America/Los_Angeles", address=address, po_pattern="MONTHLY-{date}",
        on_shortage="hold", source="Team list “Store opening”",
    )  # fmt: skip
    standing_order_create(user=buyer, standing_order=so, items=items)
    StandingOrder.objects.filter(pk=so.pk).update(start_date=start)
    for months, past in zip((3, 2, 1), past_orders, strict=False):
        day = months_ago(today, months, 1).date()
        if months == 2:
            Occurrence.objects.create(standing_order=so, date=day, outcome="skipped",
                                      actor=buyer, message="Skipped by Demo.")  # fmt: skip
            continue
        Occurrence.objects.create(
            standing_order=so,
            date=day,
            outcome="placed",
            order=past,
            message=f"Order {past.reference} (${past.expected_subtotal:,.2f}) written and sent.",
        )


def take_screenshots(url: str, out: Path) -> list[Path]:
    from django.utils import timezone
    from playwright.sync_api import expect, sync_playwright

    from favourites.models import SavedList
    from replenishment.models import StandingOrder
    from sandbox import clock

    weekly = SavedList.objects.get(name="Weekly café").pk
    standing = StandingOrder.objects.get().pk
    saved: list[Path] = []
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with clock.frozen(timezone.now()), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)

        def shot(page, name: str, width: str) -> None:
            page.wait_for_load_state("networkidle")
            path = out / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)

        def restocking(page, width: str) -> None:
            """The standing order, the overview's "Running out soon" card, every forecast."""
            page.goto(f"{url}/standing/{standing}/")
            shot(page, "17-standing-order", width)
            page.goto(f"{url}/")
            page.wait_for_load_state("networkidle")
            path = out / f"18-running-out-{width}.png"
            page.locator("#running-out").screenshot(path=str(path))
            saved.append(path)
            page.goto(f"{url}/restock/")
            shot(page, "19-forecast", width)

        def context(width: str):
            w, h = VIEWPORTS[width]
            return browser.new_context(viewport={"width": w, "height": h}, locale="en-US")

        # Desktop: log in, look around, put a list in the cart and place a real order.
        ctx = context("desktop")
        page = ctx.new_page()
        page.goto(f"{url}/login/")
        shot(page, "01-login", "desktop")
        page.get_by_label("Username").fill(BUYER[0])
        page.get_by_label("Password").fill(BUYER[1])
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        state = ctx.storage_state()
        pages = [
            ("02-overview", "/"),
            ("03-catalog", "/catalog/?category=cups"),
            ("04-product", "/catalog/CS-8OZ-ECO/"),
            ("20-catalog-search", "/catalog/?q=kraft+bwol"),  # a typo, corrected and marked
            ("05-favourites", "/favourites/"),
            ("06-list", f"/favourites/lists/{weekly}/"),
        ]
        for name, path in pages:
            page.goto(url + path)
            shot(page, name, "desktop")
        restocking(page, "desktop")  # before checkout puts more cups and lids on order
        page.goto(url + pages[-1][1])
        page.get_by_role("button", name="Add the whole list to the cart").click()
        expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
        shot(page, "07-cart", "desktop")
        page.get_by_role("link", name="Check out").click()
        expect(page.get_by_role("heading", name="Check out")).to_be_visible()
        shot(page, "08-checkout", "desktop")
        page.get_by_label("PO reference (optional)").fill("PO-2501")
        page.get_by_role("button", name="Place order").click()
        expect(page.get_by_text("Cup Source has your order")).to_be_visible()
        order_path = page.url.removeprefix(url)
        clock.advance(timedelta(hours=4, minutes=30))  # picked up, on its way
        page.goto(f"{url}{order_path}tracking/")
        shot(page, "10-tracking", "desktop")
        page.goto(f"{url}{order_path}")
        shot(page, "09-order", "desktop")
        page.goto(f"{url}/orders/")
        shot(page, "11-orders", "desktop")
        ctx.close()

        # Phone: the same pages, with the same login (the cart refilled from the list).
        ctx = context("phone")
        page = ctx.new_page()
        page.goto(f"{url}/login/")
        shot(page, "01-login", "phone")
        ctx.close()
        w, h = VIEWPORTS["phone"]
        ctx = browser.new_context(viewport={"width": w, "height": h}, storage_state=state)
        page = ctx.new_page()
        for name, path in pages:
            page.goto(url + path)
            shot(page, name, "phone")
        restocking(page, "phone")
        page.goto(url + pages[-1][1])
        page.get_by_role("button", name="Add the whole list to the cart").click()
        shot(page, "07-cart", "phone")
        for name, path in [
            ("08-checkout", "/checkout/"),
            ("10-tracking", f"{order_path}tracking/"),
            ("09-order", order_path),
            ("11-orders", "/orders/"),
        ]:
            page.goto(url + path)
            shot(page, name, "phone")
        ctx.close()

        # Mail, as the local outbox keeps it (rendered at desktop width), and the bell.
        for name, html in notification_mails(order_path):
            ctx = context("desktop")
            page = ctx.new_page()
            page.set_content(html)
            shot(page, name, "desktop")
            ctx.close()
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, storage_state=state)
        page = ctx.new_page()
        page.goto(f"{url}/notifications/")
        shot(page, "15-notifications", "desktop")
        page.goto(f"{url}/account/notifications/")
        shot(page, "16-mail-settings", "desktop")
        ctx.close()

        browser.close()
    return saved


def seed_team() -> str:
    """A team worth a Team page: the demo logins, a threshold, someone deactivated, a pending
    invitation (mailed); returns the invitation mail's HTML."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from notifications.models import Notification
    from notifications.services import build_mail
    from people.services import member_invite, member_set_threshold

    User = get_user_model()
    admin = User.objects.get(username="admin")
    demo = User.objects.get(username="demo")
    member_set_threshold(by=admin, member=demo, threshold=Decimal("1500.00"))
    kim = User.objects.create_user("kim", first_name="Kim", last_name="Kitchen",
                                   email="kim@cupboard.example")  # fmt: skip
    kim.groups.add(Group.objects.get(name="Buyers"))
    lee = User.objects.create_user("lee", first_name="Lee", last_name="Left",
                                   email="lee@cupboard.example", is_active=False)  # fmt: skip
    lee.groups.add(Group.objects.get(name="Buyers"))
    member_invite(by=admin, email="nia@cupboard.example", role="approver")
    return build_mail(Notification.objects.get(kind="invitation")).alternatives[0][0]


def take_team_screenshots(url: str, out: Path, invitation_html: str) -> list[Path]:
    """The Team page (as the demo admin), the profile and the two-factor page (as the demo
    buyer), at both widths; the invitation mail."""
    from playwright.sync_api import expect, sync_playwright

    saved: list[Path] = []
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for width, (w, h) in VIEWPORTS.items():
            for (username, password), pages in [
                (("admin", "cupboard-admin"), [("20-team", "/team/")]),
                (BUYER, [("21-profile", "/profile/"), ("22-two-factor", "/account/security/")]),
            ]:
                ctx = browser.new_context(viewport={"width": w, "height": h}, locale="en-US")
                page = ctx.new_page()
                page.goto(f"{url}/login/")
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(password)
                page.get_by_role("button", name="Log in", exact=True).click()
                expect(page.get_by_role("heading", name="Overview")).to_be_visible()
                for name, path in pages:
                    page.goto(url + path)
                    page.wait_for_load_state("networkidle")
                    target = out / f"{name}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
                ctx.close()
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        page.set_content(invitation_html)
        target = out / "23-mail-invitation-desktop.png"
        page.screenshot(path=str(target), full_page=True)
        saved.append(target)
        browser.close()
    return saved


def notification_mails(order_path: str) -> list[tuple[str, str]]:
    """Three mails as sent: an approval request, a placed order, out for delivery (signature)."""
    from django.contrib.auth import get_user_model

    from catalog_app.models import Product
    from notifications.models import Notification
    from notifications.services import build_mail
    from orders_app.models import Address, Order
    from orders_app.notices import notice_tracking
    from orders_app.services import cart_add, cart_for, order_place

    buyer = get_user_model().objects.get(username=BUYER[0])
    cup = Product.objects.get(sku="CS-8OZ-ECO")
    cart_add(user=buyer, product=cup, qty=cup.case_pack * -(-60_000 // cup.case_pack))
    pending = order_place(
        user=buyer, cart=cart_for(buyer), address=Address.objects.first(), po_number="PO-2502"
    )
    placed = Order.objects.get(pk=int(order_path.strip("/").split("/")[-1]))
    moving = dict(placed.tracking or {}, status="in_transit", signature_required=True)
    notice_tracking(placed, moving, dict(moving, status="out_for_delivery"))
    mails = []
    shots = [
        ("12-mail-approval", "approval_requested", pending),
        ("13-mail-placed", "placed", placed),
        ("14-mail-out-for-delivery", "out_for_delivery", placed),
    ]
    for name, kind, order in shots:
        notification = Notification.objects.filter(
            kind=kind, event__startswith=f"order:{order.pk}:"
        )
        mails.append((name, build_mail(notification.first()).alternatives[0][0]))
    return mails


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--team-only", action="store_true", help="only the team and profile")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cupboard-screens-") as tmp:
        sandbox_port = configure(Path(tmp))
        prepare(sandbox_port)
        seed_history()
        invitation_html = seed_team()
        url = start_cupboard()
        saved = [] if args.team_only else take_screenshots(url, args.out)
        saved += take_team_screenshots(url, args.out, invitation_html)
        for path in saved:
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
