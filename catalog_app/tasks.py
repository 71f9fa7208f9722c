from django.contrib.auth import get_user_model
from django.tasks import task

from accounts.audit import Action, audit_record
from catalog_app.models import SyncRun
from catalog_app.services import SyncAlreadyRunning, catalog_sync
from supplier.client import get_client


@task(queue_name="catalog")
def sync_catalog(trigger: str = "schedule", user_id: int | None = None) -> int | None:
    """Run one catalog sync; returns the SyncRun id (None if another sync was running)."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    try:
        with get_client() as client:
            return catalog_sync(client=client, trigger=trigger, user=user).pk
    except SyncAlreadyRunning:
        return None


def sync_start(*, user, where: str) -> None:
    """A staff member asked for a sync now (from `where`: "admin" or "catalog page"): enqueue
    it on the catalog queue and record who asked in the audit log."""
    sync_catalog.enqueue(trigger=SyncRun.Trigger.STAFF, user_id=user.pk)
    audit_record(
        action=Action.SYNC_TRIGGERED,
        actor=user,
        summary=f"Started a catalog sync from the {where}",
        details={"where": where},
    )
