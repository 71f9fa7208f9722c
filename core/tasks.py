from django.conf import settings
from django.core.management import call_command
from django.tasks import task

from core import once


@task()
def prune_task_results(min_age_days: int = 7) -> None:
    """Delete finished task results older than `min_age_days` from every queue, so the task
    table does not grow forever (the scheduler enqueues work every few seconds)."""
    for queue in settings.TASKS["default"]["QUEUES"]:
        call_command("prune_db_task_results", queue_name=queue, min_age_days=min_age_days)


@task()
def prune_used_tokens() -> int:
    """Forget single-use confirmations used more than a week ago (core/once.py)."""
    return once.prune()
