"""A worker killed mid-batch (issue 6, point 3): real `celery worker` processes against Redis and PostgreSQL.

The first worker is SIGKILLed while it sends a batch of slow SMS; a second worker finishes the job after
beat's next scan. No notice may go out twice, none may be lost: each ends "sent", or "failed" with the
documented "may or may not have been delivered" reason (at most the one that was in flight).

PostgreSQL only: pytest-django's SQLite test database lives in this process's memory, which a worker
process cannot open.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from announcements.services import announcement_send
from core.models import User
from members.models import Role
from notices import outbox as notices
from notices.models import Channel, Notice, NoticeStatus, Topic
from tests.concurrency import require_postgres
from tests.conftest import require_service
from tests.factories import MemberFactory
from tests.test_celery_worker import REDIS_URL as _SMOKE_REDIS_URL  # noqa: F401  (same helpers, own db)
from tests.test_celery_worker import _redis_reachable, _reset_broker_pools

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
NOTICES = 25
SMS_SECONDS = 0.2


class SlowSmsBackend:
    """An SMS provider that takes SMS_SECONDS per message and appends "<phone>" to $SMS_LOG_FILE once
    the provider has accepted it (the side effect we count)."""

    def __init__(self, *, timeout: float) -> None:
        assert timeout > SMS_SECONDS  # settings.SMS_TIMEOUT bounds each wait on the provider

    def send(self, to: str, text: str, *, sender: str = "Jourplan", report_url: str = "") -> None:
        time.sleep(SMS_SECONDS)
        fd = os.open(os.environ["SMS_LOG_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{to}\n".encode())
        finally:
            os.close(fd)


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(tmp_path: Path, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SMS_BACKEND": "tests.members.test_notice_worker.SlowSmsBackend",
        "SMS_LOG_FILE": str(tmp_path / "sms.log"),
        "CONN_MAX_AGE": "0",
    }
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-n", f"{name}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _sent_phones(tmp_path: Path) -> list[str]:
    path = tmp_path / "sms.log"
    return path.read_text().split() if path.exists() else []


def _wait_for(condition, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def redis_app():
    import redis

    require_service(_redis_reachable(REDIS_URL), f"Redis is not reachable at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    from config.celery import app

    keys = ("broker_url", "broker_transport_options", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    _reset_broker_pools(app)
    app.conf.update(
        broker_url=REDIS_URL, broker_transport_options={"visibility_timeout": 3600}, task_always_eager=False
    )
    try:
        yield app
    finally:
        _reset_broker_pools(app)
        app.conf.update(saved)
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_sends_nothing_twice_and_loses_nothing(redis_app, organisation, tmp_path):
    require_postgres("a worker process cannot open pytest's in-memory SQLite")
    from notices import tasks

    # An announcement to 25 volunteers who get announcements by SMS (a topic the shelter allows SMS for; an
    # invitation, which carries a link into her login, always goes by e-mail).
    organisation.sms_topics = [Topic.ANNOUNCEMENTS]
    organisation.save(update_fields=["sms_topics"])
    for n in range(NOTICES):
        user = User.objects.create_user(email=f"killed{n}@example.org")
        MemberFactory(
            organisation=organisation, user=user, email=user.email, role=Role.VOLUNTEER,
            notice_channel=Channel.SMS, phone=f"+4670000{n:04d}",
        )  # fmt: skip
    author = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    announcement_send(organisation=organisation, author=author, title="Jourmöte", body="Torsdag kl 18.")
    planned = list(Notice.objects.filter(kind="announcement").values_list("pk", flat=True))
    assert len(planned) == NOTICES and not Notice.objects.exclude(channel=Channel.SMS).exists()

    first = _start_worker(tmp_path, "first")
    try:
        tasks.dispatch_due_notices.delay()  # beat's tick
        _wait_for(lambda: len(_sent_phones(tmp_path)) >= 5, "the first worker to send some SMS")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    sent_by_first = len(_sent_phones(tmp_path))
    assert sent_by_first < NOTICES, "the first worker finished before it was killed; slow the backend down"

    second = _start_worker(tmp_path, "second")
    try:
        tasks.dispatch_due_notices.delay()  # beat's next tick picks up what is still pending

        def settled():
            return not Notice.objects.filter(pk__in=planned, status=NoticeStatus.PENDING).exists()

        _wait_for(settled, "the second worker to send the rest")
        # It may still be on the last row it claimed: SIGTERM is Celery's warm shutdown, which lets the task in
        # hand finish before the worker exits (the wait below), so no sleep is needed here.
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    # The row claimed when the first worker died stays "sending" until its lease runs out; beat then records it.
    notices.release_stale_claims(timezone.now() + notices.SENDING_LEASE + timedelta(seconds=1))
    rows = list(Notice.objects.filter(pk__in=planned).select_related("recipient"))
    statuses = Counter(row.status for row in rows)
    phones = Counter(_sent_phones(tmp_path))
    assert max(phones.values()) == 1, f"an SMS went out twice: {phones.most_common(3)}"
    assert set(statuses) <= {NoticeStatus.SENT, NoticeStatus.IN_DOUBT}, statuses
    assert statuses[NoticeStatus.IN_DOUBT] <= 1  # a solo pool: one notice in hand
    for row in rows:
        if row.status == NoticeStatus.SENT:
            assert phones[str(row.recipient.phone)] == 1
        else:
            assert row.last_error == notices.STALE_CLAIM_REASON
    assert statuses[NoticeStatus.SENT] >= NOTICES - 1
