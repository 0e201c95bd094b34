"""GET /healthz: is the database reachable? Reveals no organization data, needs no login."""

from django.db import connection
from django.http import JsonResponse


def healthz(request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is "down", with its class only
        checks["database"] = f"down ({type(exc).__name__})"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", "checks": checks},
                        status=200 if healthy else 503)
