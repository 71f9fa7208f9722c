"""The overview in Chromium: every item leads to where it is handled; "Got it" over htmx."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui_support import log_in, open_shop


@pytest.fixture
def shop(live_server, sandbox, settings, django_user_model):
    return open_shop(live_server, sandbox, settings, django_user_model)


def test_each_overview_item_links_to_where_it_is_handled(page: Page, shop):
    log_in(page, shop.url)
    overview = page.url

    # An order that needs the buyer → its order page, where it is fixed or cancelled.
    page.locator("#attention").get_by_role("link", name="PO-UI-3").click()
    expect(page.get_by_role("heading", name="Order PO-UI-3")).to_be_visible()
    expect(page.get_by_role("button", name="Send the changed order")).to_be_visible()
    page.goto(overview)

    # A delivery due (with its signature flag) → the tracking page.
    deliveries = page.locator("#deliveries")
    expect(deliveries.get_by_text("Signature required")).to_be_visible()
    deliveries.get_by_role("link", name="PO-UI-2").click()
    expect(page.get_by_role("heading", name="Delivery of PO-UI-2")).to_be_visible()
    expect(page.get_by_text("Someone must be there to sign")).to_be_visible()
    page.goto(overview)

    # A delivery problem → the tracking page with the event.
    alerts = page.locator("#tracking-alerts")
    expect(alerts.get_by_text("Delivery attempted — business closed")).to_be_visible()
    alerts.get_by_role("link", name="PO-UI-2").click()
    expect(page.locator("#tracking-panel")).to_contain_text("Delivery attempted")
    page.goto(overview)

    # A favourite running low → its product page, to order it.
    page.locator("#low-stock").get_by_role("link", name=re.compile("Dome Lid")).click()
    expect(page.get_by_role("heading", name=re.compile("Dome Lid"))).to_be_visible()
    expect(page.get_by_text("Low stock")).to_be_visible()
    page.goto(overview)

    # The most ordered SKU → its product page.
    page.locator("#top-skus").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/catalog/CS-8OZ-ECO/$"))

    # The tiles jump to their section.
    page.goto(overview)
    page.get_by_role("link", name=re.compile(r"orders? needs? you")).click()
    expect(page).to_have_url(re.compile("#attention$"))


def test_got_it_clears_a_moved_delivery_date_without_leaving_the_page(page: Page, shop):
    from datetime import date, timedelta

    from orders_app.models import Order

    log_in(page, shop.url)  # the first look records the date the buyer has seen
    order = Order.objects.get(pk=shop.attempted.pk)
    moved = date.fromisoformat(order.tracking["estimated_delivery"]) + timedelta(days=3)
    Order.objects.filter(pk=order.pk).update(
        tracking={**order.tracking, "estimated_delivery": moved.isoformat()}
    )
    page.reload()
    alerts = page.locator("#tracking-alerts")
    expect(alerts.get_by_text("Delivery date moved")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    alerts.get_by_role("button", name=re.compile("Got it")).click()
    expect(alerts.get_by_text("Delivery date moved")).to_have_count(0)
    expect(alerts.get_by_text("Delivery problem")).to_be_visible()  # the exception stays
    assert page.evaluate("window.notReloaded") is True  # swapped by htmx, not a new page
    page.reload()
    expect(page.locator("#tracking-alerts").get_by_text("Delivery date moved")).to_have_count(0)


def test_the_spend_chart_shows_this_months_order_and_its_table(page: Page, shop):
    log_in(page, shop.url)
    chart = page.get_by_role("img", name="Spend per month, last 12 months")
    expect(chart).to_be_visible()
    expect(page.locator("#spend rect.bar")).to_have_count(12)
    page.get_by_text("Show the figures as a table").click()
    expect(page.locator("#spend table tbody tr")).to_have_count(12)
    last = page.locator("#spend table tbody tr").last
    expect(last.locator("td")).not_to_have_text("$0.00")  # the orders placed today count
