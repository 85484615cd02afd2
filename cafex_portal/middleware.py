import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    """API callers read JSON errors; everyone else gets a page."""
    return request.path.startswith(API_PREFIX)


class PrivateReadMiddleware:
    """With CAFEX_PUBLIC_READ off, anonymous visitors are sent to log in before seeing any page.

    The API is left to its own permission classes, which answer 401/403 instead of redirecting.
    """

    open_prefixes = ("/admin/", "/accounts/", "/static/", API_PREFIX, "/health")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The path first: the user costs a session read, which open paths (health checks among them) never need.
        if (
            not settings.CAFEX_PUBLIC_READ
            and not request.path.startswith(self.open_prefixes)
            and not request.user.is_authenticated
        ):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class RefuseNulMiddleware:
    """A 400 for a NUL character in the path, the query string or the fields of a posted form.

    PostgreSQL refuses NUL in text, so any lookup or write with one raises DataError: a 500 far from the cause,
    in whichever view met it first. Percent-encoded ``%00`` counts, since Django has decoded it by now. JSON bodies
    are checked by the API's parser (cafex_portal.parsers).
    """

    message = "The request contains a NUL character (\\x00 or %00), which is not allowed."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = (
                "\x00" in request.path
                or _has_nul(request.GET)
                or _has_nul(request.POST)
                # a quoted cookie value may spell \000, which the cookie parser decodes to a NUL
                or any("\x00" in key or "\x00" in value for key, value in request.COOKIES.items())
            )
        except MultiPartParserError:
            # Django gives up on the body; DRF's parser would have answered 400 for it too.
            return self.refuse(request, "The multipart form data could not be read.")
        if refused:
            return self.refuse(request, self.message)
        return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, message: str) -> HttpResponse:
        if is_api(request):
            return JsonResponse({"detail": message}, status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _has_nul(fields) -> bool:
    """Whether any key or value of a QueryDict holds a NUL."""
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in fields.lists())


class DatabaseUnavailableMiddleware:
    """A 503 that says to come back, instead of a 500, when the database cannot be reached.

    The API answers in its error shape, pages with a maintenance page rendered without a request context: the
    usual context would look up the user, which needs the database. Other database errors stay 500s.
    """

    retry_after_seconds = 30
    detail = "The database is unavailable; try again shortly."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return database_unavailable(request, exception)


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """The 503 of DatabaseUnavailableMiddleware, also given by the 500 handler (cafex_portal.errors) for a database
    error raised in a middleware (a session read), where no view's process_exception sees it."""
    logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=exception)
    if is_api(request):
        response = JsonResponse({"detail": DatabaseUnavailableMiddleware.detail}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(DatabaseUnavailableMiddleware.retry_after_seconds)
    return response
