"""/healthz: whether the database and the broker answer, and when beat and a worker last proved they run.

It answers within a second in every failure mode (a load balancer's check waits about five): both checks run at
once in threads of a small pool, each bounded by its own short timeouts, and whatever has not answered by
DEADLINE is "unreachable". A check still waiting then finishes (or times out) in the background.

/notices/sms/delivered/<token>/: 46elks's delivery reports (notices.sms), outside any shelter's address.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import Heartbeat
from .sms import sms_delivery_report

DEADLINE = 0.8  # seconds for the whole answer
CHECK_TIMEOUT = 0.5  # seconds for each wait of a check (the broker's connect and reply; the database's query)
DATABASE_CONNECT_TIMEOUT = 2  # libpq's smallest connect_timeout; the DEADLINE answers before it, regardless

_pool: tuple[int, ThreadPoolExecutor] | None = None


def _executor() -> ThreadPoolExecutor:
    """One small pool per process (gunicorn forks its workers: a pool made before the fork has no threads)."""
    global _pool  # noqa: PLW0603
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz"))
    return _pool[1]


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Reachability of database and broker and beat's last run; nothing about shelters or people."""
    deadline = time.monotonic() + DEADLINE
    status: dict[str, str | None] = {"database": "ok", "broker": "ok", "beat_last_run": None, "worker_last_seen": None}
    broker = _broker_check()
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite":
        # A local file cannot hang on a dead peer: read on the request's own connection (a writer's lock is
        # waited for CHECK_TIMEOUT at most), which also sees the same database a test's transaction does.
        database: Future[dict[str, datetime]] = Future()
        try:
            database.set_result(_read_heartbeats_sqlite())
        except Exception as error:  # noqa: BLE001
            database.set_exception(error)
    else:
        database = _executor().submit(_check_database)
    try:
        beats: dict[str, datetime] = database.result(timeout=max(0.0, deadline - time.monotonic()))
        status["beat_last_run"] = beats["beat"].isoformat() if "beat" in beats else None
        status["worker_last_seen"] = beats["worker"].isoformat() if "worker" in beats else None
    except Exception:  # noqa: BLE001  (refused, timed out, or no answer by the deadline)
        status["database"] = "unreachable"
    try:
        broker.result(timeout=max(0.0, deadline - time.monotonic()))
    except Exception:  # noqa: BLE001
        status["broker"] = "unreachable"
    healthy = status["database"] == "ok" and status["broker"] == "ok"
    return JsonResponse(status, status=200 if healthy else 503)


def _read_heartbeats() -> dict[str, datetime]:
    return dict(Heartbeat.objects.values_list("name", "at"))


def _read_heartbeats_sqlite() -> dict[str, datetime]:
    """On the request's SQLite connection, waiting at most CHECK_TIMEOUT for a writer's lock (then as before)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(CHECK_TIMEOUT * 1000)}")
        try:
            return _read_heartbeats()
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")


def _check_database() -> dict[str, datetime]:
    """Read the heartbeats on this pool thread's own connection, opened for this check with a short connect
    and statement timeout (the request's connection may be half-open, waiting on a dead peer), then closed."""
    wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's own
    shared = connections.settings[DEFAULT_DB_ALIAS]  # every thread's settings, never changed here
    options: dict[str, Any] = {key: value for key, value in shared.get("OPTIONS", {}).items() if key != "pool"}
    if wrapper.vendor == "postgresql":
        options["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
        options["options"] = f"{options.get('options', '')} -c statement_timeout={int(CHECK_TIMEOUT * 1000)}".strip()
    wrapper.close()
    wrapper.settings_dict = {**shared, "OPTIONS": options}  # a copy for this thread's connection only
    try:
        return _read_heartbeats()
    finally:
        wrapper.close()


def _broker_check() -> Future[None]:
    """Publish worker_ping (a worker records its heartbeat) over a connection of its own: a short connect and
    socket timeout, no retries. With tasks eager (tests) there is no broker: the ping runs here and now."""
    from .tasks import worker_ping

    app = worker_ping.app
    if app.conf.task_always_eager:
        done: Future[None] = Future()
        try:
            worker_ping.apply_async()
            done.set_result(None)
        except Exception as exc:  # noqa: BLE001
            done.set_exception(exc)
        return done

    def publish() -> None:
        options = {
            **(app.conf.broker_transport_options or {}),
            "socket_connect_timeout": CHECK_TIMEOUT,
            "socket_timeout": CHECK_TIMEOUT,
            "max_retries": 0,
        }
        with app.connection_for_write(connect_timeout=CHECK_TIMEOUT, transport_options=options) as broker:
            broker.ensure_connection(max_retries=0, timeout=CHECK_TIMEOUT)  # type: ignore[arg-type]
            worker_ping.apply_async(connection=broker, retry=False)  # type: ignore[call-arg]

    return _executor().submit(publish)


@csrf_exempt  # 46elks posts it (no session, no form); the token in the URL and its own id are the proof
@require_POST
@never_cache
def sms_delivered(request: HttpRequest, token: str) -> HttpResponse:
    """46elks's delivery report for one SMS notice (notices.sms): 200 when it is genuine (recorded, or nothing to
    record), 404 with nothing changed when the token or the id is not that notice's. Any body: never a 500."""
    try:
        report = request.POST
    except Exception:  # noqa: BLE001  (a body Django cannot parse is not 46elks's)
        return HttpResponse(status=400)
    genuine = sms_delivery_report(
        token=token,
        provider_id=report.get("id", ""),
        status=report.get("status", ""),
        delivered=report.get("delivered", ""),
    )
    return HttpResponse(status=200 if genuine else 404)
