"""The audit log: who did what and when, for every action the issue lists; and it cannot be
edited from the admin."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from catalog_app.models import SyncRun
from orders_app.models import Address
from orders_app.services import order_approve, order_reject

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def test_placing_an_order_is_recorded(buyer, place):
    order = place(buyer)
    [entry] = entries(Action.ORDER_SUBMITTED)
    assert entry.actor == buyer and entry.username == "buyer"
    assert (entry.object_type, entry.object_id) == ("order", str(order.pk))
    assert entry.details["state"] == "pending_approval"
    assert entry.details["subtotal"] == "2880.0000"
    assert order.reference in entry.summary


def test_approvals_and_rejections_are_recorded_with_the_comment(
    buyer, other_buyer, approver, place
):
    approved = order_approve(order=place(buyer), approver=approver, comment="OK")
    rejected = order_reject(order=place(other_buyer), approver=approver, comment="Too big")
    [entry] = entries(Action.ORDER_APPROVED)
    assert entry.actor == approver and entry.object_id == str(approved.pk)
    assert entry.details["buyer"] == "buyer" and entry.details["comment"] == "OK"
    [entry] = entries(Action.ORDER_REJECTED)
    assert entry.object_id == str(rejected.pk) and entry.details["comment"] == "Too big"


ADDRESS = {
    "label": "Warehouse",
    "line1": "9 Dock Rd",
    "city": "Portland",
    "state": "OR",
    "zip": "97201",
}


def test_address_book_changes_are_recorded(buyer_client, buyer, buyer_is_team_admin):
    buyer_client.post(reverse("orders:address_create"), ADDRESS)
    address = Address.objects.get(label="Warehouse")
    edit = reverse("orders:address_edit", args=[address.pk])
    buyer_client.post(edit, {**ADDRESS, "make_default": "on"})  # only the default: no entry
    buyer_client.post(edit, {**ADDRESS, "line1": "10 Dock Rd"})
    buyer_client.post(reverse("orders:address_delete", args=[address.pk]))
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "actor", "object_id"))
    assert actions == [
        (Action.ADDRESS_CREATED, buyer.pk, str(address.pk)),
        (Action.ADDRESS_CHANGED, buyer.pk, str(address.pk)),
        (Action.ADDRESS_DELETED, buyer.pk, str(address.pk)),
    ]
    assert "Warehouse" in AuditEntry.objects.last().summary


def test_address_changes_in_the_admin_are_recorded(client, staff):
    client.force_login(staff)
    client.post(reverse("admin:orders_app_address_add"), ADDRESS)
    address = Address.objects.get()
    assert address.created_by == staff
    client.post(
        reverse("admin:orders_app_address_change", args=[address.pk]), {**ADDRESS, "zip": "97202"}
    )
    client.post(reverse("admin:orders_app_address_delete", args=[address.pk]), {"post": "yes"})
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        Action.ADDRESS_CREATED,
        Action.ADDRESS_CHANGED,
        Action.ADDRESS_DELETED,
    ]


def test_bulk_deleting_addresses_in_the_admin_is_recorded(client, staff, address):
    client.force_login(staff)
    client.post(
        reverse("admin:orders_app_address_changelist"),
        {"action": "delete_selected", "_selected_action": [address.pk], "post": "yes"},
    )
    assert not Address.objects.exists()
    [entry] = entries(Action.ADDRESS_DELETED)
    assert entry.actor == staff and entry.object_id == str(address.pk)


@pytest.fixture
def no_sync(monkeypatch):
    """Starting a sync only enqueues it; here the task is not run."""
    started = []
    task = SimpleNamespace(enqueue=lambda **kwargs: started.append(kwargs))
    monkeypatch.setattr("catalog_app.tasks.sync_catalog", task)
    return started


def test_sync_triggers_are_recorded_from_the_admin_and_the_catalog_page(client, staff, no_sync):
    client.force_login(staff)
    client.post(reverse("admin:catalog_app_syncrun_sync_now"))
    client.post(reverse("catalog:sync_now"))
    assert len(no_sync) == 2
    assert [e.details["where"] for e in entries(Action.SYNC_TRIGGERED)] == ["admin", "catalog page"]
    assert all(e.actor == staff for e in entries(Action.SYNC_TRIGGERED))
    assert not SyncRun.objects.exists()


def test_a_failed_login_is_recorded_with_the_address_it_came_from(client, buyer):
    client.post(
        reverse("login"),
        {"username": "buyer", "password": "wrong"},
        REMOTE_ADDR="203.0.113.9",
    )
    [entry] = entries(Action.LOGIN_FAILED)
    assert entry.actor is None and entry.username == "buyer"
    assert entry.ip_address == "203.0.113.9"
    assert "wrong" not in str(entry.details) + entry.summary


def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(client, buyer, settings):
    settings.BEHIND_TLS_PROXY = True
    client.post(
        reverse("login"),
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
    )
    assert entries(Action.LOGIN_FAILED)[0].ip_address == "203.0.113.7"


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, buyer):
    client.post(
        reverse("login"),
        {"username": "nobody", "password": "x"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert entries(Action.LOGIN_FAILED)[0].ip_address == "10.0.0.2"


def test_a_successful_login_writes_no_entry(client, buyer):
    client.post(reverse("login"), {"username": "buyer", "password": "pw-buyer-123"})
    assert not AuditEntry.objects.exists()


def test_the_audit_log_is_read_only_in_the_admin(client, staff, buyer, place):
    place(buyer)
    entry = AuditEntry.objects.get()
    client.force_login(staff)
    changelist = client.get(reverse("admin:accounts_auditentry_changelist"))
    assert changelist.status_code == 200
    assert entry.summary in changelist.text
    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_auditentry_delete", args=[entry.pk])).status_code == 403
    )
    change = reverse("admin:accounts_auditentry_change", args=[entry.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="summary"' not in page.text
    client.post(change, {"summary": "rewritten"})
    entry.refresh_from_db()
    assert entry.summary != "rewritten"
    response = client.post(
        reverse("admin:accounts_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_audit_log_can_be_filtered_and_searched(client, staff, buyer, place):
    place(buyer)
    client.post(reverse("login"), {"username": "mallory", "password": "x"})
    client.force_login(staff)
    url = reverse("admin:accounts_auditentry_changelist")
    filtered = client.get(url, {"action__exact": "login_failed"})
    assert list(filtered.context["cl"].result_list) == entries(Action.LOGIN_FAILED)
    searched = client.get(url, {"q": "mallory"})
    assert [e.username for e in searched.context["cl"].result_list] == ["mallory"]
