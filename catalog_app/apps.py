from django.apps import AppConfig
from django.conf import settings


class CatalogAppConfig(AppConfig):
    name = "catalog_app"
    verbose_name = "Catalog mirror"

    def ready(self):
        from core import scheduler

        scheduler.register(
            scheduler.Job(
                name="catalog-sync",
                task="catalog_app.tasks.sync_catalog",
                interval=lambda: settings.CATALOG_SYNC_INTERVAL,
                kwargs={"trigger": "schedule"},
            )
        )
