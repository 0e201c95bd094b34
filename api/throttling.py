"""API_RATE requests per key (or per logged-in user); past it, 429 with Retry-After."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.authentication import request_key


class ApiRateThrottle(SimpleRateThrottle):
    """At most API_RATE requests ("120/min") per key, or per user for browser sessions."""

    scope = "api"

    def get_rate(self):
        return settings.API_RATE or None

    def get_cache_key(self, request, view):
        key = request_key(request)
        if key is not None:
            return f"throttle_api_key_{key.pk}"
        if request.user and request.user.is_authenticated:
            return f"throttle_api_user_{request.user.pk}"
        return None
