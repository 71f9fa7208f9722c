"""The staff admin: the order ledger is readable (state, supplier id, payload) and its actions
work — reconciling an in-doubt order asks Cup Source before anything is re-sent."""

import httpx
import pytest
from django.urls import reverse

from orders_app.models import Order
from orders_app.services import order_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_supplier(supplier, monkeypatch):
    monkeypatch.setattr("orders_app.admin.get_client", supplier.client)
    return supplier


def in_doubt(buyer, place, supplier, action="timeout_after"):
    order = place(buyer, qty=5_000)
    supplier.script = [action]
    with supplier.client() as client:
        order = order_submit(order=order, client=client)
    assert order.state == Order.State.IN_DOUBT
    return order


def reconcile(client, order):
    return client.post(
        reverse("admin:orders_app_order_changelist"),
        {"action": "send_or_reconcile_now", "_selected_action": [order.pk]},
        follow=True,
    )


def test_reconciling_finds_an_order_that_reached_cup_source_without_resending(
    client, staff, buyer, place, admin_supplier
):
    order = in_doubt(buyer, place, admin_supplier)  # created there, answer lost
    client.force_login(staff)
    response = reconcile(client, order)
    assert "Handled 1 order(s)" in response.text
    order.refresh_from_db()
    assert order.state == Order.State.ACCEPTED
    assert len(admin_supplier.posts) == 1  # looked up, not sent again


def test_reconciling_resends_with_the_same_key_when_cup_source_has_nothing(
    client, staff, buyer, place, admin_supplier
):
    order = in_doubt(buyer, place, admin_supplier, action="timeout_before")
    client.force_login(staff)
    reconcile(client, order)
    order.refresh_from_db()
    assert order.state == Order.State.ACCEPTED
    keys = [key for key, _ in admin_supplier.posts]
    assert keys == [str(order.idempotency_key)] * 2


def test_the_action_leaves_orders_waiting_for_approval_alone(
    client, staff, buyer, place, admin_supplier
):
    order = place(buyer)
    client.force_login(staff)
    assert "Handled 0 order(s)" in reconcile(client, order).text
    assert admin_supplier.requests == []


def test_the_order_page_shows_the_ledger_and_the_payload_read_only(
    client, staff, buyer, place, admin_supplier
):
    order = place(buyer, qty=5_000)
    with admin_supplier.client() as api:
        order = order_submit(order=order, client=api)
    client.force_login(staff)
    page = client.get(reverse("admin:orders_app_order_change", args=[order.pk])).text
    assert order.supplier_order_id in page
    assert str(order.idempotency_key) in page
    assert "&quot;sku&quot;: &quot;CS-8OZ-ECO&quot;" in page  # the pretty-printed payload
    assert 'name="state"' not in page and 'name="payload"' not in page
    assert reverse("admin:orders_app_order_add") not in page


def test_orders_can_be_filtered_by_state_and_searched(client, staff, buyer, other_buyer, place):
    waiting = place(buyer)
    place(other_buyer, qty=2_000)
    client.force_login(staff)
    url = reverse("admin:orders_app_order_changelist")
    response = client.get(url, {"state__exact": "pending_approval"})
    assert list(response.context["cl"].result_list) == [waiting]
    response = client.get(url, {"q": waiting.reference})
    assert list(response.context["cl"].result_list) == [waiting]


def test_every_admin_list_and_form_page_opens(client, staff):
    """Each registered model's changelist (and add page when adding is allowed) renders."""
    from django.contrib import admin

    client.force_login(staff)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.has_add_permission(client.get(changelist).wsgi_request):
            add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert client.get(add).status_code == 200, add


def test_supplier_errors_in_the_action_do_not_break_the_admin(
    client, staff, buyer, place, admin_supplier
):
    order = in_doubt(buyer, place, admin_supplier)
    admin_supplier.list_script = [httpx.ConnectError("down")]
    client.force_login(staff)
    assert reconcile(client, order).status_code == 200
    order.refresh_from_db()
    assert order.state == Order.State.IN_DOUBT
