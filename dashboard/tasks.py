import logging

from django.conf import settings
from django.core.management import call_command
from django.tasks import task

from accounts.audit import audit_prune
from dashboard import supplier

logger = logging.getLogger(__name__)


@task()
def prune_task_results(min_age_days: int = 7) -> None:
    """Delete finished task results older than `min_age_days` from every queue, so the task
    table does not grow forever (the scheduler enqueues work every few seconds)."""
    for queue in ("default", "catalog"):
        call_command("prune_db_task_results", queue_name=queue, min_age_days=min_age_days)


@task()
def housekeeping() -> None:
    """Daily: delete expired sessions (the database keeps them otherwise) and audit-log entries
    older than AUDIT_RETENTION_DAYS (0 keeps them for ever)."""
    call_command("clearsessions")
    if settings.AUDIT_RETENTION_DAYS:
        deleted = audit_prune(older_than_days=settings.AUDIT_RETENTION_DAYS)
        logger.info(
            "Deleted %d audit entries older than %d days", deleted, settings.AUDIT_RETENTION_DAYS
        )


@task()
def check_supplier() -> None:
    """Keep the supplier connection status current when nothing else calls the API."""
    supplier.check_supplier()
