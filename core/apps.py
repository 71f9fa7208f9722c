from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app builds on and no app owns: the per-user facts cache, the periodic-job
    schedule, single-use confirmations, request ids in the logs, safe redirects, the CSRF
    failure page."""

    name = "core"
    verbose_name = "Cupboard core"

    def ready(self):
        from django.conf import settings

        from core import logs, once, scheduler

        if settings.LOG_FORMAT == "json":
            logs.log_uncaught_exceptions()

        scheduler.register(
            scheduler.Job(
                name="prune-task-results",
                task="core.tasks.prune_task_results",
                interval=lambda: 24 * 3600,
                needed=scheduler.tasks_in_database,
            )
        )
        scheduler.register(
            scheduler.Job(
                name="prune-used-tokens",
                task="core.tasks.prune_used_tokens",
                interval=lambda: 24 * 3600,
                needed=once.prune_due,
            )
        )
