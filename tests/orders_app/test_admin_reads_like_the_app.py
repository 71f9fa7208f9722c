"""The admin reads like the app: money as "$4,510.50", statuses in the buyers' words, the
sandbox's models in a section of their own (and absent without the sandbox), and the new-user
form asking for the e-mail."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from orders_app.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


def test_the_order_list_and_page_show_money_and_status_as_buyers_read_them(
    admin_client, make_order
):
    order = make_order()  # accepted by the fake supplier, "received"
    Order.objects.filter(pk=order.pk).update(total="4510.5000", supplier_status="processing")
    listing = admin_client.get(reverse("admin:orders_app_order_changelist")).text
    assert "$4,510.50" in listing and "4510.5000" not in listing
    assert "Being prepared" in listing
    page = admin_client.get(reverse("admin:orders_app_order_change", args=[order.pk])).text
    assert "$4,510.50" in page and "$240.00" in page  # the total; a line of 5,000 × $0.048
    assert "4510.5000" not in page and "240.0000" not in page


def test_the_sandbox_has_a_section_of_its_own(admin_client, settings):
    page = admin_client.get(reverse("admin:index")).text
    assert "The local sandbox API (development only" in page
    business, _, sandbox = page.partition('id="sandbox-section"')
    assert "Api keys" in sandbox or "API keys" in sandbox
    assert "Idempotency" in sandbox and "Idempotency" not in business
    assert "Orders" in business and "Audit log" in business


def test_without_the_sandbox_its_section_is_absent(admin_client, monkeypatch):
    """(SANDBOX_ENABLED is read at start-up, so the sandbox's absence is played by leaving its
    app out of the admin's app list, as it is when the app is not installed.)"""
    from django.contrib.admin import AdminSite

    from sandbox.models import ApiKey

    listed = AdminSite.get_app_list

    def without_sandbox(self, request, app_label=None):
        return [app for app in listed(self, request, app_label) if app["app_label"] != "sandbox"]

    monkeypatch.setattr(AdminSite, "get_app_list", without_sandbox)
    page = admin_client.get(reverse("admin:index")).text
    assert "sandbox-section" not in page and str(ApiKey._meta.verbose_name_plural) not in page


def test_adding_a_user_asks_for_name_and_e_mail(admin_client):
    form = admin_client.get(reverse("admin:auth_user_add")).text
    assert 'name="email"' in form and 'name="first_name"' in form
    admin_client.post(reverse("admin:auth_user_add"), {
        "username": "nia", "first_name": "Nia", "last_name": "N", "email": "nia@cafe.test",
        "usable_password": "false",
        "buyer_settings-TOTAL_FORMS": "0", "buyer_settings-INITIAL_FORMS": "0",
    })  # fmt: skip
    assert get_user_model().objects.get(username="nia").email == "nia@cafe.test"


def test_staff_see_sign_in_factors_but_never_their_secrets_and_can_remove_one(
    admin_client, buyer, django_capture_on_commit_callbacks
):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from accounts.models import AuditEntry
    from notifications.models import Notification

    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    factor = TOTP.activate(buyer, secret).instance
    page = admin_client.get(reverse("admin:mfa_authenticator_change", args=[factor.pk])).text
    assert "buyer" in page and secret not in page
    admin_client.post(reverse("admin:mfa_authenticator_delete", args=[factor.pk]), {"post": "yes"})
    assert not Authenticator.objects.filter(pk=factor.pk).exists()
    assert AuditEntry.objects.get(action="mfa_changed").summary.startswith("Staff removed")
    assert Notification.objects.get(kind="account_security", recipient=buyer)
