from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CatalogAppConfig(AppConfig):
    name = "catalog_app"
    verbose_name = "Catalog mirror"

    def ready(self):
        from catalog_app.mirror import product_written
        from catalog_app.models import Product

        # Saves and deletes of single products; bulk writes: ProductQuerySet.
        post_save.connect(product_written, sender=Product, dispatch_uid="catalog_mirror_save")
        post_delete.connect(product_written, sender=Product, dispatch_uid="catalog_mirror_delete")
