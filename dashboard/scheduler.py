"""Periodic jobs, enqueued on django.tasks by `manage.py run_scheduler`.

Each job is enqueued at most once per interval across every scheduler process: the slot is
claimed with an atomic `add` on the shared cache, so running two schedulers by mistake (or one
per host) does not double the work; and a job whose last copy still waits in the queue (a worker
busy with a long task) is not enqueued again.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.utils.module_loading import import_string

from dashboard.supplier import SUPPLIER_CHECK_INTERVAL, supplier_check_due

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django.tasks Task
    interval: Callable[[], int]  # seconds, read at each tick so settings overrides apply
    kwargs: dict = field(default_factory=dict)
    needed: Callable[[], bool] = lambda: True  # cheap check: is there anything to do?


JOBS = [
    Job(
        name="catalog-sync",
        task="catalog_app.tasks.sync_catalog",
        interval=lambda: settings.CATALOG_SYNC_INTERVAL,
        kwargs={"trigger": "schedule"},
    ),
    Job(
        name="orders-due",
        task="orders_app.tasks.process_due_orders",
        interval=lambda: settings.ORDERS_RETRY_INTERVAL,
        needed=lambda: _orders_pending(),
    ),
    Job(
        name="tracking-refresh",
        task="orders_app.tasks.refresh_open_tracking",
        interval=lambda: settings.TRACKING_REFRESH_INTERVAL,
    ),
    Job(
        name="supplier-check",
        task="dashboard.tasks.check_supplier",
        interval=lambda: SUPPLIER_CHECK_INTERVAL,
        needed=lambda: supplier_check_due(),
    ),
    Job(
        name="prune-task-results",
        task="dashboard.tasks.prune_task_results",
        interval=lambda: 24 * 3600,
        needed=lambda: "django_tasks_db" in settings.TASKS["default"]["BACKEND"],
    ),
    Job(
        name="housekeeping",
        task="dashboard.tasks.housekeeping",
        interval=lambda: 24 * 3600,
    ),
]


def _orders_pending() -> bool:
    from orders_app.models import Order

    return Order.objects.filter(state__in=Order.PENDING_STATES).exists()


def _waiting_in_queue(job: Job) -> bool:
    """Whether this job's task is already enqueued and not yet started (on the database task
    backend): a second copy would only wait behind it. Running ones do not count — a worker
    killed mid-task leaves its row "running" for ever."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().filter(task_path=job.task).exists()


def tick(jobs: list[Job] = JOBS) -> list[str]:
    """Enqueue every job whose interval has passed; return the names of those enqueued."""
    cache = caches["shared"]
    enqueued = []
    for job in jobs:
        if not job.needed() or _waiting_in_queue(job):
            continue
        if cache.add(f"scheduler:{job.name}", "claimed", timeout=job.interval()):
            import_string(job.task).enqueue(**job.kwargs)
            logger.info("Scheduled %s", job.name)
            enqueued.append(job.name)
    return enqueued
