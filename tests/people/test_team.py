"""The Team page: inviting (a single-use link for 72 hours, sent again, withdrawn), roles,
spending thresholds, deactivation (sessions end at once, orders stay) and reactivation — each
in the audit log — and the team never losing its last team admin."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, TeamSettings
from accounts.roles import is_approver, is_team_admin, role_of
from orders_app.models import BuyerSettings, Order
from people.models import Invitation
from tests.people.conftest import log_in, sent_mails

pytestmark = pytest.mark.django_db
TEAM = reverse("people:team")


def invite(client, email="nia@cafe.test", role="approver"):
    return client.post(reverse("people:invite"), {"email": email, "role": role})


def join_link(index=-1) -> str:
    """The path of the join link in the last (or index-th) invitation mail."""
    mail = sent_mails("invitation")[index]
    return re.search(r"http://testserver(/join/[^/\s]+/)", mail.body)[1]


JOIN = {"first_name": "Nia", "last_name": "North", "username": "nia",
        "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"}  # fmt: skip


def test_an_invitation_is_mailed_and_joins_once(admin_client, team_admin):
    response = invite(admin_client)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.state == "pending"
    assert invitation.expires_at - invitation.sent_at == timedelta(hours=72)
    invited = invitation.user
    assert not invited.is_active and not invited.has_usable_password()
    assert role_of(invited) == "approver"
    [mail] = sent_mails("invitation")
    assert mail.to == ["nia@cafe.test"]
    assert "Tara Admin invites you" in mail.subject
    assert "List-Unsubscribe" not in mail.extra_headers  # account mail: cannot be turned off
    assert "72 hours" in mail.body
    assert "nia@cafe.test" in admin_client.get(TEAM).text

    from django.test import Client

    browser = Client()
    link = join_link()
    page = browser.get(link)
    assert page.status_code == 200 and "Join Cupboard" in page.text
    joined = browser.post(link, JOIN)
    assert joined.status_code == 302 and joined.url == reverse("home")
    invited.refresh_from_db()
    assert (
        invited.is_active
        and invited.username == "nia"
        and invited.check_password(JOIN["password1"])
    )
    assert browser.get(reverse("orders:order_list")).status_code == 200  # signed in
    assert is_approver(invited)

    again = Client().post(link, {**JOIN, "username": "nia2"})
    assert again.status_code == 410 and "used already" in again.text
    assert not get_user_model().objects.filter(username="nia2").exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == ["member_invited", "member_joined"]


def test_a_link_past_72_hours_is_refused(admin_client):
    from django.test import Client

    invite(admin_client)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().post(join_link(), JOIN)
    assert response.status_code == 410 and "expired" in response.text
    assert not get_user_model().objects.get(email="nia@cafe.test").is_active


def test_sending_again_replaces_the_link_and_withdrawing_ends_it(admin_client):
    from django.test import Client

    invite(admin_client)
    first = join_link()
    invitation = Invitation.objects.get()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(hours=1))  # expired: resend
    admin_client.post(reverse("people:invitation_resend", args=[invitation.pk]))
    second = join_link()
    assert second != first
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200
    assert Invitation.objects.get().state == "pending"

    admin_client.post(reverse("people:invitation_revoke", args=[invitation.pk]))
    response = Client().post(second, JOIN)
    assert response.status_code == 410 and "withdrawn" in response.text
    assert not get_user_model().objects.filter(email="nia@cafe.test").exists()
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("pk")) == [
        "member_invited", "invitation_resent", "invitation_revoked",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "email, message",
    [("tara@cafe.test", "already belongs to Tara Admin"), ("not-an-address", "valid email")],
)
def test_a_bad_invitation_is_refused_next_to_the_address(admin_client, email, message):
    response = invite(admin_client, email=email)
    assert response.status_code == 400
    assert message in response.text
    assert not Invitation.objects.exists()


def test_a_second_invitation_to_the_same_address_is_refused(admin_client):
    invite(admin_client)
    response = invite(admin_client, email="NIA@cafe.test")
    assert response.status_code == 400 and "invited already" in response.text
    assert Invitation.objects.count() == 1


def test_a_made_up_or_tampered_link_is_refused(client):
    assert client.get(reverse("people:join", args=["nope"])).status_code == 410
    assert client.post(reverse("people:join", args=["x" * 400]), JOIN).status_code == 410


def test_role_and_threshold_are_set_and_audited(admin_client, buyer):
    response = admin_client.post(
        reverse("people:member_update", args=[buyer.pk]),
        {f"m{buyer.pk}-role": "team_admin", f"m{buyer.pk}-threshold": "750.50"},
    )
    assert response.status_code == 302
    assert is_team_admin(buyer) and is_approver(buyer)
    assert BuyerSettings.objects.get(user=buyer).approval_threshold == Decimal("750.50")
    summaries = list(AuditEntry.objects.values_list("summary", flat=True).order_by("pk"))
    assert summaries == ["Bea: Buyer → Team admin",
                         "Bea's spending threshold: the default ($2,500.00) → $750.50"]  # fmt: skip


@pytest.mark.parametrize("threshold", ["-1", "abc", "1e400", "100000000.01"])
def test_a_bad_threshold_is_refused_on_that_persons_row(admin_client, buyer, threshold):
    response = admin_client.post(
        reverse("people:member_update", args=[buyer.pk]),
        {f"m{buyer.pk}-role": "approver", f"m{buyer.pk}-threshold": threshold},
    )
    assert response.status_code == 400
    assert f'id="person-{buyer.pk}-error"' in response.text
    assert role_of(buyer) == "buyer"  # nothing half-written
    assert not BuyerSettings.objects.exists() and not AuditEntry.objects.exists()


def test_the_last_team_admin_can_neither_step_down_nor_leave(admin_client, team_admin):
    url = reverse("people:member_update", args=[team_admin.pk])
    response = admin_client.post(url, {f"m{team_admin.pk}-role": "buyer"})
    assert response.status_code == 400 and "last team admin" in response.text
    assert is_team_admin(team_admin)
    response = admin_client.post(reverse("people:member_deactivate", args=[team_admin.pk]))
    assert response.status_code == 400 and "cannot deactivate yourself" in response.text
    team_admin.refresh_from_db()
    assert team_admin.is_active


def test_with_a_second_team_admin_one_may_step_down(admin_client, team_admin, buyer_is_team_admin):
    url = reverse("people:member_update", args=[team_admin.pk])
    assert admin_client.post(url, {f"m{team_admin.pk}-role": "buyer"}).status_code == 302
    assert role_of(team_admin) == "buyer"


def test_deactivating_ends_every_session_at_once_and_keeps_the_orders(
    admin_client, buyer, make_order, team_admin
):
    order = make_order(submit=False)
    phone = log_in("buyer", "pw-buyer-123", HTTP_USER_AGENT="Phone")
    laptop = log_in("buyer", "pw-buyer-123", HTTP_USER_AGENT="Laptop")
    assert phone.get(reverse("orders:order_list")).status_code == 200
    response = admin_client.post(reverse("people:member_deactivate", args=[buyer.pk]))
    assert response.status_code == 302
    for browser in (phone, laptop):
        page = browser.get(reverse("orders:order_list"))
        assert page.status_code == 302 and page.url.startswith(reverse("login"))
    refused = browser.post(reverse("login"), {"username": "buyer", "password": "pw-buyer-123"})
    assert refused.status_code == 200  # the form again: an inactive account cannot log in
    order.refresh_from_db()
    assert order.state == Order.State.SUBMITTING  # the open order stays
    entry = AuditEntry.objects.get(action="member_deactivated")
    assert entry.details["sessions_ended"] == 2 and entry.actor == team_admin
    assert "Deactivated" in admin_client.get(TEAM).text

    admin_client.post(reverse("people:member_reactivate", args=[buyer.pk]))
    buyer.refresh_from_db()
    assert buyer.is_active
    assert log_in("buyer", "pw-buyer-123").get(reverse("orders:order_list")).status_code == 200


def test_staff_accounts_are_left_to_the_admin(admin_client, django_user_model):
    staff = django_user_model.objects.create_user("sam", password="pw-sam-12345", is_staff=True)
    response = admin_client.post(reverse("people:member_deactivate", args=[staff.pk]))
    assert response.status_code == 400 and "managed in the admin" in response.text
    staff.refresh_from_db()
    assert staff.is_active


def test_the_order_visibility_choice_is_saved_and_audited(admin_client):
    admin_client.post(reverse("people:visibility"), {"order_visibility": "own"})
    assert TeamSettings.objects.get().order_visibility == "own"
    assert AuditEntry.objects.get().action == "visibility_changed"
    response = admin_client.post(reverse("people:visibility"), {"order_visibility": "all"})
    assert response.status_code == 302
    assert TeamSettings.objects.get().order_visibility == "own"


def test_a_refused_role_change_leaves_the_threshold_as_it_was(admin_client, team_admin):
    """Role and threshold are one change: the last team admin stepping down with a new
    threshold changes neither."""
    response = admin_client.post(
        reverse("people:member_update", args=[team_admin.pk]),
        {f"m{team_admin.pk}-role": "buyer", f"m{team_admin.pk}-threshold": "10"},
    )
    assert response.status_code == 400
    assert not BuyerSettings.objects.filter(approval_threshold=10).exists()


def test_a_user_name_someone_has_is_refused_next_to_the_field(admin_client, buyer):
    from django.test import Client

    invite(admin_client)
    response = Client().post(join_link(), {**JOIN, "username": "BUYER"})
    assert response.status_code == 400
    assert 'id="id_username_error"' in response.text and "is taken" in response.text
    assert Invitation.objects.get().state == "pending"
