"""Every kind of page works under the Content Security Policy in real Chromium: no script,
style or eval is refused — the staff admin included (its list, change, add and delete pages,
filters, actions, date hierarchy and the calendar/clock widgets)."""

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from orders_app.models import Address, Order

STAFF_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def staff_site(live_server, django_user_model, make_product, synced):
    cup = make_product("CS-8OZ-ECO", name="8 oz Eco Paper Cup")
    staff = django_user_model.objects.create_superuser(
        "sam", email="sam@example.com", password="staff-pass-42", first_name="Sam"
    )
    address = Address.objects.create(
        label="Main café", line1="1 Main St", city="Portland", state="OR", zip="97201"
    )
    order = Order.objects.create(
        placed_by=staff,
        reference="CB-CSP",
        payload={"items": [{"sku": cup.sku, "qty": 1000}], "shipping_address": {}},
        expected_subtotal=48,
        state=Order.State.PENDING_APPROVAL,
        approval_threshold=10,
    )
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(staff, STAFF_TOTP)  # staff sign in with a second factor (MFA_REQUIRED)
    return live_server.url, staff, address, order


def watch_csp(page: Page) -> list[str]:
    refused = []

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            refused.append(f"{page.url}: {text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: refused.append(f"{page.url}: {error}"))
    return refused


def log_in(page: Page, url: str) -> None:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("staff-pass-42")
    page.get_by_role("button", name="Log in", exact=True).click()
    code = format_hotp_value(hotp_value(STAFF_TOTP, int(time.time()) // 30))
    page.locator("input[name=code]").fill(code)  # the second factor
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()


def test_no_page_breaks_the_content_security_policy(page: Page, staff_site):
    url, staff, address, order = staff_site
    refused = watch_csp(page)
    log_in(page, url)
    pages = [
        "/",
        "/catalog/",
        "/catalog/CS-8OZ-ECO/",
        "/orders/",
        f"/orders/{order.pk}/",
        "/addresses/",
        f"/addresses/{address.pk}/edit/",
        "/approvals/",
        "/approvals/orders/",
        f"/approvals/orders/{order.pk}/",
        "/account/password/",
        "/profile/",
        "/team/",
        "/account/security/",
        "/account/security/webauthn/",
        "/admin/",
        "/admin/status/",
        "/admin/orders_app/order/",
        f"/admin/orders_app/order/{order.pk}/change/",
        "/admin/orders_app/order/?state__exact=pending_approval",
        "/admin/orders_app/address/add/",
        f"/admin/orders_app/address/{address.pk}/delete/",
        "/admin/auth/user/",
        f"/admin/auth/user/{staff.pk}/change/",
        "/admin/auth/group/add/",
        "/admin/accounts/auditentry/",
        "/admin/catalog_app/syncrun/",
        "/admin/catalog_app/product/",
        "/admin/axes/accessattempt/",
    ]
    for path in pages:
        response = page.goto(f"{url}{path}")
        assert response is not None and response.ok, path
        page.wait_for_load_state("networkidle")
    # The admin's JavaScript widgets run: the user page's date/time shortcuts and the
    # changelist's "select all" action checkbox.
    page.goto(f"{url}/admin/auth/user/{staff.pk}/change/")
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()
    page.goto(f"{url}/admin/orders_app/order/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    assert refused == []
