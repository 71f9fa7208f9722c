"""`manage.py run_worker` rides out a database outage instead of exiting (db_worker exits)."""

import pytest
from django.db import OperationalError, connection

from core.management.commands.run_worker import ResilientWorker
from core.resilience import Backoff


@pytest.mark.django_db(transaction=True)
def test_the_worker_rides_out_a_database_outage_and_carries_on(caplog):
    failures = {"left": 3}

    def outage(execute, sql, params, many, context):
        if failures["left"]:
            failures["left"] -= 1
            raise OperationalError("connection to server failed: Connection refused")
        return execute(sql, params, many, context)

    waits = []
    worker = ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,  # returns once the queue is empty: after the outage
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    worker.backoff_factory = lambda: Backoff(rng=lambda: 1.0)
    worker.sleep = waits.append
    with connection.execute_wrapper(outage):
        worker.run()
    assert waits == [1.0, 2.0, 4.0]
    assert failures["left"] == 0
    assert caplog.text.count("Worker default failed (OperationalError") == 3
