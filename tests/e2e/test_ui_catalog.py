"""The catalog in Chromium: its controls follow the URL through Back and Forward, the phone
layout puts the results first, the search box's suggestions work by keyboard, and axe finds
nothing at all (of any impact) on the catalog and product pages."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui_support import PHONE, axe_violations, log_in, open_shop

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def shop(live_server, sandbox, settings, django_user_model):
    return open_shop(live_server, sandbox, settings, django_user_model)


def radio(page: Page, name: str, value: str = ""):
    return page.locator(f"#filters input[name={name}][value='{value}']")


def first_sku(page: Page) -> str:
    return page.locator("#results .catalog-table .sku").first.inner_text()


def test_back_after_two_filter_changes_shows_the_right_controls_and_results(page: Page, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/")
    radio(page, "category", "bowls").check()
    expect(page).to_have_url(re.compile(r"category=bowls"))
    expect(page.locator("#results")).not_to_contain_text("Hot Cup")
    radio(page, "material", "plastic").check()
    expect(page).to_have_url(re.compile(r"category=bowls.*material=plastic"))
    expect(page.locator("#results")).not_to_contain_text("Paper")
    plastic_bowls = first_sku(page)

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"material=plastic"))
    expect(radio(page, "category", "bowls")).to_be_checked()
    expect(radio(page, "material")).to_be_checked()
    expect(page.locator("#results")).to_contain_text("Paper Soup Bowl")
    page.go_back()
    expect(radio(page, "category")).to_be_checked()
    expect(page.locator("#results")).to_contain_text("Hot Cup")
    page.go_forward()
    page.go_forward()
    expect(radio(page, "category", "bowls")).to_be_checked()
    expect(radio(page, "material", "plastic")).to_be_checked()
    expect(page.locator("#results .catalog-table .sku").first).to_have_text(plastic_bowls)
    page.reload()
    expect(radio(page, "material", "plastic")).to_be_checked()

    # the product page's "← Catalog" returns to this very page
    page.locator("#results .catalog-table a").first.click()
    page.get_by_role("link", name="← Catalog").click()
    expect(page).to_have_url(re.compile(r"category=bowls.*material=plastic"))
    expect(radio(page, "material", "plastic")).to_be_checked()


def test_next_page_scrolls_to_the_top_of_the_results(page: Page, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/")
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".result-count")).to_contain_text("page 2 of")
    top = page.evaluate("document.getElementById('results').getBoundingClientRect().top")
    assert -2 <= top <= 60


def test_the_phone_layout_shows_results_in_the_first_screen(page: Page, shop):
    page.set_viewport_size(PHONE)
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/?q=rippel")
    first_row = page.locator("#results tbody tr").first
    expect(first_row).to_be_in_viewport()
    box = first_row.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    heights = page.evaluate(
        "Array.from(document.querySelectorAll('#results tbody tr'))"
        ".map(r => r.getBoundingClientRect().height)"
    )
    assert heights and max(heights) <= 250, heights
    # the quantity control is not clipped: it ends inside its card
    add = page.locator("#results tbody tr").first.get_by_role("button", name="Add to cart")
    assert add.bounding_box()["x"] + add.bounding_box()["width"] <= PHONE["width"]

    toggle = page.get_by_role("button", name=re.compile(r"^Filters \(0\)"))
    expect(page.get_by_role("group", name="Category")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.get_by_role("group", name="Category").get_by_label("Cups").check()
    expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Show the results")).click()
    expect(page.get_by_role("group", name="Category")).to_be_hidden()
    expect(page.locator("#results tbody tr").first).to_be_in_viewport()
    expect(page).to_have_url(re.compile(r"category=cups"))
    expect(page.locator("#results.htmx-request")).to_have_count(0)  # not dimmed while loading
    assert axe_violations(page, EVERY_IMPACT) == []


def test_the_search_suggestions_work_by_keyboard(page: Page, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/")
    box = page.get_by_role("combobox", name="Search")
    box.focus()
    page.keyboard.type("rippel")
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("Ripple-Wall")
    # the results below have followed too (not dimmed while loading when axe looks)
    expect(page.locator(".result-count")).to_contain_text("showing results for ripple")
    expect(page.locator("#results.htmx-request")).to_have_count(0)
    assert axe_violations(page, EVERY_IMPACT) == []

    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(box).to_be_focused()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("ArrowDown")  # opens again on the first
    expect(options.first).to_have_attribute("aria-selected", "true")
    sku = options.first.locator(".sku").inner_text()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/catalog/{re.escape(sku)}/$"))


def test_the_catalog_and_product_pages_have_no_violations_at_all(page: Page, shop):
    log_in(page, shop.url)
    for path in ["/catalog/", "/catalog/?q=kraft+bowl", "/catalog/?q=lip", "/catalog/CS-8OZ-ECO/",
                 "/catalog/CS-DOME-LID/"]:  # fmt: skip
        page.goto(shop.url + path)
        assert axe_violations(page, EVERY_IMPACT) == [], path
    page.get_by_role("button", name=re.compile(r"^Add .* of CS-8OZ-ECO to the cart")).click()
    expect(page.locator(".one-click-answer").first).to_contain_text("in your cart")
    assert axe_violations(page, EVERY_IMPACT) == []
