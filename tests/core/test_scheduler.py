"""The scheduler: `tick()` enqueues each due job once per interval across every scheduler."""

import signal
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections

from catalog_app.models import Product, SyncRun
from core import scheduler
from core.scheduler import JOBS, Job, tick
from supplier.status import record_result


class Enqueued:
    """Stands in for `import_string`: every job's task records its enqueue calls here."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self._lock = threading.Lock()

    def __call__(self, path: str):
        recorder = self

        class FakeTask:
            def enqueue(self, **kwargs):
                with recorder._lock:
                    recorder.calls.append((path, kwargs))

        return FakeTask()

    def paths(self) -> list[str]:
        return [path for path, _ in self.calls]


@pytest.fixture
def enqueued(monkeypatch) -> Enqueued:
    recorder = Enqueued()
    monkeypatch.setattr(scheduler, "import_string", recorder)
    return recorder


@pytest.fixture
def restore_signals():
    """run_scheduler installs SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def fake_jobs(interval: int = 3600) -> list[Job]:
    return [
        Job(name="job-a", task="tasks.a", interval=lambda: interval, kwargs={"x": 1}),
        Job(name="job-b", task="tasks.b", interval=lambda: interval),
    ]


def test_it_enqueues_each_due_job_once_per_interval(db, enqueued):
    jobs = fake_jobs()

    first = tick(jobs)
    second = tick(jobs)

    assert first == ["job-a", "job-b"]
    assert second == []
    assert enqueued.calls == [("tasks.a", {"x": 1}), ("tasks.b", {})]


def test_two_schedulers_ticking_at_once_enqueue_each_job_once(transactional_db, enqueued):
    jobs = fake_jobs()
    errors = []
    barrier = threading.Barrier(2)

    def scheduler_process() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                tick(jobs)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(enqueued.paths()) == ["tasks.a", "tasks.b"]


def test_intervals_are_read_from_settings_at_each_tick(db, enqueued, settings):
    settings.CATALOG_SYNC_INTERVAL = 0  # due at every tick
    settings.TRACKING_REFRESH_INTERVAL = 3600

    runs = [tick() for _ in range(3)]

    first = ["supplier-check", "housekeeping", "catalog-sync", "tracking-refresh"]
    assert runs == [first, ["catalog-sync"], ["catalog-sync"]]
    assert enqueued.calls[2] == ("catalog_app.tasks.sync_catalog", {"trigger": "schedule"})


def test_a_job_is_enqueued_again_once_its_slot_has_expired(db, enqueued, settings):
    from django.core.cache import caches

    settings.CATALOG_SYNC_INTERVAL = 3600
    catalog_job = [job for job in JOBS if job.name == "catalog-sync"]
    tick(catalog_job)

    caches["shared"].delete("scheduler:catalog-sync")  # as if the interval had passed

    assert tick(catalog_job) == ["catalog-sync"]
    assert enqueued.paths() == ["catalog_app.tasks.sync_catalog"] * 2


def test_an_idle_job_is_skipped_without_using_up_its_interval(db, enqueued):
    work_waiting = False
    job = Job(name="idle", task="tasks.idle", interval=lambda: 3600, needed=lambda: work_waiting)

    assert tick([job]) == []
    work_waiting = True

    assert tick([job]) == ["idle"]
    assert tick([job]) == []
    assert enqueued.paths() == ["tasks.idle"]


def test_jobs_with_nothing_to_do_are_not_enqueued(db, enqueued):
    # No order is waiting, the immediate task backend keeps no results to prune, and the
    # supplier answered a call just now.
    record_result(200)
    assert tick() == ["housekeeping", "catalog-sync", "tracking-refresh"]


def test_the_supplier_is_checked_only_after_a_minute_without_an_answer(db, enqueued, monkeypatch):
    check = [job for job in JOBS if job.name == "supplier-check"]
    record_result(200)
    assert tick(check) == []

    later = time.time() + 61
    monkeypatch.setattr("supplier.status.time.time", lambda: later)

    assert tick(check) == ["supplier-check"]
    assert enqueued.paths() == ["supplier.tasks.check_supplier"]


def test_run_scheduler_once_enqueues_the_due_jobs_and_exits(db, enqueued, restore_signals):
    out = StringIO()

    call_command("run_scheduler", "--once", stdout=out)
    call_command("run_scheduler", "--once", stdout=out)

    # In the order the apps registered them (INSTALLED_APPS, lowest layer first).
    assert out.getvalue().splitlines() == [
        "Enqueued supplier-check.",
        "Enqueued housekeeping.",
        "Enqueued catalog-sync.",
        "Enqueued tracking-refresh.",
    ]
    assert enqueued.paths() == [
        "supplier.tasks.check_supplier",
        "accounts.tasks.housekeeping",
        "catalog_app.tasks.sync_catalog",
        "orders_app.tasks.refresh_open_tracking",
    ]


def test_the_scheduled_catalog_sync_fills_the_mirror_from_the_sandbox(sandbox, settings):
    sandbox.configure(settings)
    catalog_job = [job for job in JOBS if job.name == "catalog-sync"]

    assert tick(catalog_job) == ["catalog-sync"]

    run = SyncRun.objects.get()
    assert (run.status, run.trigger, run.created) == ("succeeded", "schedule", 120)
    assert Product.objects.count() == 120
    assert Product.objects.get(sku="CS-8OZ-ECO").stock == sandbox.product("CS-8OZ-ECO").stock


def test_a_job_still_waiting_in_the_queue_is_not_enqueued_again(db, settings):
    """On the database task backend: while a sweep waits behind a long task, the scheduler
    does not pile up more copies of it; once it has started, the next interval enqueues again."""
    from django.core.cache import caches
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "catalog"]}
    }
    job = Job(name="orders-due", task="orders_app.tasks.process_due_orders", interval=lambda: 15)
    assert tick([job]) == ["orders-due"]
    caches["shared"].delete("scheduler:orders-due")  # its interval has passed
    assert tick([job]) == []  # the first copy has not started
    assert DBTaskResult.objects.filter(task_path=job.task).count() == 1
    DBTaskResult.objects.filter(task_path=job.task).update(status="RUNNING")
    assert tick([job]) == ["orders-due"]
    assert DBTaskResult.objects.filter(task_path=job.task).count() == 2


def test_the_scheduler_rides_out_a_failed_round_and_carries_on(monkeypatch, caplog):
    from django.db import OperationalError

    from core import resilience, scheduler
    from core.resilience import Backoff

    rounds = [OperationalError("the server closed the connection"), RuntimeError("bug"), ["x"]]

    def tick():
        outcome = rounds.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    closed = []
    monkeypatch.setattr(scheduler, "tick", tick)
    monkeypatch.setattr(resilience, "close_connections", lambda: closed.append(True))
    waits, reported = [], []
    scheduler.run(
        interval=5,
        running=lambda: bool(rounds),
        report=reported.append,
        backoff=Backoff(rng=lambda: 1.0),
        pause=waits.append,
    )
    assert waits == [1.0, 2.0, 5]  # backing off, then the normal interval once it works
    assert reported == ["x"] and len(closed) == 2
    assert "OperationalError: the server closed the connection" in caplog.text
    assert "Traceback" in caplog.text  # an unexpected error is logged with its traceback
