"""The API's throttles: one count per anonymous client address (DRF's AnonRateThrottle), one per signed-in user."""

from rest_framework.throttling import UserRateThrottle


class SignedInRateThrottle(UserRateThrottle):
    """DRF's UserRateThrottle counts signed-in users, and anonymous clients by address as well, beside
    AnonRateThrottle: a second count of every anonymous client at the `user` rate, two more cache round trips on
    each of their requests. This one counts signed-in users only; anonymous clients are AnonRateThrottle's."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
