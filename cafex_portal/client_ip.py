"""Who a request comes from, one rule for the login lockout (django-axes) and the API throttle (DRF)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind NUM_PROXIES reverse proxies that each append to
    X-Forwarded-For, the address the outermost trusted proxy saw. A client cannot forge it by sending its own
    X-Forwarded-For, since only the last NUM_PROXIES entries are believed (DRF's rule)."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.NUM_PROXIES and forwarded:
        addresses = [address.strip() for address in forwarded.split(",")]
        return addresses[-min(settings.NUM_PROXIES, len(addresses))]
    return remote
