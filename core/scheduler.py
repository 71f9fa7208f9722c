"""Periodic jobs, enqueued on django.tasks by `manage.py run_scheduler`.

Each app registers its own jobs in its `AppConfig.ready()` (`scheduler.register(Job(...))`): the
catalog its sync, the orders app its sweep and tracking refresh, and so on; `JOBS` is the list
they make.

Each job is enqueued at most once per interval across every scheduler process: the slot is
claimed with an atomic `add` on the shared cache, so running two schedulers by mistake (or one
per host) does not double the work; and a job whose last copy still waits in the queue (a worker
busy with a long task) is not enqueued again.

`run` is `manage.py run_scheduler`'s loop: a round that fails — the database or Redis down — is
logged and tried again after a backoff (core/resilience.py); the scheduler never exits on it.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.utils.module_loading import import_string

from core.backups import fenced
from core.resilience import Backoff, outage_seen

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django.tasks Task
    interval: Callable[[], int]  # seconds, read at each tick so settings overrides apply
    kwargs: dict = field(default_factory=dict)
    needed: Callable[[], bool] = lambda: True  # cheap check: is there anything to do?


JOBS: list[Job] = []


def register(job: Job) -> None:
    """Add a job to the schedule (once: registering the same name again replaces it)."""
    JOBS[:] = [existing for existing in JOBS if existing.name != job.name]
    JOBS.append(job)


def tasks_in_database() -> bool:
    """Whether tasks run on the database backend (django-tasks-db), whose queue can be read."""
    return "django_tasks_db" in settings.TASKS["default"]["BACKEND"]


def _waiting_in_queue(job: Job) -> bool:
    """Whether this job's task is already enqueued and not yet started (on the database task
    backend): a second copy would only wait behind it. Running ones do not count — a worker
    killed mid-task leaves its row "running" for ever."""
    if not tasks_in_database():
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=job.task).exists()


def tick(jobs: list[Job] | None = None) -> list[str]:
    """Enqueue every job whose interval has passed; return the names of those enqueued. Nothing
    while a restore runs (core/backups.py)."""
    if fenced():
        return []
    cache = caches["shared"]
    enqueued = []
    for job in JOBS if jobs is None else jobs:
        if not job.needed() or _waiting_in_queue(job):
            continue
        if cache.add(f"scheduler:{job.name}", "claimed", timeout=job.interval()):
            import_string(job.task).enqueue(**job.kwargs)
            logger.info("Scheduled %s", job.name)
            enqueued.append(job.name)
    return enqueued


def run(
    *,
    interval: float,
    running: Callable[[], bool],
    once: bool = False,
    report: Callable[[str], None] = lambda name: None,
    backoff: Backoff | None = None,
    pause: Callable[[float], None] | None = None,
) -> None:
    """Tick every `interval` seconds while `running()`; after a failed tick, wait the backoff's
    time instead and go on (with `once`, tick once and return; a failure is logged)."""
    backoff = backoff or Backoff()
    while running():
        try:
            names = tick()
        except Exception as exc:
            wait = backoff.failed()
            outage_seen("A scheduler round", exc, wait)
        else:
            backoff.succeeded()
            wait = interval
            for name in names:
                report(name)
        if once:
            return
        (pause or _pause_while(running))(wait)


def _pause_while(running: Callable[[], bool]) -> Callable[[float], None]:
    def pause(seconds: float) -> None:  # in short steps, so that SIGTERM is heard at once
        deadline = time.monotonic() + seconds
        while running() and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(0.5, left))

    return pause
