"""Two schedulers racing on PostgreSQL (threads with their own connections): one order per
standing order and date, claimed by the occurrence's unique constraint. SQLite serialises every
write, so these run on PostgreSQL only (CI's second run; locally with DATABASE_URL=postgres://…)."""

import logging
import threading

import pytest
from django.db import connection, connections

from orders_app.models import Order
from replenishment import services
from replenishment.models import Occurrence
from replenishment.services import StandingError, standing_order_skip, standing_orders_run_due
from tests.replenishment.conftest import FIRST_DAY, FIRST_RUN

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a race needs a database that runs writers at once"
)


def in_threads(*targets):
    """Run each target in its own thread (its own connection), all released together."""
    errors = []

    def wrap(target):
        try:
            target()
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


@pytest.fixture
def both_read_it_due(monkeypatch):
    """Hold each scheduler after it has read the standing order as due and re-checked stock,
    until the other has too: then both go for the same date at once."""
    barrier = threading.Barrier(2)
    recheck = services._recheck

    def recheck_then_wait(products, client):
        problem = recheck(products, client)
        barrier.wait(timeout=20)
        return problem

    monkeypatch.setattr(services, "_recheck", recheck_then_wait)


def test_two_schedulers_at_once_write_one_order_for_the_date(
    transactional_db, make_standing, at_supplier, supplier, both_read_it_due, caplog
):
    so = make_standing()
    handled = []

    def scheduler():
        with supplier.client() as client:
            handled.append(standing_orders_run_due(client=client, now=FIRST_RUN))

    with caplog.at_level(logging.INFO, logger="replenishment.services"):
        errors = in_threads(scheduler, scheduler)

    assert errors == []
    assert handled == [1, 1]  # both tried the date…
    assert "written by another scheduler" in caplog.text  # …one lost on the unique constraint
    assert Occurrence.objects.filter(standing_order=so, date=FIRST_DAY).count() == 1
    order = Order.objects.get()
    assert order.state == "accepted"
    assert len(supplier.posts) == 1


def test_a_skip_racing_the_scheduler_either_skips_or_is_told_it_is_too_late(
    transactional_db, make_standing, at_supplier, supplier, buyer
):
    so = make_standing()
    barrier = threading.Barrier(2)
    outcome = {}

    def scheduler():
        barrier.wait(timeout=20)
        with supplier.client() as client:
            standing_orders_run_due(client=client, now=FIRST_RUN)

    def skip():
        barrier.wait(timeout=20)
        try:
            outcome["skipped"] = standing_order_skip(standing_order=so, user=buyer)
        except StandingError as exc:
            outcome["refused"] = exc.message

    assert in_threads(scheduler, skip) == []

    occurrence = Occurrence.objects.get(standing_order=so, date=FIRST_DAY)
    if occurrence.outcome == "skipped":
        assert outcome == {"skipped": FIRST_DAY} and not Order.objects.exists()
    else:
        assert occurrence.outcome == "placed" and Order.objects.count() == 1
        assert "refused" in outcome
