from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse

from catalog_app.models import Product, SyncRun
from catalog_app.tasks import sync_start
from core.admin import ReadOnlyAdmin


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    """The mirror: written by the sync only."""

    list_display = [
        "sku",
        "name",
        "category",
        "material",
        "capacity_oz",
        "unit_price",
        "stock",
        "discontinued",
    ]
    list_filter = ["category", "material", "discontinued", "capacity_oz"]
    search_fields = ["sku", "name"]


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "started_at",
        "finished_at",
        "status",
        "trigger",
        "triggered_by",
        "pages",
        "created",
        "updated",
        "discontinued",
    ]
    list_filter = ["status", "trigger"]
    change_list_template = "admin/catalog_app/syncrun/change_list.html"

    def get_urls(self):
        return [
            path(
                "sync-now/",
                self.admin_site.admin_view(self.sync_now),
                name="catalog_app_syncrun_sync_now",
            ),
            *super().get_urls(),
        ]

    def sync_now(self, request: HttpRequest) -> HttpResponseRedirect:
        if request.method == "POST":
            sync_start(user=request.user, where="admin")
            self.message_user(
                request, "Catalog sync enqueued; refresh this page to follow it.", messages.SUCCESS
            )
        return HttpResponseRedirect(reverse("admin:catalog_app_syncrun_changelist"))
