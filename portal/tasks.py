"""Jobs of the portal as a whole."""

from django.utils import timezone

from portal.models import Heartbeat

CLUSTER = "cluster"


def heartbeat() -> str:
    """Record the time of this run; /healthz reports its age."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(name=CLUSTER, defaults={"beat_at": now})
    return now.isoformat()
