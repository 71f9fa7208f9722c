"""System status for staff (admin › System status): is everything running?

One page with what a self-hosting admin checks first when a buyer says "it's stuck": the
supplier connection, the shared request budget, the catalog sync, orders waiting to be sent,
and the background workers and scheduler. Read from the database and the shared cache only:
opening it makes no API call.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.admin import site
from django.db.models import Count, Max, Min, Q
from django.http import HttpRequest
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from catalog_app.models import Product, SyncRun
from core.scheduler import JOBS, tasks_in_database
from notifications.models import EmailState, Incident, Notification
from notifications.services import webhook_failures
from orders_app.models import Order
from supplier.client import get_budget
from supplier.status import supplier_status

QUEUE_STALLED_AFTER = timedelta(minutes=5)  # a task waiting this long: is a worker running?
FAILURES_SHOWN_FOR = timedelta(hours=24)


@dataclass(frozen=True)
class Queue:
    name: str
    waiting: int
    oldest_waiting_since: object  # datetime | None
    running: int
    last_finished_at: object  # datetime | None

    @property
    def stalled(self) -> bool:
        since = self.oldest_waiting_since
        return since is not None and timezone.now() - since > QUEUE_STALLED_AFTER


@require_GET
def system_status(request: HttpRequest) -> TemplateResponse:
    used, limit, blocked_for = get_budget().usage()
    context = {
        **site.each_context(request),
        "title": "System status",
        "supplier": supplier_status(),
        "budget": {"used": used, "limit": limit, "blocked_for": round(blocked_for)},
        "sync": sync_facts(),
        "orders": _orders(),
        "mail": mail_facts(),
        **task_facts(),
    }
    return TemplateResponse(request, "admin/system_status.html", context)


def mail_facts() -> dict:
    """Notifications waiting to be mailed, and team webhooks that are failing."""
    since = timezone.now() - FAILURES_SHOWN_FOR
    waiting = Notification.objects.filter(email_state=EmailState.PENDING)
    return {
        "pending": waiting.count(),
        "oldest": waiting.aggregate(oldest=Min("created_at"))["oldest"],
        "failed": Notification.objects.filter(email_state=EmailState.FAILED).count(),
        "webhook_failures": webhook_failures(since=since),
        "incidents": Incident.objects.filter(resolved_at__isnull=True),
    }


def sync_facts() -> dict:
    runs = SyncRun.objects.order_by("-started_at")
    gone = Q(discontinued=True)
    counts = Product.objects.aggregate(
        offered=Count("pk", filter=~gone), discontinued=Count("pk", filter=gone)
    )
    return {
        "last": runs.first(),
        "last_success": runs.filter(status=SyncRun.Status.SUCCEEDED).first(),
        "interval_minutes": settings.CATALOG_SYNC_INTERVAL // 60,
        **counts,
    }


def _orders() -> list[dict]:
    """Orders not yet with Cup Source, by state, with the oldest and the next attempt."""
    waiting = Order.UNSENT_STATES
    found = {
        row["state"]: row
        for row in Order.objects.filter(state__in=waiting)
        .values("state")
        .annotate(count=Count("pk"), oldest=Min("created_at"), next_attempt=Min("next_attempt_at"))
    }
    return [
        {"label": state.label, "state": state, **found.get(state, {"count": 0})}
        for state in waiting
    ]


def task_facts() -> dict:
    """The task queues and the scheduler's jobs, when tasks run on the database backend."""
    if not tasks_in_database():
        return {"tasks_backend": settings.TASKS["default"]["BACKEND"]}
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.all()
    queues = [
        Queue(
            name=name,
            waiting=results.ready().filter(queue_name=name).count(),
            oldest_waiting_since=results.ready()
            .filter(queue_name=name)
            .aggregate(oldest=Min("enqueued_at"))["oldest"],
            running=results.running().filter(queue_name=name).count(),
            last_finished_at=results.finished()
            .filter(queue_name=name)
            .aggregate(last=Max("finished_at"))["last"],
        )
        for name in settings.TASKS["default"]["QUEUES"]
    ]
    enqueued = dict(
        results.filter(task_path__in=[job.task for job in JOBS])
        .values_list("task_path")
        .annotate(last=Max("enqueued_at"))
    )
    jobs = [
        {
            "name": job.name,
            "every": _every(job.interval()),
            "last_enqueued": enqueued.get(job.task),
        }
        for job in JOBS
    ]
    since = timezone.now() - FAILURES_SHOWN_FOR
    failures = results.failed().filter(finished_at__gte=since).order_by("-finished_at")[:10]
    return {"queues": queues, "jobs": jobs, "failures": failures}


def _every(seconds: int) -> str:
    """An interval as people say it: "15 seconds", "5 minutes", "1 day"."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{pluralize(count)}"
    return f"{seconds} second{pluralize(seconds)}"
