"""Django's error handlers (handler400/404/500): the API answers in its JSON error shape everywhere, also where
DRF is not involved (an unknown route, a middleware's failure), and an unreachable database is a 503."""

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from .middleware import database_unavailable, is_api


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": str(exception) or "The request is not valid."}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Nothing at this address; see /api/v1/docs/."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request, error)
    if is_api(request):
        return JsonResponse({"detail": "Something went wrong on the server; it has been logged."}, status=500)
    return defaults.server_error(request)
