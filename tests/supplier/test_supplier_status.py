"""The supplier connection status: recorded from every API answer, read without calling."""

import logging
import time

import pytest

from supplier.status import record_result, supplier_check_due, supplier_status
from supplier.tasks import check_supplier


@pytest.mark.parametrize("status", [200, 201, 400, 404, 409, 429])
def test_any_answer_but_a_server_error_or_a_refused_key_means_connected(db, status):
    record_result(status)

    found = supplier_status()

    assert found.reachable is True and found.problem == ""
    assert found.heard_at is not None


@pytest.mark.parametrize(
    ("result", "problem"),
    [
        (401, "it refused Cupboard's API key (HTTP 401)"),
        (503, "it answered with a server error (HTTP 503)"),
        ("ReadTimeout", "it did not answer in time"),
        ("ConnectError", "the connection to it failed"),
        ("RemoteProtocolError", "the connection to it failed"),
    ],
)
def test_failures_say_what_went_wrong(db, result, problem):
    record_result(result)

    found = supplier_status()

    assert found.reachable is False
    assert found.problem.startswith(problem)


def test_the_latest_answer_wins(db):
    record_result("ConnectError")
    record_result(200)
    assert supplier_status().reachable is True


def test_nothing_heard_is_neither_connected_nor_unreachable(db):
    found = supplier_status()
    assert found.reachable is None and found.heard_at is None


def test_an_answer_older_than_five_minutes_says_nothing_about_now(db, monkeypatch):
    record_result(200)
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr("supplier.status.time.time", lambda: later)

    found = supplier_status()

    assert found.reachable is None
    assert found.heard_at is not None  # the page can still say when it last answered


def test_a_cache_outage_does_not_fail_the_call_that_reports(db, monkeypatch, caplog):
    class BrokenCache:
        def set(self, *args, **kwargs):
            raise ConnectionError("redis down")

    monkeypatch.setattr("supplier.status.caches", {"shared": BrokenCache()})
    with caplog.at_level(logging.WARNING, logger="supplier.status"):
        record_result(200)
    assert "Could not record the supplier's answer: ConnectionError" in caplog.text


def test_the_check_asks_the_api_once_when_nothing_else_has(sandbox, settings):
    from sandbox.models import RequestLog

    sandbox.configure(settings)
    assert supplier_check_due()

    check_supplier.call()
    check_supplier.call()  # answered a moment ago: no second call

    assert RequestLog.objects.count() == 1
    assert supplier_status().reachable is True
    assert not supplier_check_due()


def test_the_check_records_an_unreachable_api_without_raising(db, settings):
    settings.CUPSOURCE_API_URL = "http://127.0.0.1:9/v1"  # nothing listens on the discard port

    check_supplier.call()

    assert supplier_status().reachable is False
    assert supplier_status().problem == "the connection to it failed"


def test_the_check_task_runs_on_the_task_backend(sandbox, settings):
    from supplier.tasks import check_supplier as check_task

    sandbox.configure(settings)
    check_task.enqueue()  # the immediate backend in tests runs it now

    assert supplier_status().reachable is True
