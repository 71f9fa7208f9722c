"""At a phone's width (390 px): every main page fits without sideways scrolling, and the whole
navigation is on screen; keyboard users get a skip link and a visible focus ring."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.ui_support import PHONE, log_in, main_pages, open_shop

NAV = ["Overview", "Catalog", "Favourites", "Orders", "Addresses"]


@pytest.fixture
def shop(live_server, sandbox, settings, django_user_model):
    return open_shop(live_server, sandbox, settings, django_user_model)


def overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_every_main_page_fits_a_phone_without_sideways_scrolling(page: Page, shop):
    page.set_viewport_size(PHONE)
    page.goto(f"{shop.url}/login/")
    too_wide = {"login": overflow(page)}
    log_in(page, shop.url)
    for name, path in main_pages(shop).items():
        page.goto(shop.url + path)
        too_wide[name] = overflow(page)
    assert {name: px for name, px in too_wide.items() if px > 0} == {}


def test_the_whole_navigation_is_on_a_phone_screen(page: Page, shop):
    page.set_viewport_size(PHONE)
    log_in(page, shop.url)
    nav = page.get_by_role("navigation", name="Main")
    for name in NAV:
        box = nav.get_by_role("link", name=name, exact=True).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
        assert box["y"] + box["height"] <= 200, name  # at the top, not below the fold
    cart = page.locator("#cart-badge").bounding_box()
    assert cart["x"] + cart["width"] <= PHONE["width"] and cart["y"] < 80
    page.locator(".account summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Cupboard")).to_be_visible()


def test_a_narrow_page_would_be_caught(page: Page, shop):
    """The overflow check can fail: a page wider than the phone is measured as such."""
    page.set_viewport_size(PHONE)
    page.set_content("<div style='width:600px'>wide</div>")
    assert overflow(page) > 0


def test_keyboard_users_skip_to_the_content_and_see_where_focus_is(page: Page, shop):
    log_in(page, shop.url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert focused[0] != "none" and focused[1] != "0px"


def test_status_badges_are_whole_on_a_phone(page: Page, shop):
    """ "Received by Cup Source" was cut to "Received by Cup Sour" in the order list."""
    page.set_viewport_size(PHONE)
    log_in(page, shop.url)
    page.goto(f"{shop.url}/orders/")
    expect(page.locator(".badge", has_text="Received by Cup Source").first).to_be_visible()
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.badge')].filter(b => {
             const box = b.getBoundingClientRect(), cell = b.parentElement.getBoundingClientRect();
             return b.scrollWidth > b.clientWidth + 1 || box.right > cell.right + 1
               || box.right > window.innerWidth; }).map(b => b.textContent)"""
    )
    assert cut == []


def test_the_cart_total_has_no_empty_row_on_a_phone(page: Page, shop):
    from orders_app.services import cart_add

    cart_add(user=shop.user, product=shop.placed.lines.get().product, qty=2000)
    page.set_viewport_size(PHONE)
    log_in(page, shop.url)
    page.goto(f"{shop.url}/cart/")
    empty = page.evaluate(
        """() => [...document.querySelectorAll('table.products tfoot td, table.products tfoot th')]
             .filter(c => !c.textContent.trim() && c.getBoundingClientRect().height > 0).length"""
    )
    assert empty == 0
