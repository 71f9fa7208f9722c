from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records only code writes (the catalog mirror, its sync runs, the audit log): staff
    look, nobody adds, changes or deletes here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
