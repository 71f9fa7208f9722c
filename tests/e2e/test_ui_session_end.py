"""When a session ends while a page is open, the next htmx request sends the whole page to
log in (not a login form swapped into the results), and logging in comes back to that page."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.ui_support import PASSWORD


def test_a_filter_change_after_the_session_ended_goes_to_log_in_and_back(
    page: Page, live_server, sandbox, settings, django_user_model
):
    from django.contrib.sessions.models import Session

    from catalog_app.services import catalog_sync
    from supplier.client import get_client

    sandbox.configure(settings)
    with get_client() as client:
        assert catalog_sync(client=client, trigger="command").status == "succeeded"
    django_user_model.objects.create_user("dana", password=PASSWORD)
    page.goto(f"{live_server.url}/catalog/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Catalog", exact=True)).to_be_visible()

    Session.objects.all().delete()  # the session ends (idle or absolute timeout)
    page.get_by_role("radio", name="Bowls").check()  # an htmx request

    expect(page).to_have_url(re.compile(r"/login/\?next=/catalog/$"))
    expect(page.get_by_role("heading", name="Log in to Cupboard")).to_be_visible()
    expect(page.locator("#results")).to_have_count(0)  # a whole page, not a swapped fragment
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/catalog/$"))
    expect(page.get_by_role("heading", name="Catalog", exact=True)).to_be_visible()
