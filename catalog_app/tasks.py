from django.contrib.auth import get_user_model
from django.tasks import task

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
