"""The overview page: every figure computed from orders and tracking stored in the database."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from favourites.models import Favourite
from orders_app.models import Order, OrderLine
from overview.figures import MonthSpend, spend_by_month, spend_chart
from supplier.status import record_result


def section(body: str, element_id: str) -> str:
    match = re.search(rf'<section id="{element_id}".*?</section>', body, re.S)
    assert match, f"no section #{element_id}"
    return match.group(0)


def tracking(*, eta, status="in_transit", signature=False, events=()):
    return {
        "order_id": "ord_x",
        "status": status,
        "carrier": "UPS",
        "tracking_number": "1Z999",
        "estimated_delivery": eta.isoformat() if eta else None,
        "signature_required": signature,
        "events": list(events),
    }


def event(status, description, location="Portland, OR", at="2026-11-20T10:00:00Z"):
    return {"at": at, "status": status, "location": location, "description": description}


@pytest.fixture
def make_order(db):
    counter = iter(range(1, 10_000))

    def make(user, *, state="accepted", total="100.00", created=None, lines=(), **fields):
        n = next(counter)
        order = Order.objects.create(
            placed_by=user,
            state=state,
            reference=fields.pop("reference", f"REF-{n}"),
            payload={"items": [], "shipping_address": {}},
            expected_subtotal=Decimal(total),
            total=Decimal(total) if state == "accepted" else None,
            supplier_order_id=f"ord_{n:04d}" if state == "accepted" else None,
            supplier_status=fields.pop("supplier_status", "shipped" if state == "accepted" else ""),
            **fields,
        )
        for sku, qty in lines:
            OrderLine.objects.create(
                order=order, sku=sku, name=f"Name of {sku}", qty=qty,
                unit_price=Decimal("0.05"), line_total=Decimal("0.05") * qty,
            )  # fmt: skip
        if created is not None:
            Order.objects.filter(pk=order.pk).update(created_at=created)
            order.refresh_from_db()
        return order

    return make


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def connected():
    """The supplier answered its latest call (the page itself makes no call)."""
    record_result(200)


@pytest.fixture
def overview(buyer_client, connected):
    def get():
        response = buyer_client.get(reverse("home"))
        assert response.status_code == 200
        return response.content.decode()

    return get


# --- deliveries due --------------------------------------------------------------------------


def test_it_lists_deliveries_due_within_seven_days_soonest_first(
    overview, buyer, make_order, today
):
    later = make_order(buyer, reference="DUE-LATER", tracking=tracking(eta=today + timedelta(7)))
    soon = make_order(buyer, reference="DUE-SOON", tracking=tracking(eta=today + timedelta(1)))
    make_order(buyer, reference="DUE-NEXT-MONTH", tracking=tracking(eta=today + timedelta(8)))
    deliveries = section(overview(), "deliveries")
    assert deliveries.index("DUE-SOON") < deliveries.index("DUE-LATER")
    assert "DUE-NEXT-MONTH" not in deliveries
    for order in (soon, later):
        assert f'href="{reverse("orders:order_tracking", args=[order.pk])}"' in deliveries


def test_it_flags_a_delivery_that_needs_a_signature(overview, buyer, make_order, today):
    make_order(buyer, reference="SIGN", tracking=tracking(eta=today, signature=True))
    make_order(buyer, reference="NOSIGN", tracking=tracking(eta=today + timedelta(2)))
    deliveries = section(overview(), "deliveries")
    items = deliveries.split("<li>")
    signed = next(item for item in items if "SIGN<" in item and "NOSIGN" not in item)
    unsigned = next(item for item in items if "NOSIGN" in item)
    assert "Signature required" in signed
    assert "Signature required" not in unsigned


def test_a_delivery_past_its_date_is_shown_late(overview, buyer, make_order, today):
    make_order(buyer, reference="OVERDUE", tracking=tracking(eta=today - timedelta(2)))
    assert "Late: was due" in section(overview(), "deliveries")


def test_delivered_and_other_buyers_deliveries_are_not_listed(
    overview, buyer, other_buyer, make_order, today
):
    make_order(
        buyer, reference="DONE", supplier_status="delivered",
        tracking=tracking(eta=today, status="delivered"),
    )  # fmt: skip
    make_order(other_buyer, reference="THEIRS", tracking=tracking(eta=today))
    deliveries = section(overview(), "deliveries")
    assert "DONE" not in deliveries and "THEIRS" not in deliveries
    assert "No deliveries due this week" in deliveries


# --- orders needing attention ----------------------------------------------------------------


def test_it_lists_orders_that_need_the_buyer_with_links(overview, buyer, make_order):
    refused = make_order(buyer, state="needs_changes", reference="REFUSED")
    queued = make_order(buyer, state="queued", reference="WAITING")
    doubt = make_order(buyer, state="in_doubt", reference="UNSURE")
    make_order(buyer, state="accepted", reference="FINE")
    make_order(buyer, state="cancelled", reference="GONE")
    body = overview()
    attention = section(body, "attention")
    for order in (refused, queued, doubt):
        assert f'href="{reverse("orders:order_detail", args=[order.pk])}"' in attention
    assert "FINE" not in attention and "GONE" not in attention
    assert re.search(r'tile-n">3</span> <span class="tile-label">orders need you', body)


def test_another_buyers_refused_order_is_not_shown(overview, other_buyer, make_order):
    make_order(other_buyer, state="needs_changes", reference="NOT-MINE")
    attention = section(overview(), "attention")
    assert "NOT-MINE" not in attention and "Nothing needs you" in attention


def test_orders_waiting_for_approval_need_attention(overview, buyer, make_order):
    state = Order.State.PENDING_APPROVAL
    assert state in Order.ATTENTION_STATES
    make_order(buyer, state=state, reference="AWAITING-OK")
    assert "AWAITING-OK" in section(overview(), "attention")


# --- tracking alerts -------------------------------------------------------------------------


def test_a_delivery_exception_is_an_alert(overview, buyer, make_order, today):
    make_order(
        buyer, reference="ATTEMPTED",
        tracking=tracking(eta=today, status="out_for_delivery", events=[
            event("in_transit", "Picked up by carrier"),
            event("exception", "Delivery attempted — business closed"),
            event("out_for_delivery", "Out for delivery (second attempt)"),
        ]),
    )  # fmt: skip
    alerts = section(overview(), "tracking-alerts")
    assert "ATTEMPTED" in alerts and "Delivery problem" in alerts
    assert "Delivery attempted — business closed (Portland, OR)" in alerts


def test_an_exception_on_a_delivered_order_is_no_longer_an_alert(
    overview, buyer, make_order, today
):
    make_order(
        buyer, reference="SORTED", supplier_status="delivered",
        tracking=tracking(eta=today, status="delivered", events=[
            event("exception", "Delivery attempted — business closed"),
            event("delivered", "Delivered"),
        ]),
    )  # fmt: skip
    assert "No tracking alerts" in section(overview(), "tracking-alerts")


def test_a_moved_delivery_date_is_an_alert_until_the_buyer_has_seen_it(
    overview, buyer_client, buyer, make_order, today
):
    first, moved = today + timedelta(days=2), today + timedelta(days=4)
    order = make_order(buyer, reference="MOVED", tracking=tracking(eta=first))
    assert "Delivery date moved" not in overview()  # first sight: the date is recorded
    Order.objects.filter(pk=order.pk).update(tracking=tracking(eta=moved))
    alerts = section(overview(), "tracking-alerts")
    assert "Delivery date moved" in alerts
    assert f"(was {first:%b} {first.day})" in alerts
    assert overview().count("Delivery date moved") == 1  # still there on reload

    response = buyer_client.post(reverse("delivery_date_seen", args=[order.pk]))
    assert response.status_code == 302
    assert "Delivery date moved" not in overview()


def test_got_it_over_htmx_returns_the_updated_alerts(buyer_client, buyer, make_order, today):
    order = make_order(buyer, reference="HX", tracking=tracking(eta=today + timedelta(1)))
    buyer_client.get(reverse("home"))
    Order.objects.filter(pk=order.pk).update(tracking=tracking(eta=today + timedelta(3)))
    response = buyer_client.post(
        reverse("delivery_date_seen", args=[order.pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="tracking-alerts"')
    assert "No tracking alerts" in body


def test_a_buyer_cannot_acknowledge_another_buyers_order(
    client, other_buyer, buyer, make_order, today
):
    order = make_order(buyer, tracking=tracking(eta=today))
    client.force_login(other_buyer)
    assert client.post(reverse("delivery_date_seen", args=[order.pk])).status_code == 404


def test_got_it_needs_a_post(buyer_client, buyer, make_order, today):
    order = make_order(buyer, tracking=tracking(eta=today))
    assert buyer_client.get(reverse("delivery_date_seen", args=[order.pk])).status_code == 405


# --- spend per month -------------------------------------------------------------------------


def month_ago(today, months):
    index = today.year * 12 + today.month - 1 - months
    return datetime(index // 12, index % 12 + 1, 15, 12, 0, tzinfo=UTC)


def test_spend_is_summed_per_month_for_the_last_twelve_months(
    buyer, other_buyer, make_order, today
):
    make_order(buyer, total="100.00", created=month_ago(today, 0))
    make_order(buyer, total="50.50", created=month_ago(today, 0))
    make_order(buyer, total="70.00", created=month_ago(today, 3))
    make_order(buyer, total="999.00", created=month_ago(today, 12))  # 13 months back: out
    make_order(buyer, total="999.00", created=month_ago(today, 1), supplier_status="cancelled")
    make_order(buyer, state="needs_changes", total="999.00", created=month_ago(today, 1))
    make_order(other_buyer, total="999.00", created=month_ago(today, 2))
    months = spend_by_month(buyer, today=today)
    assert len(months) == 12
    assert months[-1].month == today.replace(day=1)
    assert [m.total for m in months[::-1][:5]] == [
        Decimal("150.50"), 0, 0, Decimal("70.00"), 0,
    ]  # fmt: skip
    assert sum(m.total for m in months) == Decimal("220.50")


def test_the_spend_chart_is_an_accessible_svg_with_the_figures(overview, buyer, make_order, today):
    make_order(buyer, total="1234.50", created=month_ago(today, 0))
    make_order(buyer, total="400.00", created=month_ago(today, 2))
    spend = section(overview(), "spend")
    assert 'role="img"' in spend and 'aria-labelledby="spend-title spend-desc"' in spend
    this_month, two_ago = month_ago(today, 0), month_ago(today, 2)
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", spend, re.S).group(1)
    assert f"{this_month:%B %Y}: $1,234.50" in desc and f"{two_ago:%B %Y}: $400.00" in desc
    assert spend.count('<rect class="bar') == 12
    table = re.search(r"<table.*?</table>", spend, re.S).group(0)
    assert f'<th scope="row">{this_month:%B %Y}</th><td class="num">$1,234.50</td>' in table
    assert "$1,634.50</strong> in all" in spend


def test_the_tallest_bar_fills_the_chart_and_a_zero_month_has_no_height(today):
    data = [MonthSpend(today.replace(day=1), Decimal(0)), MonthSpend(today, Decimal("800"))]
    chart = spend_chart(data)
    assert chart.top == Decimal(800)  # four round steps of $200 up to the tallest bar
    assert chart.bars[0].height == 0
    assert chart.bars[1].height == chart.plot_bottom - chart.plot_top
    assert [value for _, value in chart.gridlines] == [0, 200, 400, 600, 800]
    assert spend_chart([MonthSpend(today, Decimal("2281.40"))]).top == 2400
    assert spend_chart([MonthSpend(today, Decimal(0))]).bars[0].height == 0


# --- top SKUs --------------------------------------------------------------------------------


def test_top_skus_are_ranked_by_units_with_links(overview, buyer, make_order, make_product, today):
    make_product("CS-12OZ")
    make_order(buyer, lines=[("CS-12OZ", 3000), ("CS-BOWL", 1000)])
    make_order(buyer, lines=[("CS-12OZ", 2000), ("CS-LID", 4000)])
    make_order(buyer, state="needs_changes", lines=[("CS-BOWL", 90_000)])  # not ordered
    top = section(overview(), "top-skus")
    assert top.index("CS-12OZ") < top.index("CS-LID") < top.index("CS-BOWL")
    assert "<strong>5,000</strong> units" in top and "in 2 orders" in top
    assert f'href="{reverse("catalog:product_detail", args=["CS-12OZ"])}"' in top
    assert 'width="100.0"' in top and 'width="80.0"' in top  # bars scaled to the top SKU


def test_top_skus_say_what_to_do_when_there_are_no_orders(overview):
    assert "What you order most will be listed here" in section(overview(), "top-skus")


# --- favourites running low ------------------------------------------------------------------


def test_low_stock_favourites_are_listed_with_links(overview, buyer, other_buyer, make_product):
    low = make_product("LOW", case_pack=1000, stock=5_000)  # 5 cases: low
    empty = make_product("EMPTY", stock=0)
    gone = make_product("GONE", discontinued=True)
    plenty = make_product("PLENTY", stock=100_000)
    theirs = make_product("THEIRS", stock=10)
    for product in (low, empty, gone, plenty):
        Favourite.objects.create(user=buyer, product=product)
    Favourite.objects.create(user=other_buyer, product=theirs)
    low_stock = section(overview(), "low-stock")
    for sku in ("LOW", "EMPTY", "GONE"):
        assert f'href="{reverse("catalog:product_detail", args=[sku])}"' in low_stock
    assert "PLENTY" not in low_stock and "THEIRS" not in low_stock
    assert "Out of stock" in low_stock and "No longer offered" in low_stock


# --- no API calls ----------------------------------------------------------------------------


@pytest.fixture
def busy_buyer(buyer, make_order, make_product, today):
    """A buyer with something in every figure."""
    product = make_product("CS-8OZ", stock=10)
    Favourite.objects.create(user=buyer, product=product)
    make_order(buyer, state="queued")
    make_order(buyer, lines=[("CS-8OZ", 5000)], created=month_ago(today, 1),
               tracking=tracking(eta=today, signature=True,
                                 events=[event("exception", "Delivery attempted")]))  # fmt: skip
    return buyer


def test_the_overview_makes_no_api_call(overview, busy_buyer, no_api):
    body = overview()
    assert "Delivery attempted" in body and "Signature required" in body
    assert no_api == []


def test_with_nothing_heard_from_the_supplier_it_still_makes_no_call(
    buyer_client, busy_buyer, no_api
):
    body = buyer_client.get(reverse("home")).content.decode()
    assert no_api == []
    assert "Not checked yet" in body and "Delivery attempted" in body


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    got_it = client.post(reverse("delivery_date_seen", args=[1]))
    assert got_it.status_code == 302 and got_it["Location"].startswith(reverse("login"))


def test_a_buyer_without_orders_is_told_what_the_chart_will_show(overview):
    spend = section(overview(), "spend")
    assert "No spend yet." in spend and 'class="chart chart-empty"' in spend


def test_only_january_carries_the_year_on_the_chart(today):
    months = [month_ago(today, n).date().replace(day=1) for n in range(11, -1, -1)]
    chart = spend_chart([MonthSpend(month, Decimal(0)) for month in months])
    labels = [bar.label for bar in chart.bars]
    with_year = [label for label in labels if "’" in label]
    assert len(with_year) == 1 and with_year[0].startswith("Jan ’")
