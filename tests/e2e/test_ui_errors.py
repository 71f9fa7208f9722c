"""When something fails the buyer is told, in place: a failed htmx request puts a message in
the page (static/js/htmx-errors.js) and leaves the page as it was; a form sent from a page that
went out of date (a login in another tab) comes back with what was typed, ready to send again;
and the error pages and the logout question pass axe."""

import re

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.e2e.ui_support import axe_violations, log_in, open_shop

LINES = "CS-8OZ-ECO 5000\nCS-DOME-LID 1000"


@pytest.fixture
def shop(live_server, sandbox, settings, django_user_model):
    return open_shop(live_server, sandbox, settings, django_user_model)


def fail_htmx(page: Page, how: str) -> None:
    """htmx requests (HX-Request header) answer 500 ("500") or never connect ("abort")."""

    def handle(route: Route) -> None:
        if not route.request.headers.get("hx-request"):
            route.continue_()
        elif how == "abort":
            route.abort("connectionrefused")
        else:
            route.fulfill(status=500, content_type="text/html", body="<h1>Server Error</h1>")

    page.route("**/*", handle)


def test_a_failed_htmx_request_says_so_and_leaves_the_page(page: Page, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/")
    results = page.locator("#results")
    first = results.locator(".sku").first.inner_text()
    fail_htmx(page, "500")
    page.get_by_role("radio", name="Bowls").check()

    alert = page.locator("#messages").get_by_role("alert")
    expect(alert).to_contain_text("That didn't work (the server answered 500)")
    expect(results.locator(".sku").first).to_have_text(first)  # the same list as before
    expect(page.get_by_text("Server Error")).to_have_count(0)  # nothing was swapped in
    expect(page).not_to_have_url(re.compile("category=bowls"))
    assert axe_violations(page) == []

    page.unroute("**/*")
    fail_htmx(page, "abort")
    page.get_by_role("radio", name="Cups").check()
    expect(alert).to_have_count(1)  # one message, replaced
    expect(alert).to_contain_text("Cupboard could not be reached")
    page.get_by_role("button", name="Dismiss").click()
    expect(alert).to_have_count(0)


def log_in_again_elsewhere(context: BrowserContext, url: str) -> None:
    """Another tab logs out (asked first, by GET) and back in: the CSRF token changes."""
    other = context.new_page()
    other.goto(f"{url}/logout/")
    expect(other.get_by_role("heading", name="Log out of Cupboard?")).to_be_visible()
    assert axe_violations(other) == []
    other.get_by_role("button", name="Log out").click()
    expect(other).to_have_url(re.compile("/login/"))
    log_in(other, url)
    other.close()


def test_the_pad_survives_a_login_in_another_tab(page: Page, context: BrowserContext, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/cart/quick/")
    page.get_by_label("SKUs and quantities, one per line").fill(LINES)
    log_in_again_elsewhere(context, shop.url)

    page.get_by_role("button", name="Check these lines").click()
    expect(page.get_by_role("heading", name="This page was out of date")).to_be_visible()
    expect(page.get_by_label("Text")).to_have_value(LINES)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send it again").click()
    expect(page.get_by_role("heading", name="Your lines, checked")).to_be_visible()
    expect(page.locator(".bulk-summary")).to_contain_text("2 ready")


def test_an_htmx_form_from_an_old_page_says_to_reload(page: Page, context: BrowserContext, shop):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/CS-8OZ-ECO/")
    log_in_again_elsewhere(context, shop.url)
    page.get_by_role("button", name="Add to cart").click()
    alert = page.locator("#messages").get_by_role("alert")
    expect(alert).to_contain_text("This page is out of date")
    expect(page).to_have_url(f"{shop.url}/catalog/CS-8OZ-ECO/")  # the page is still there
    expect(page.get_by_role("button", name="Add to cart")).to_be_visible()


def test_the_404_page_has_no_serious_violations(page: Page, shop):
    log_in(page, shop.url)
    response = page.goto(f"{shop.url}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="There's no such page")).to_be_visible()
    assert axe_violations(page) == []
