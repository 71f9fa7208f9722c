"""What the UI browser tests share: a live Cupboard on a synced sandbox mirror, a buyer with
orders (one placed for real with the sandbox), tracking, favourites and a team list, and axe."""

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PASSWORD = "cups-and-lids-42"
PHONE = {"width": 390, "height": 844}


@dataclass
class Shop:
    url: str
    user: object
    placed: object  # an order Cup Source accepted (sandbox), with tracking
    refused: object  # an order in needs_changes
    attempted: object  # an accepted order whose stored tracking has a delivery exception
    weekly: object  # the "Weekly café" list
    standing: object  # a standing order of lids, its first date tomorrow


def open_shop(live_server, sandbox, settings, django_user_model) -> Shop:
    """Sync the mirror from the sandbox and give a buyer something on every page."""
    from django.utils import timezone

    from catalog_app.models import Product
    from catalog_app.services import catalog_sync
    from favourites.models import Favourite, SavedList, SavedListItem
    from orders_app.models import Address, Order
    from orders_app.services import cart_add, cart_for, order_place, order_submit
    from replenishment.models import StandingOrder
    from replenishment.services import standing_order_create
    from supplier.client import get_client

    sandbox.configure(settings)
    with get_client() as client:
        assert catalog_sync(client=client, trigger="command").status == "succeeded"
    user = django_user_model.objects.create_user("dana", password=PASSWORD, first_name="Dana")
    cup, lid = Product.objects.get(sku="CS-8OZ-ECO"), Product.objects.get(sku="CS-DOME-LID")
    address = Address.objects.create(
        label="Portland café", line1="123 Commerce Way", city="Portland", state="OR",
        zip="97201", created_by=user,
    )  # fmt: skip

    def place(reference: str):
        cart_add(user=user, product=cup, qty=cup.min_cases * cup.case_pack)
        order = order_place(user=user, cart=cart_for(user), address=address, po_number=reference)
        with get_client() as client:
            return order_submit(order=order, client=client)

    placed = place("PO-UI-1")
    assert placed.state == Order.State.ACCEPTED
    attempted = place("PO-UI-2")
    today = timezone.localdate()
    tracking = {
        "order_id": attempted.supplier_order_id, "status": "out_for_delivery", "carrier": "UPS",
        "tracking_number": "1ZUI", "estimated_delivery": str(today + timedelta(days=1)),
        "signature_required": True,
        "events": [{"at": timezone.now().isoformat(), "status": "exception",
                    "location": "Portland, OR",
                    "description": "Delivery attempted — business closed"}],
    }  # fmt: skip
    Order.objects.filter(pk=attempted.pk).update(
        tracking=tracking, tracking_fetched_at=timezone.now(),
        tracking_checked_at=timezone.now() + timedelta(hours=1),  # no refresh during the test
    )  # fmt: skip
    refused = place("PO-UI-3")
    Order.objects.filter(pk=refused.pk).update(
        state=Order.State.NEEDS_CHANGES, problem="Cup Source refused a quantity."
    )
    cart_add(user=user, product=lid, qty=lid.min_cases * lid.case_pack)  # for cart and checkout
    Product.objects.filter(pk=lid.pk).update(stock=lid.case_pack * 2)  # low stock
    Favourite.objects.create(user=user, product=lid)
    weekly = SavedList.objects.create(name="Weekly café", created_by=user, updated_by=user)
    SavedListItem.objects.create(saved_list=weekly, product=cup, qty=cup.min_cases * cup.case_pack)
    delivered_history(user, address, cup)
    standing = standing_order_create(
        user=user,
        standing_order=StandingOrder(
            name="Lids every two weeks", every_weeks=2, weekday=(today + timedelta(1)).weekday(),
            start_date=today + timedelta(days=1), time_zone="America/Los_Angeles",
            address=address, po_pattern="LIDS-{date}", source="Your cart",
        ),
        items=[(lid, lid.min_cases * lid.case_pack * 2)],
    )  # fmt: skip
    return Shop(live_server.url, user, placed, refused, attempted, weekly, standing)


def delivered_history(user, address, cup) -> None:
    """Four deliveries of 10,000 cups, two weeks apart, the latest ten days ago: enough for a
    run-out forecast ("Running out soon" on the overview)."""
    from datetime import datetime

    from django.utils import timezone

    from orders_app.models import Order, OrderLine

    latest = timezone.localdate() - timedelta(days=10)
    for n, weeks_ago in enumerate((6, 4, 2, 0), start=1):
        day = latest - timedelta(weeks=weeks_ago)
        at = timezone.make_aware(datetime(day.year, day.month, day.day, 15))
        tracking = {"order_id": f"ord_hist_{n}", "status": "delivered", "carrier": "UPS",
                    "tracking_number": f"1ZHIST{n}", "estimated_delivery": str(day),
                    "signature_required": False,
                    "events": [{"at": at.isoformat(), "status": "delivered",
                                "location": "Portland", "description": "Delivered"}]}  # fmt: skip
        order = Order.objects.create(
            placed_by=user, state="accepted", reference=f"PO-HIST-{n}", address=address,
            payload={"items": [{"sku": cup.sku, "qty": 10_000}],
                     "shipping_address": address.as_api()},
            expected_subtotal=cup.unit_price * 10_000, supplier_order_id=f"ord_hist_{n}",
            supplier_status="delivered", tracking=tracking, tracking_fetched_at=at,
            tracking_checked_at=at,
        )  # fmt: skip
        OrderLine.objects.create(order=order, product=cup, sku=cup.sku, name=cup.name,
                                 qty=10_000, unit_price=cup.unit_price,
                                 line_total=cup.unit_price * 10_000)  # fmt: skip
        Order.objects.filter(pk=order.pk).update(created_at=at - timedelta(days=3))


def log_in(page: Page, url: str, username: str = "dana") -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()


def main_pages(shop: Shop) -> dict[str, str]:
    """Every main page a buyer uses, by name → path."""
    return {
        "overview": "/",
        "catalog": "/catalog/",
        "product": "/catalog/CS-8OZ-ECO/",
        "favourites": "/favourites/",
        "list": f"/favourites/lists/{shop.weekly.pk}/",
        "cart": "/cart/",
        "checkout": "/checkout/",
        "orders": "/orders/",
        "order detail": f"/orders/{shop.placed.pk}/",
        "refused order": f"/orders/{shop.refused.pk}/",
        "tracking": f"/orders/{shop.placed.pk}/tracking/",
        "addresses": "/addresses/",
        "notifications": "/notifications/",
        "mail settings": "/account/notifications/",
        "standing orders": "/standing/",
        "standing order": f"/standing/{shop.standing.pk}/",
        "new standing order": f"/standing/new/?list={shop.weekly.pk}",
        "run-out forecast": "/restock/",
        "save cart as a list": "/favourites/lists/from-cart/",
    }


def axe_violations(page: Page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (vendored, tests only) on the page; violations of the given impacts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;true")  # evaluated by the test, not served
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in impacts]
