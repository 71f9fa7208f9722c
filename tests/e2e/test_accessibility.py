"""axe-core (vendored from the npm registry, tests only) on every main page: no serious or
critical violations, at desktop and phone width, and with the page's interactive parts open."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui_support import PHONE, axe_violations, log_in, main_pages, open_shop


@pytest.fixture
def shop(live_server, sandbox, settings, django_user_model):
    return open_shop(live_server, sandbox, settings, django_user_model)


def test_the_login_page_has_no_serious_violations(page: Page, shop):
    page.goto(f"{shop.url}/login/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Log in").click()  # empty: the browser asks for the fields
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert axe_violations(page) == []


def test_every_main_page_has_no_serious_or_critical_violations(page: Page, shop):
    refused = []  # what the Content-Security-Policy blocked (inline styles, scripts…)
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    log_in(page, shop.url)
    found = {}
    for name, path in main_pages(shop).items():
        page.goto(shop.url + path)
        found[name] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}
    assert len(found) == 19
    assert refused == []


def test_pages_have_no_serious_violations_at_phone_width(page: Page, shop):
    page.set_viewport_size(PHONE)
    log_in(page, shop.url)
    found = {}
    for name, path in main_pages(shop).items():
        page.goto(shop.url + path)
        found[name] = axe_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


def test_open_menus_figures_and_swapped_parts_have_no_serious_violations(page: Page, shop):
    log_in(page, shop.url)
    page.get_by_text("Show the figures as a table").click()
    page.locator(".account summary").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{shop.url}/catalog/CS-8OZ-ECO/")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_text("in your cart")).to_be_visible()
    page.get_by_role("button", name="Save to list").click()
    expect(page.locator("#messages")).to_contain_text("Saved")
    assert axe_violations(page) == []


def test_axe_finds_what_it_should(page: Page, shop):
    """The check itself can fail: a page with an unlabelled field and low contrast."""
    page.set_content(
        "<html lang=en><title>t</title><main><input type=text>"
        "<p style='color:#bbb;background:#fff'>faint</p></main></html>"
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert {"label", "color-contrast"} <= ids
