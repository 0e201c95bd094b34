"""Middleware of the portal as a whole: request ids for the logs, the webhooks' own lane,
and security headers."""

import re
import uuid

from django.conf import settings
from django.core.handlers.base import BaseHandler

from common.logs import request_id

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Tags the request (and its log records) with an id: the proxy's X-Request-ID if it is
    a plain token, else a new one; returned in the response's X-Request-ID header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class _ViewStep(BaseHandler):
    """Django's handler reduced to its last step, the view (resolving it, ATOMIC_REQUESTS,
    async views, checking and rendering what it returns, turning exceptions into
    responses): a handler with no middleware."""

    def __init__(self):
        super().__init__()
        self._view_middleware, self._template_response_middleware = [], []
        self._exception_middleware = []


class WebhookLaneMiddleware:
    """Sends the provider's webhooks (paths under /hooks/) straight to their view, past
    every middleware listed after this one.

    Sessions, CSRF, sign-in, messages, tenancy, lockouts and a browser's security headers
    mean nothing to a machine's POST, and passing through them was about 230 µs of the
    webhook's 800 (CPU per request through Django's WSGI handler, no server). So only
    unsigned machine endpoints belong
    under /hooks/: a view there gets no sign-in and no CSRF check. Listed after
    RequestIdMiddleware, so webhook log lines keep their request id. A path under /hooks/
    that names no view is a 404, never CommonMiddleware's redirect to an added slash, which
    a sender would follow as a GET, the event lost.
    """

    PREFIX = "/hooks/"

    def __init__(self, get_response):
        self.get_response = get_response
        self.view_step = _ViewStep()

    def __call__(self, request):
        if not request.path_info.startswith(self.PREFIX):
            return self.get_response(request)
        # ALLOWED_HOSTS still holds (CommonMiddleware would have checked it): a foreign
        # Host header is answered 400.
        request.get_host()
        response = self.view_step._get_response(request)
        # As CommonMiddleware would: senders get a length rather than a chunked answer.
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy of settings.CONTENT_SECURITY_POLICY: the pages load
    scripts, styles and images only from the portal itself, and no inline script runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response
