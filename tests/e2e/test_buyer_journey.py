"""The whole journey of a buyer, in real Chromium, against a live Cupboard and the sandbox."""

import re

import pytest
from playwright.sync_api import Page, expect

from catalog_app.services import catalog_sync
from supplier.client import get_client


@pytest.fixture
def cupboard(live_server, sandbox, settings, django_user_model):
    """A live Cupboard whose mirror is synced from the sandbox, and a buyer login."""
    sandbox.configure(settings)
    with get_client() as client:
        assert catalog_sync(client=client, trigger="command").status == "succeeded"
    django_user_model.objects.create_user("dana", password="cups-and-lids-42", first_name="Dana")
    return live_server.url


def log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("cups-and-lids-42")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_a_buyer_orders_cups_and_lids_and_follows_the_delivery(page: Page, cupboard):
    log_in(page, cupboard)

    # Browse: paper cups, filtered with htmx (the URL follows, so it can be bookmarked).
    page.get_by_role("link", name="Catalog").click()
    page.get_by_role("radio", name=re.compile(r"^Cups")).check()
    page.get_by_role("radio", name=re.compile(r"^Paper")).check()
    expect(page).to_have_url(
        re.compile(r"category=cups.*material=paper|material=paper.*category=cups")
    )
    row = page.locator("tr", has=page.get_by_text("CS-8OZ-ECO", exact=True))
    expect(row).to_be_visible()

    # Add 5,000 units of CS-8OZ-ECO; the header badge updates through the cartUpdated event.
    row.get_by_label("Quantity of CS-8OZ-ECO").fill("5000")
    row.get_by_label("Unit").select_option("units")
    row.get_by_role("button", name="Add to cart").click()
    expect(row.get_by_text("You have 5,000 units")).to_be_visible()
    expect(page.locator("#cart-badge .pill")).to_have_text("1")

    # The cart offers the matching lid in the same quantity.
    page.locator("#cart-badge").click()
    page.get_by_role("button", name=re.compile(r"Add matching lid: .* × 5,000")).click()
    expect(page.locator("#cart-body")).to_contain_text("CS-DOME-LID")
    expect(page.locator("#cart-badge .pill")).to_have_text("2")

    # Checkout: no address yet, so add the portal's example address on the way.
    page.get_by_role("link", name="Check out").click()
    page.get_by_role("link", name="Add a delivery address").click()
    page.get_by_label("Name for this address").fill("Portland café")
    page.get_by_label("Street address").fill("123 Commerce Way")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("State").select_option("OR")
    page.get_by_label("ZIP code").fill("97201")
    page.get_by_role("button", name="Add address").click()
    expect(page.get_by_role("heading", name="Check out")).to_be_visible()
    page.get_by_label("PO reference (optional)").fill("PO-E2E-1")
    page.get_by_role("button", name=re.compile("Place order")).click()

    # Confirmation with the supplier's order id.
    expect(page.get_by_text("Cup Source has your order")).to_be_visible()
    supplier_id = page.locator(".alert-ok .sku").inner_text()
    assert supplier_id.startswith("ord_")

    # Tracking shows the status.
    page.get_by_role("link", name="Track the delivery").click()
    expect(page.get_by_role("heading", name=re.compile("Delivery of PO-E2E-1"))).to_be_visible()
    expect(page.locator("#tracking-panel .badge")).to_be_visible()
    expect(page.locator("#tracking-panel")).to_contain_text("Estimated delivery")
