from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("cafex_portal.api_router", namespace="api")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start-up script is a file of its own (docs/?script), not inline: the page keeps the strict CSP.
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("", include("articles.urls")),
    path("", include("curation.urls")),
    path("", include("evidence.urls")),
    path("", include("dashboard.urls")),
]

handler400 = "cafex_portal.errors.bad_request"
handler404 = "cafex_portal.errors.not_found"
handler500 = "cafex_portal.errors.server_error"
