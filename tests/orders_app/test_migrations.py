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
