"""SeenDelivery moved from favourites to orders_app (favourites 0002, orders_app 0003): from the
schema before the move, every row is still there after it, and the way back keeps them too.
Runs on whichever database the suite runs on (CI: SQLite, then PostgreSQL)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("favourites", "0001_initial"), ("orders_app", "0002_approvals")]
AFTER = [
    ("favourites", "0002_move_seendelivery_to_orders_app"),
    ("orders_app", "0003_seendelivery"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest():
    """Whatever a test migrates to, the database ends at the latest migrations again."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    yield
    migrate(leaves)


def rows(apps, label):
    model = apps.get_model(label)
    return sorted(model.objects.values_list("user_id", "order_id", "estimated_delivery"))


@pytest.mark.django_db(transaction=True)
def test_seen_deliveries_keep_every_row_when_they_move_to_orders_app(latest):
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="bea")
    Order = old.get_model("orders_app", "Order")
    orders = [
        Order.objects.create(
            placed_by=user, reference=f"PO-{i}", payload={}, expected_subtotal=Decimal("1.00")
        )
        for i in range(3)
    ]
    OldSeen = old.get_model("favourites", "SeenDelivery")
    OldSeen.objects.create(user=user, order=orders[0], estimated_delivery=date(2026, 12, 4))
    OldSeen.objects.create(user=user, order=orders[1], estimated_delivery=None)
    before = rows(old, "favourites.SeenDelivery")

    new = migrate(AFTER)
    assert rows(new, "orders_app.SeenDelivery") == before
    # The unique constraint came along: a second row for the same user and order is refused.
    NewSeen = new.get_model("orders_app", "SeenDelivery")
    with pytest.raises(IntegrityError):
        NewSeen.objects.create(user_id=user.pk, order_id=orders[0].pk)
    NewSeen.objects.create(user_id=user.pk, order_id=orders[2].pk, estimated_delivery=None)

    back = migrate(BEFORE)
    assert len(rows(back, "favourites.SeenDelivery")) == 3


POLICY_BEFORE = [
    ("orders_app", "0004_supplier_status_choices"),
    ("favourites", "0002_move_seendelivery_to_orders_app"),
]
POLICY_AFTER = [("orders_app", "0006_quantity_policy"), ("favourites", "0004_quantity_policy")]


@pytest.mark.django_db(transaction=True)
def test_rows_stored_outside_the_quantity_policy_become_readable_and_fixable(latest):
    """The old add-to-cart allowed ten million cases: such rows are brought within the policy
    (orders/quantities.py), and an order not yet sent needs changes instead of waiting."""
    old = migrate(POLICY_BEFORE)
    user = old.get_model("auth", "User").objects.create(username="bea")
    product = old.get_model("catalog_app", "Product").objects.create(
        sku="CS-8OZ-ECO", name="Cup", category="cups", material="paper", unit_price="0.0480",
        case_pack=1000, min_order_qty=1000, stock=1000, lead_time_days=3,
        supplier_updated_at="2026-11-01T12:00:00Z",
    )  # fmt: skip
    Order = old.get_model("orders_app", "Order")
    waiting = Order.objects.create(
        placed_by=user, reference="HUGE", payload={}, expected_subtotal=Decimal("480000000.00"),
        state="pending_approval",
    )  # fmt: skip
    sent = Order.objects.create(
        placed_by=user, reference="SENT", payload={}, expected_subtotal=Decimal("1.00"),
        state="in_doubt",
    )  # fmt: skip
    OrderLine = old.get_model("orders_app", "OrderLine")
    for order in (waiting, sent):
        OrderLine.objects.create(
            order=order, sku="CS-8OZ-ECO", name="Cup", qty=100_000_000,
            unit_price="0.0480", line_total="4800000.0000",
        )  # fmt: skip
    cart = old.get_model("orders_app", "Cart").objects.create(user=user)
    old.get_model("orders_app", "CartLine").objects.create(cart=cart, product=product, qty=10**9)
    if connection.vendor == "sqlite":  # SQLite stores what its decimal columns cannot read back
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orders_app_order SET expected_subtotal = 1e12 WHERE id = %s", [waiting.pk]
            )
    saved = old.get_model("favourites", "SavedList").objects.create(name="Weekly")
    old.get_model("favourites", "SavedListItem").objects.create(
        saved_list=saved, product=product, qty=10**9
    )

    new = migrate(POLICY_AFTER)

    NewOrder = new.get_model("orders_app", "Order")
    waiting, sent = NewOrder.objects.get(reference="HUGE"), NewOrder.objects.get(reference="SENT")
    assert waiting.state == "needs_changes" and "Change the quantities" in waiting.problem
    assert waiting.expected_subtotal == Decimal("100000000.00")
    assert sent.state == "in_doubt"  # sent: the ledger still settles it
    lines = new.get_model("orders_app", "OrderLine").objects.all()
    assert {line.qty for line in lines} == {10_000_000}
    assert new.get_model("orders_app", "CartLine").objects.get().qty == 10_000_000
    assert new.get_model("favourites", "SavedListItem").objects.get().qty == 10_000_000
    with pytest.raises(IntegrityError):
        new.get_model("orders_app", "CartLine").objects.update(qty=10_000_001)
