"""What every app's admin shares: the portal's admin site, and read-only bases."""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .roles import is_editor


class PortalAdminLoginForm(AdminAuthenticationForm):
    """Staff and editors may log in to the admin: giving someone the editor role is all it takes."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Enter the username and password of a staff or editor account (both are case-sensitive).",
    }

    def confirm_login_allowed(self, user) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # active accounts only
        if not (user.is_staff or is_editor(user)):
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class PortalAdminSite(admin.AdminSite):
    """The admin, branded as the portal, for staff and for editors without a second step (no staff status to tick):
    what each person sees still follows their model permissions, and the editor group holds the view permissions
    (curation migration 0005) while every change goes through the services the actions call."""

    site_header = "CAFex Portal administration"
    site_title = "CAFex Portal admin"
    index_title = "Records, and bulk actions that call the portal's services"
    site_url = "/"
    login_form = PortalAdminLoginForm

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_staff or is_editor(user))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never written: no add, change or delete, for superusers too. The records' rules live in the services,
    which the admin actions call."""

    def has_view_permission(self, request, obj=None) -> bool:
        # Editors read every record: curation migration 0005 gave the editor group the views of the models it
        # knew; models added since are covered here rather than by a migration per model.
        return super().has_view_permission(request, obj) or is_editor(request.user)

    def has_module_permission(self, request) -> bool:
        return super().has_module_permission(request) or is_editor(request.user)

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
