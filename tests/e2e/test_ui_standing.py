"""Standing orders and restocking in Chromium, against the sandbox over real HTTP: a standing
order set up from a team list whose first date is placed by the scheduler; skip and undo over
htmx; the overview's "Running out soon" into the cart in one click; save the cart as a list."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui_support import log_in, open_shop


@pytest.fixture
def shop(live_server, sandbox, settings, django_user_model):
    return open_shop(live_server, sandbox, settings, django_user_model)


def run_the_scheduler() -> list[str]:
    """One tick of `run_scheduler` for the standing orders' job; the tests' task backend runs
    what it enqueues at once (the worker's part)."""
    from core.scheduler import JOBS, tick

    return tick([job for job in JOBS if job.name == "standing-orders"])


def test_a_standing_order_from_a_list_places_its_first_order(page: Page, shop):
    from orders_app.models import Order
    from replenishment.models import StandingOrder

    log_in(page, shop.url)
    page.goto(f"{shop.url}/favourites/lists/{shop.weekly.pk}/")
    page.get_by_role("link", name="Order it regularly").click()
    expect(page.get_by_role("heading", name="Order this regularly")).to_be_visible()
    expect(page.get_by_text("From Team list “Weekly café”")).to_be_visible()

    page.get_by_label("Name", exact=True).fill("Weekly café cups")
    page.get_by_label("How often").select_option(label="every 2 weeks")
    page.get_by_label("Order at").fill("00:00")  # today's date is due already
    page.get_by_label("PO reference (optional)").fill("WEEKLY-{date}")
    page.get_by_label("Leave a short line out").check()
    page.get_by_role("button", name="Set up the standing order").click()

    expect(page.get_by_role("heading", name="Weekly café cups")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("is written within a minute")
    panel = page.locator("#standing-panel")
    expect(panel).to_contain_text("Every 2 weeks on")
    expect(panel).to_contain_text("Leave a short line out")

    assert run_the_scheduler() == ["standing-orders"]
    assert run_the_scheduler() == []  # nothing more to do: its next date is in two weeks

    page.reload()
    history = page.locator("table.occurrences")
    expect(history.get_by_text("Order written")).to_be_visible()
    so = StandingOrder.objects.get(name="Weekly café cups")
    order = Order.objects.get(occurrence__standing_order=so)
    assert order.po_number.startswith("WEEKLY-") and order.state == Order.State.ACCEPTED
    history.get_by_role("link", name=order.reference).click()
    expect(page.get_by_role("heading", name=f"Order {order.reference}")).to_be_visible()
    expect(page.get_by_text("Cup Source has your order")).to_be_visible()
    expect(page.get_by_text("From the standing order “Weekly café cups”")).to_be_visible()


def test_skip_and_undo_swap_the_panel_without_reloading(page: Page, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/standing/{shop.standing.pk}/")
    page.evaluate("window.notReloaded = true")
    panel = page.locator("#standing-panel")

    panel.get_by_role("button", name=re.compile("^Skip ")).click()

    expect(panel.get_by_text("Skipped", exact=True)).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Skipped")
    panel.get_by_role("button", name=re.compile("^Undo")).click()
    expect(panel.get_by_text("Skipped", exact=True)).to_have_count(0)
    panel.get_by_role("button", name="Pause").click()
    expect(panel.get_by_text("Paused: it orders nothing")).to_be_visible()
    panel.get_by_role("button", name="Resume").click()
    expect(panel.get_by_role("button", name="Pause")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True


def test_running_out_soon_goes_into_the_cart_in_one_click(page: Page, shop):
    log_in(page, shop.url)
    card = page.locator("#running-out")
    expect(card).to_contain_text("You use ~710 a day; the 10,000 delivered")
    badge = page.locator("#cart-badge")
    before = badge.inner_text()

    card.get_by_role("button", name=re.compile("^Add .* to cart")).click()

    expect(card.get_by_text(re.compile("in your cart"))).to_be_visible()
    expect(badge).not_to_have_text(before)  # the header heard "cartUpdated"
    card.get_by_role("button", name=re.compile("^Add .* to cart")).click()  # the same button
    expect(card.get_by_text("nothing was added again")).to_be_visible()


def test_the_cart_is_saved_as_a_team_list(page: Page, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/cart/")
    page.get_by_role("link", name="Save the cart as a team list").click()
    page.get_by_label("Or a new list called").fill("Lids for the weekend")
    page.get_by_role("button", name="Save as a list").click()

    expect(page.get_by_role("heading", name="Lids for the weekend")).to_be_visible()
    expect(page.locator("table.list-lines tbody tr")).to_have_count(1)
