"""The admin app with the portal's own site (cafex_portal.admin.PortalAdminSite) as its default.

A module of its own: INSTALLED_APPS loads it before any model exists, so it imports nothing but the AppConfig.
"""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "cafex_portal.admin.PortalAdminSite"
