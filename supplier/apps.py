from django.apps import AppConfig


class SupplierConfig(AppConfig):
    """Django's side of Cup Source: building clients from settings, the shared request budget,
    and how the supplier last answered."""

    name = "supplier"
    verbose_name = "Cup Source connection"

    def ready(self):
        from core import backups, scheduler
        from supplier.client import BUDGET_KEY
        from supplier.status import SUPPLIER_CHECK_INTERVAL, supplier_check_due

        # A restore clears the caches but not the budget: the last minute's requests still count.
        backups.keep_across_restore(BUDGET_KEY)
        scheduler.register(
            scheduler.Job(
                name="supplier-check",
                task="supplier.tasks.check_supplier",
                interval=lambda: SUPPLIER_CHECK_INTERVAL,
                needed=supplier_check_due,
            )
        )
