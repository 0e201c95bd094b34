"""Jobs of the portal as a whole."""

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "portal:heartbeat"


def heartbeat() -> str:
    """Record the time of this run; /healthz reports its age."""
    now = timezone.now()
    cache.set(HEARTBEAT_KEY, now.isoformat(), timeout=None)
    return now.isoformat()
