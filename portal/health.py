"""GET /healthz: database, job broker and job cluster, for load balancers and monitors.

Answers 503 when the database or the broker is down, 200 otherwise; a job cluster whose
heartbeat is older than HEALTH_MAX_JOB_AGE_SECONDS makes the status "degraded" (still 200:
the web processes work without it). Reveals no organization data and needs no login.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from portal.models import Heartbeat
from portal.tasks import CLUSTER


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    if settings.Q_BROKER != "redis":
        return "ok (database)"
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    return "ok (redis)"


def _check(probe) -> tuple[bool, str]:
    try:
        return True, probe()
    except Exception as exc:  # noqa: BLE001 - any failure means down; only its class shows
        return False, f"down ({type(exc).__name__})"


def healthz(request):
    db_ok, database = _check(_database)
    broker_ok, broker = _check(_broker)
    age = None
    if db_ok:
        beat = Heartbeat.objects.filter(name=CLUSTER).first()
        age = round((timezone.now() - beat.beat_at).total_seconds()) if beat else None
    jobs_ok = age is not None and age <= settings.HEALTH_MAX_JOB_AGE_SECONDS
    status = "down" if not (db_ok and broker_ok) else "ok" if jobs_ok else "degraded"
    return JsonResponse(
        {"status": status, "database": database, "broker": broker,
         "last_job_seconds_ago": age},
        status=503 if status == "down" else 200)
