from django.contrib import admin, messages

from replenishment.models import Occurrence, StandingOrder, StandingOrderLine
from replenishment.services import StandingError, standing_order_pause, standing_order_resume


class StandingOrderLineInline(admin.TabularInline):
    model = StandingOrderLine
    extra = 0
    fields = ["product", "qty"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ["date", "outcome", "order", "message", "actor", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StandingOrder)
class StandingOrderAdmin(admin.ModelAdmin):
    """Every buyer's standing orders, for a team admin to see and to pause or resume (buyers
    change their own on their pages; the schedule is kept by the services, so it is read-only
    here)."""

    list_display = ["name", "owner", "status", "schedule_text", "next_date", "on_shortage"]
    list_filter = [
        "status",
        "frequency",
        "on_shortage",
        ("owner", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["name", "owner__username", "po_pattern"]
    list_select_related = ["owner"]
    inlines = [StandingOrderLineInline, OccurrenceInline]
    readonly_fields = [f.name for f in StandingOrder._meta.fields]
    actions = ["pause", "resume"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Pause the selected standing orders")
    def pause(self, request, queryset):
        self._each(request, queryset, standing_order_pause, "Paused")

    @admin.action(description="Resume the selected standing orders")
    def resume(self, request, queryset):
        self._each(request, queryset, standing_order_resume, "Resumed")

    def _each(self, request, queryset, service, verb):
        done = 0
        for standing_order in queryset:
            try:
                service(standing_order=standing_order, user=request.user)
            except StandingError as exc:
                self.message_user(request, f"{standing_order}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{verb} {done} standing order(s).", messages.INFO)
