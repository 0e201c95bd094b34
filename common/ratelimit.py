"""A fixed-window request counter in the cache (Redis when configured: shared by every
process; otherwise per process)."""

import time

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int = 60) -> int:
    """Count one request under `key`; return 0 while under `limit`, else the seconds until
    the window ends (for Retry-After)."""
    window = int(time.time() // window_seconds)
    name = f"ratelimit:{key}:{window}"
    # Increment first: the key exists for all but a window's first request, so this is one
    # cache operation per request instead of an add and an increment.
    try:
        count = cache.incr(name)
    except ValueError:  # the window's first request
        if cache.add(name, 1, timeout=window_seconds + 5):
            count = 1
        else:  # another request started the window meanwhile
            count = cache.incr(name)
    if count <= limit:
        return 0
    return window_seconds - int(time.time() % window_seconds) or 1
