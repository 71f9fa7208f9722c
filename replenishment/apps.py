from django.apps import AppConfig


class ReplenishmentConfig(AppConfig):
    """Standing orders (a list or a cart ordered on a schedule) and run-out forecasts."""

    name = "replenishment"
    verbose_name = "Standing orders and restocking"

    def ready(self):
        from core import scheduler
        from replenishment.notices import register_kinds
        from replenishment.services import standing_work_due

        register_kinds()
        scheduler.register(
            scheduler.Job(
                name="standing-orders",
                task="replenishment.tasks.run_standing_orders",
                interval=lambda: 60,
                needed=standing_work_due,
            )
        )
