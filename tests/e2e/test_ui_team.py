"""The Team page, joining by invitation, the profile and staff ordering for a buyer, in real
Chromium: an invitation sent from the page and used through the mailed link; axe-core finds
no serious violation on any of the new pages, at desktop and phone width."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from tests.e2e.ui_support import PHONE, axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(browser: Browser, url: str, user, **options) -> Page:
    """A browser page signed in as `user` (a session made by the test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": url}])  # fmt: skip
    return context.new_page()


@pytest.fixture
def team(django_user_model, make_product, synced, role_groups):
    from django.contrib.auth.models import Group

    make_product("CS-8OZ-ECO", name="8 oz Eco Paper Cup")
    tara = django_user_model.objects.create_user("tara", password="pw-tara-123", first_name="Tara",
                                                 email="tara@cafe.test")  # fmt: skip
    tara.groups.add(*Group.objects.filter(name__in=["Buyers", "Approvers", "Team admins"]))
    dana = django_user_model.objects.create_user("dana", password="pw-dana-123", first_name="Dana")
    sam = django_user_model.objects.create_superuser("sam", "sam@cafe.test", "pw-sam-123")
    return tara, dana, sam


def test_a_team_admin_invites_and_the_invitee_joins(browser: Browser, live_server, team):
    from notifications.models import Notification
    from notifications.services import build_mail

    tara = team[0]
    page = signed_in(browser, live_server.url, tara)
    page.goto(f"{live_server.url}/team/")
    expect(page.get_by_role("heading", name="Your team")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("E-mail address").fill("not an address")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    page.get_by_label("E-mail address").fill("nia@cafe.test")
    page.get_by_role("region", name="Invite someone").get_by_label("Role").select_option("approver")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invited nia@cafe.test")).to_be_visible()
    expect(page.get_by_text("nia@cafe.test · Approver")).to_be_visible()
    assert axe_violations(page) == []

    mail = build_mail(Notification.objects.get(kind="invitation"))
    link = re.search(r"/join/[^/\s]+/", mail.body)[0]
    guest = browser.new_context().new_page()
    guest.goto(f"{live_server.url}{link}")
    expect(guest.get_by_role("heading", name="Join Cupboard")).to_be_visible()
    assert axe_violations(guest) == []
    guest.get_by_label("First name").fill("Nia")
    guest.get_by_label("User name").fill("nia")
    guest.get_by_label("Password", exact=True).fill("a-long-pass-phrase-9")
    guest.get_by_label("The password again").fill("a-long-pass-phrase-9")
    guest.get_by_role("button", name="Join").click()
    expect(guest.get_by_text("Welcome to Cupboard, Nia.")).to_be_visible()
    guest.goto(f"{live_server.url}{link}")
    expect(guest.get_by_role("heading", name="This link can't be used")).to_be_visible()


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_new_pages_pass_axe(browser: Browser, live_server, team, viewport):
    tara, dana, sam = team
    options = {"viewport": viewport} if viewport else {}
    pages = {
        tara: ["/team/", "/profile/", "/account/security/", "/addresses/"],
        dana: ["/profile/", "/orders/?whose=team"],
        sam: ["/orders/on-behalf/"],
    }
    for user, paths in pages.items():
        page = signed_in(browser, live_server.url, user, **options)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            assert axe_violations(page) == [], path
    page = signed_in(browser, live_server.url, sam, **options)
    page.goto(f"{live_server.url}/orders/on-behalf/")
    page.get_by_label("Order for").select_option(label="Dana (dana)")
    page.get_by_role("button", name="Start ordering for them").click()
    expect(page.locator(".on-behalf-banner")).to_contain_text("Ordering for Dana")
    assert axe_violations(page) == []
