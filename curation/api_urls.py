"""Curation API routes, included under /api/v1/ by cafex_portal.api_router."""

urlpatterns = []
