import logging

from django.conf import settings
from django.core.management import call_command
from django.tasks import task

from accounts.audit import audit_prune

logger = logging.getLogger(__name__)


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
