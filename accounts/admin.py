from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from accounts.models import AuditEntry
from core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log: read-only (no one adds, changes or deletes entries here)."""

    list_display = ["at", "action", "username", "summary", "ip_address"]
    list_filter = ["action", "at"]
    search_fields = ["username", "summary", "object_id", "ip_address"]
    date_hierarchy = "at"
    fields = ["at", "action", "actor", "username", "object_type", "object_id", "summary",
              "details", "ip_address"]  # fmt: skip
    readonly_fields = fields


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class CupboardUserAdmin(UserAdmin):
    """Users and their roles: add someone to the "Approvers" group to let them approve orders;
    "Staff status" opens this admin. (The orders app adds a buyer's spending threshold, under
    "Buying": orders_app/admin.py.)"""

    list_display = ["username", "first_name", "last_name", "email", "roles", "is_active",
                    "last_login"]  # fmt: skip
    # Adding someone asks for their name and e-mail too (mails and password resets need it);
    # team admins usually invite people from the Team page instead.
    add_fieldsets = [
        (None, {"classes": ["wide"],
                "fields": ["username", "first_name", "last_name", "email", "usable_password",
                           "password1", "password2"]}),
    ]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, user) -> str:
        names = [group.name for group in user.groups.all()]
        if user.is_superuser:
            names.append("Superuser")
        elif user.is_staff:
            names.append("Staff")
        return ", ".join(names) or "—"
