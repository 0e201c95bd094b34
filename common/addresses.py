"""The address a request came from, as the audit log, lockouts and rate limits see it."""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the request came from: REMOTE_ADDR, or behind PROXY_COUNT trusted
    proxies, the address the outermost of them saw (X-Forwarded-For, from the right)."""
    if request is None:
        return None
    proxies = settings.PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
