"""What every app's admin shares."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written: no add, change or delete, for superusers too. The records' rules live in the services,
    which the admin actions call."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
