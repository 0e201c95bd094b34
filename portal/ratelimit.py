"""A fixed-window request counter in the cache (Redis when configured: shared by every
process; otherwise per process)."""

import time

from django.core.cache import cache


def over_limit(key: str, *, limit: int, window_seconds: int = 60) -> int:
    """Count one request under `key`; return 0 while under `limit`, else the seconds until
    the window ends (for Retry-After)."""
    window = int(time.time() // window_seconds)
    name = f"ratelimit:{key}:{window}"
    cache.add(name, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window_seconds + 5)
        count = 1
    if count <= limit:
        return 0
    return window_seconds - int(time.time() % window_seconds) or 1
