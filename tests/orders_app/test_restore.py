"""Backup → more orders → restore → reconcile: every order present once, none re-sent.

Runs on whatever database the suite runs on (CI: SQLite, then PostgreSQL). Cup Source is the
fake on httpx.MockTransport here, not the sandbox: in tests the sandbox's tables live in the
database being restored, so a restore would roll the supplier back too.
"""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders_app.models import Cart, Order
from orders_app.services import cart_add, cart_for, order_place, order_submit, orders_process_due
from tests.orders_app.test_tracking_service import tracking_json


def place(user, address, supplier, product, qty):
    cart_add(user=user, product=product, qty=qty)
    order = order_place(user=user, cart=cart_for(user), address=address)
    with supplier.client() as client:
        return order_submit(order=order, client=client)


@pytest.mark.django_db(transaction=True)
def test_backup_orders_restore_reconcile_every_order_once_none_resent(
    settings, tmp_path, monkeypatch, buyer, other_buyer, cup, lid, address, supplier,
    django_user_model,
):  # fmt: skip
    settings.DATABASE_CONFIGURED = True
    monkeypatch.setattr("orders_app.restore.get_client", supplier.client)
    admin = django_user_model.objects.create_superuser("root", password="pw-root-123")
    backup = tmp_path / "cupboard.backup"

    # Before the backup: A placed; B queued (Cup Source unreachable); C's lines in the cart.
    a = place(buyer, address, supplier, cup, 5000)
    supplier.down = True
    b = place(other_buyer, address, supplier, cup, 3000)
    supplier.down = False
    cart_add(user=buyer, product=lid, qty=1000)
    assert (a.state, b.state) == (Order.State.ACCEPTED, Order.State.QUEUED)
    call_command("backup", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600

    # After it: the worker sends B; the buyer places C; D is sent but its answer is lost.
    Order.objects.filter(pk=b.pk).update(next_attempt_at=timezone.now())
    with supplier.client() as client:
        orders_process_due(client=client)
    c = order_place(user=buyer, cart=cart_for(buyer), address=address)
    with supplier.client() as client:
        order_submit(order=c, client=client)
    supplier.script = ["timeout_after"]
    d = place(other_buyer, address, supplier, lid, 2000)
    assert Order.objects.get(pk=b.pk).state == Order.State.ACCEPTED
    assert (Order.objects.get(pk=c.pk).state, d.state) == (Order.State.ACCEPTED, "in_doubt")
    remote = {order["reference"]: order["id"] for order in supplier.orders.values()}
    for order_id in remote.values():
        supplier.tracking[order_id] = tracking_json(order_id)
    sent = list(supplier.posts)

    call_command("restore", str(backup), "--yes")
    with supplier.client() as client:  # then the worker carries on, as after any restart
        orders_process_due(client=client, now=timezone.now() + timedelta(hours=1))

    assert supplier.posts == sent  # nothing was sent again
    local = dict(Order.objects.values_list("reference", "supplier_order_id"))
    assert local == remote  # every order at Cup Source once in Cupboard, and no other
    assert set(Order.objects.values_list("state", flat=True)) == {Order.State.ACCEPTED}
    found = Order.objects.get(reference=b.reference)  # queued in the backup: found, not re-sent
    assert found.events.last().message == "Found at Cup Source after a restore."
    c_again = Order.objects.get(reference=c.reference)
    assert c_again.placed_by == buyer  # its lines were in the buyer's cart: that cart placed it
    assert c_again.tracking["tracking_number"] == "1Z999"
    assert [(line.sku, line.qty) for line in c_again.lines.all()] == [("CS-DOME-LID", 1000)]
    assert not cart_for(buyer).lines.exists()  # the buyer cannot place C a second time
    assert Cart.objects.get(pk=c_again.cart_id).status == Cart.Status.CHECKED_OUT
    d_again = Order.objects.get(reference=d.reference)
    assert d_again.placed_by == admin and "buyer is not known" in d_again.events.last().message


def test_restore_refuses_without_a_configured_database(settings, tmp_path, db):
    from django.core.management.base import CommandError

    settings.DATABASE_CONFIGURED = False
    with pytest.raises(CommandError, match="DATABASE_URL is not set"):
        call_command("backup", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="DATABASE_URL is not set"):
        call_command("restore", str(tmp_path / "x"), "--yes")
    assert not (tmp_path / "x").exists()
