"""While an htmx request is on its way, the part that will change shows a spinner (styled by
app.css: htmx's own indicator styles are off under the Content-Security-Policy)."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.ui_support import log_in, open_shop


@pytest.fixture
def shop(live_server, sandbox, settings, django_user_model):
    return open_shop(live_server, sandbox, settings, django_user_model)


def spinner(page: Page, selector: str, pseudo: str) -> str:
    return page.evaluate(
        f"getComputedStyle(document.querySelector('{selector}'), '{pseudo}').animationName"
    )


class Held:
    """htmx requests (HX-Request header) are held until release(), to look at the page
    meanwhile. A held route is answered later from the test, never waited for inside the
    handler: the sync API runs handlers on the thread that also runs the test's expect()s."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.released = False

    def __call__(self, route: Route) -> None:
        if route.request.headers.get("hx-request") and not self.released:
            self.routes.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        self.released = True
        for route in self.routes:
            route.continue_()


@pytest.fixture
def held(page: Page) -> Held:
    held = Held()
    page.route("**/*", held)
    return held


def test_catalog_results_show_a_spinner_while_filtering(page: Page, shop, held):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/")
    results = page.locator("#results")
    assert spinner(page, "#results", "::before") == "none"
    page.get_by_role("radio", name="Bowls").check()
    expect(results).to_have_class("results htmx-request")
    assert spinner(page, "#results", "::before") == "spin"
    held.release()
    expect(results).to_have_class("results")
    expect(page).to_have_url(re.compile("category=bowls"))
    expect(page.locator("section.results")).to_have_count(1)  # replaced, not nested


def test_a_star_shows_a_spinner_and_is_disabled_until_answered(page: Page, shop, held):
    log_in(page, shop.url)
    page.goto(f"{shop.url}/catalog/CS-8OZ-ECO/")
    star = page.get_by_role("button", name="Favourite CS-8OZ-ECO")
    star.click()
    form = page.locator("#star-cs-8oz-eco")
    expect(form).to_have_class("star-form htmx-request")
    expect(star).to_be_disabled()
    assert spinner(page, "#star-cs-8oz-eco", "::after") == "spin"
    held.release()
    expect(page.get_by_role("button", name="Favourite CS-8OZ-ECO")).to_have_attribute(
        "aria-pressed", "true"
    )
