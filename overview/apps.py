from django.apps import AppConfig


class OverviewConfig(AppConfig):
    """The buyer's overview and the staff System status: they read every domain and own none."""

    name = "overview"
    verbose_name = "Overview"

    def ready(self):
        from django.contrib.auth import get_user_model

        from core import scheduler

        def staff_to_tell() -> bool:
            return get_user_model().objects.filter(is_staff=True, is_active=True).exists()

        scheduler.register(
            scheduler.Job(
                name="staff-alerts",
                task="overview.tasks.staff_alerts",
                interval=lambda: 60,
                needed=staff_to_tell,
            )
        )
