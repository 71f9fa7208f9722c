"""Staff alerts: what someone who runs Cupboard must hear about without watching it. Checked
every minute (a scheduled job); each condition opens an incident once and resolves it once
(notifications.services.incident_update), so staff get one mail when it starts and one when it
clears. Reads the database and the shared cache only: no API call."""

from datetime import timedelta

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from catalog_app.models import SyncRun
from core.scheduler import tasks_in_database
from notifications.services import incident_update
from orders_app.models import Order
from supplier.status import supplier_status

SYNC_FAILURES = 3  # failed catalog syncs in a row
TASK_WAIT = timedelta(minutes=15)
IN_DOUBT_FOR = timedelta(minutes=30)


def check_alerts(*, now=None) -> None:
    now = now or timezone.now()
    status_url = reverse("system_status")
    incident_update(
        condition="supplier-key",
        active=supplier_status().key_refused,
        summary="Cup Source refused Cupboard's API key (HTTP 401): orders wait until it is renewed",
        url=status_url,
    )
    recent = list(SyncRun.objects.exclude(status=SyncRun.Status.RUNNING)[:SYNC_FAILURES])
    incident_update(
        condition="catalog-sync",
        active=len(recent) == SYNC_FAILURES
        and all(run.status == SyncRun.Status.FAILED for run in recent),
        summary=f"The catalog sync failed {SYNC_FAILURES} times in a row",
        url=status_url,
    )
    incident_update(
        condition="task-waiting",
        active=_oldest_task_wait(now) > TASK_WAIT,
        summary="A background task has waited more than 15 minutes: is a worker running?",
        url=status_url,
    )
    unsure = (
        Order.objects.filter(state=Order.State.IN_DOUBT)
        .annotate(since=Max("events__at", filter=Q(events__state=Order.State.IN_DOUBT)))
        .filter(since__lt=now - IN_DOUBT_FOR)
    )
    incident_update(
        condition="order-in-doubt",
        active=unsure.exists(),
        summary="An order has been unsure at Cup Source for more than 30 minutes",
        url=status_url,
    )


def _oldest_task_wait(now) -> timedelta:
    if not tasks_in_database():
        return timedelta(0)
    from django_tasks_db.models import DBTaskResult

    oldest = (
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True)
    )
    first = oldest.first()
    return now - first if first else timedelta(0)
