"""Fixtures of the standing-order and forecast tests.

The orders tests' fixtures (tests/orders_app/conftest.py: `cup`, `lid`, `address`, `supplier` — a
fake Cup Source — `approver`, `make_order`) are here too. A standing order is set up on Thursday
26 February 2026 (`CREATED`) to order every two weeks on Monday at 06:00 in Los Angeles from
Monday 2 March: its first moment is 14:00 UTC that day (`FIRST_RUN`), its reminder the day
before at the same local time.
"""

from datetime import UTC, date, datetime, time

import pytest

from tests.orders_app import conftest as orders_fixtures
from tests.orders_app.test_checkout_views import product_json

cup, lid, address = orders_fixtures.cup, orders_fixtures.lid, orders_fixtures.address
supplier, approver = orders_fixtures.supplier, orders_fixtures.approver
make_order = orders_fixtures.make_order

LA = "America/Los_Angeles"
CREATED = datetime(2026, 2, 26, 18, 0, tzinfo=UTC)
FIRST_DAY = date(2026, 3, 2)
FIRST_RUN = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 06:00 PST
FIRST_REMINDER = datetime(2026, 3, 1, 14, 0, tzinfo=UTC)


@pytest.fixture
def at_supplier(supplier, cup, lid):
    """The fake Cup Source knows the cup and the lid as the mirror does; `at_supplier(sku,
    stock=…, unit_price=…)` changes what it answers for one of them."""
    supplier.products.update({"CS-8OZ-ECO": product_json(cup), "CS-DOME-LID": product_json(lid)})

    def change(sku, **changes):
        supplier.products[sku].update(changes)

    return change


@pytest.fixture
def make_standing(buyer, cup, lid, address):
    """`make_standing(items=[(cup, 10_000), (lid, 10_000)], **fields)`: a standing order of the
    buyer's, set up at CREATED (every 2 weeks on Monday, 06:00 Los Angeles, from FIRST_DAY)."""
    from replenishment.models import StandingOrder
    from replenishment.services import standing_order_create

    def make(items=None, user=None, now=CREATED, **fields):
        values = {
            "name": "Weekly café",
            "frequency": "weekly",
            "every_weeks": 2,
            "weekday": 0,
            "start_date": FIRST_DAY,
            "send_time": time(6, 0),
            "time_zone": LA,
            "address": address,
            "po_pattern": "WEEKLY-{date}",
            "on_shortage": "reduce",
            "source": "Team list “Weekly café”",
        } | fields
        return standing_order_create(
            user=user or buyer,
            standing_order=StandingOrder(**values),
            items=items if items is not None else [(cup, 10_000), (lid, 10_000)],
            now=now,
        )

    return make


@pytest.fixture
def run(supplier):
    """`run(now)`: the scheduler's job at `now` (reminders, then the orders due)."""
    from replenishment.services import standing_orders_remind_due, standing_orders_run_due

    def run_at(now):
        standing_orders_remind_due(now=now)
        with supplier.client() as client:
            return standing_orders_run_due(client=client, now=now)

    return run_at
