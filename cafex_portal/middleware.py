from django.conf import settings
from django.contrib.auth.views import redirect_to_login


class PrivateReadMiddleware:
    """With CAFEX_PUBLIC_READ off, anonymous visitors are sent to log in before seeing any page.

    The API is left to its own permission classes, which answer 401/403 instead of redirecting.
    """

    open_prefixes = ("/admin/", "/accounts/", "/static/", "/api/", "/health")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not settings.CAFEX_PUBLIC_READ
            and not request.user.is_authenticated
            and not request.path.startswith(self.open_prefixes)
        ):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)
