"""Middleware of the portal as a whole: request ids for the logs, and security headers."""

import re
import uuid

from django.conf import settings

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
