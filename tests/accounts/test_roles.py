"""Roles are Django groups and permissions, managed by staff in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import approvers, is_approver

pytestmark = pytest.mark.django_db


def test_the_groups_exist_and_approvers_hold_the_permission():
    approvers_group = Group.objects.get(name="Approvers")
    codenames = list(approvers_group.permissions.values_list("codename", flat=True))
    assert codenames == ["approve_order"]
    assert not Group.objects.get(name="Buyers").permissions.exists()


def test_an_account_is_an_approver_through_the_group(buyer, approver, staff):
    assert is_approver(approver)
    assert not is_approver(buyer)
    assert is_approver(staff)  # superusers hold every permission


def test_leaving_the_group_takes_the_role_away(approver, django_user_model):
    approver.groups.clear()
    assert not is_approver(django_user_model.objects.get(pk=approver.pk))


def test_the_permission_can_also_be_given_directly(buyer, django_user_model):
    from django.contrib.auth.models import Permission

    buyer.user_permissions.add(Permission.objects.get(codename="approve_order"))
    assert is_approver(django_user_model.objects.get(pk=buyer.pk))
    assert approvers() == [buyer]


def test_approvers_lists_everyone_who_may_approve_but_the_buyer(buyer, approver, staff):
    assert set(approvers()) == {approver, staff}
    assert approvers(exclude=approver) == [staff]


def test_buyers_cannot_open_the_admin(buyer_client):
    response = buyer_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_see_roles_in_the_user_list_and_set_a_threshold_per_buyer(
    client, staff, approver, buyer
):
    client.force_login(staff)
    page = client.get(reverse("admin:auth_user_changelist")).text
    assert "Approvers" in page and "Superuser" in page
    change = client.get(reverse("admin:auth_user_change", args=[buyer.pk]))
    assert "buyer_settings-0-approval_threshold" in change.text
