"""The restore's fence (core/backups.py): the scheduler enqueues nothing and a worker starts no
task while it stands. The backup → restore → reconcile test: tests/orders_app/test_restore.py."""

import pytest

from core import backups, scheduler
from core.management.commands.run_worker import ResilientWorker


def test_the_scheduler_enqueues_nothing_while_a_restore_runs(db, monkeypatch):
    job = scheduler.Job(name="test-job", task="core.tasks.prune_task_results", interval=lambda: 60)
    enqueued = []
    monkeypatch.setattr(scheduler, "import_string", lambda path: type("T", (), {
        "enqueue": staticmethod(lambda **kw: enqueued.append(path))
    }))  # fmt: skip
    backups.fence_up()
    assert scheduler.tick([job]) == [] and enqueued == []
    backups.fence_down()
    assert scheduler.tick([job]) == ["test-job"]


def test_a_worker_waits_for_the_fence_before_it_runs_a_task(db, monkeypatch):
    ran, waits = [], []
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.Worker.run_task",
        lambda self, task: ran.append((task, backups.fenced())),
    )
    worker = ResilientWorker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="w", excluded_queue_names=[],
    )  # fmt: skip

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 3:
            backups.fence_down()

    worker.sleep = sleep
    backups.fence_up()
    worker.run_task("a task")
    assert waits == [1.0, 1.0, 1.0] and ran == [("a task", False)]


@pytest.mark.django_db(transaction=True)
def test_a_failing_after_restore_hook_is_said_in_words_and_the_fence_comes_down(
    settings, tmp_path, monkeypatch
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    def hook(since):
        raise RuntimeError("Cup Source refused the key.")

    settings.DATABASE_CONFIGURED = True
    monkeypatch.setattr(backups, "AFTER_RESTORE", [hook])
    call_command("backup", str(tmp_path / "b"))
    with pytest.raises(CommandError, match=r"restored, but .* Cup Source refused the key"):
        call_command("restore", str(tmp_path / "b"), "--yes")
    assert not backups.fenced()
