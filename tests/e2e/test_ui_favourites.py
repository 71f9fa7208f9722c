"""Stars and team lists in Chromium: htmx toggles, saving to a list, a list into the cart."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui_support import log_in, open_shop


@pytest.fixture
def shop(live_server, sandbox, settings, django_user_model):
    return open_shop(live_server, sandbox, settings, django_user_model)


def test_a_buyer_stars_from_the_catalog_and_unstars_on_the_product_page(page: Page, shop):
    log_in(page, shop.url)
    page.get_by_role("link", name="Catalog", exact=True).click()
    page.get_by_label("Search", exact=True).fill("CS-8OZ-ECO")
    star = page.get_by_role("button", name="Favourite CS-8OZ-ECO")
    expect(star).to_have_attribute("aria-pressed", "false")
    page.evaluate("window.notReloaded = true")
    star.click()
    expect(star).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the button only

    page.get_by_role("link", name="Favourites", exact=True).click()
    starred = page.locator("table.starred")
    expect(starred.get_by_text("CS-8OZ-ECO", exact=True)).to_be_visible()

    page.goto(f"{shop.url}/catalog/CS-8OZ-ECO/")
    star = page.get_by_role("button", name="Favourite CS-8OZ-ECO")
    expect(star).to_have_attribute("aria-pressed", "true")
    star.focus()
    page.keyboard.press("Enter")  # works from the keyboard
    expect(star).to_have_attribute("aria-pressed", "false")
    page.goto(f"{shop.url}/favourites/")
    expect(page.locator("table.starred").get_by_text("CS-8OZ-ECO", exact=True)).to_have_count(0)


def test_a_buyer_saves_products_to_a_new_list_and_puts_the_list_in_the_cart(page: Page, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/CS-8OZ-ECO/")
    page.get_by_label("Or start a new list").fill("Store opening")
    page.get_by_label("Quantity to save").fill("3")
    page.get_by_role("button", name="Save to list").click()
    messages = page.locator("#messages")  # the flash message arrives with the htmx swap
    expect(messages).to_contain_text("Saved 3,000 units of CS-8OZ-ECO to “Store opening”.")
    expect(page.get_by_label("List", exact=True)).to_contain_text("Store opening")

    page.get_by_role("link", name="Favourites", exact=True).click()
    page.get_by_role("link", name="Store opening").click()
    expect(page.get_by_role("heading", name="Store opening")).to_be_visible()
    page.get_by_label("SKU").fill("CS-DOME-LID")
    page.get_by_label("Quantity", exact=True).fill("3000")
    page.get_by_label("Unit", exact=True).select_option("units")
    page.get_by_role("button", name="Add to list").click()
    expect(page.locator("#messages")).to_contain_text("CS-DOME-LID: 3,000 units on the list.")
    expect(page.locator("table.list-lines tbody tr")).to_have_count(2)

    page.get_by_role("button", name="Add the whole list to the cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Added 2 lines from “Store opening”")
    cart = page.locator("#cart-body")
    expect(cart).to_contain_text("CS-8OZ-ECO")
    expect(cart.get_by_label("Quantity of CS-DOME-LID")).to_have_value(re.compile(r"^\d+$"))


def test_a_list_that_cannot_be_ordered_adds_nothing_and_shows_why(page: Page, shop):
    from catalog_app.models import Product

    Product.objects.filter(sku="CS-8OZ-ECO").update(discontinued=True)
    log_in(page, shop.url)
    badge = page.locator("#cart-badge .pill")
    expect(badge).to_have_text("1")
    page.goto(f"{shop.url}/favourites/lists/{shop.weekly.pk}/")
    page.get_by_role("button", name="Add the whole list to the cart").click()
    expect(page.locator("#messages")).to_contain_text("Nothing was added to your cart.")
    expect(page.locator("tr.has-problem")).to_contain_text("no longer offered by Cup Source")
    expect(badge).to_have_text("1")


def test_a_team_admin_sees_and_can_delete_a_colleagues_team_list(
    page: Page, shop, django_user_model, role_groups, settings
):
    from django.contrib.auth.models import Group

    settings.MFA_REQUIRED = False  # (a team admin's second factor: test_ui_mfa.py)
    sam = django_user_model.objects.create_user(
        "sam", password="cups-and-lids-42", first_name="Sam"
    )
    sam.groups.add(Group.objects.get(name="Team admins"))  # (a buyer deletes only their own)
    log_in(page, shop.url, username="sam")
    page.get_by_role("link", name="Favourites", exact=True).click()
    expect(page.get_by_text("No starred products yet.")).to_be_visible()  # stars are personal
    page.get_by_role("link", name="Weekly café").click()
    page.get_by_role("link", name="Delete this list").click()
    page.get_by_role("button", name="Delete the list").click()
    expect(page.locator("#messages")).to_contain_text("Deleted the list “Weekly café”.")
    expect(page.get_by_text("No lists yet.")).to_be_visible()
