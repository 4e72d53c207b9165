"""/healthz: whether the database and the broker answer, and when beat and a worker last proved they run."""

from datetime import datetime

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from .models import Heartbeat


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Reachability of database and broker and beat's last run; nothing about shelters or people."""
    status: dict[str, str | None] = {"database": "ok", "broker": "ok", "beat_last_run": None, "worker_last_seen": None}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beats: dict[str, datetime] = dict(Heartbeat.objects.values_list("name", "at"))
        status["beat_last_run"] = beats["beat"].isoformat() if "beat" in beats else None
        status["worker_last_seen"] = beats["worker"].isoformat() if "worker" in beats else None
    except Exception:  # noqa: BLE001
        status["database"] = "unreachable"
    try:
        from .tasks import worker_ping

        worker_ping.apply_async(retry=False)
    except Exception:  # noqa: BLE001
        status["broker"] = "unreachable"
    healthy = status["database"] == "ok" and status["broker"] == "ok"
    return JsonResponse(status, status=200 if healthy else 503)
