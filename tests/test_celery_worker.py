"""Smoke test with a real Celery worker (in a thread of this process) consuming from Redis."""

import os
import time

import pytest
from django.core import mail

from core.models import User
from notices import outbox as notices
from notices import tasks
from notices.models import Heartbeat, Notice, NoticeStatus

from .conftest import require_service
from .factories import MemberFactory, OrganisationFactory

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 20.0

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001  (any failure means "not reachable")
        return False


def _reset_broker_pools(app) -> None:
    """`app.pool` and `app.amqp.producer_pool` cache the pools for the broker they first saw; drop them
    (as Celery itself does after a fork) so the next send builds pools for the current broker_url. The
    pools are not closed: kombu keeps them in a process-wide registry and would hand a closed one back."""
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def redis_celery_app():
    import redis

    require_service(_redis_reachable(REDIS_URL), f"Redis is not reachable at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()

    from config.celery import app

    keys = ("broker_url", "broker_transport_options", "task_always_eager", "worker_hijack_root_logger")
    saved = {key: app.conf[key] for key in keys}
    _reset_broker_pools(app)
    app.conf.update(
        broker_url=REDIS_URL,
        # The worker's BRPOP waits 0.1 s instead of 1 s for a message, so stopping it at teardown is quick.
        broker_transport_options={"visibility_timeout": 3600, "polling_interval": 0.1},
        task_always_eager=False,
        # Keep the suite's logging handlers (conftest fails a test on ERROR logs) in place.
        worker_hijack_root_logger=False,
    )
    try:
        yield app
    finally:
        _reset_broker_pools(app)
        app.conf.update(saved)
        assert app.conf.task_always_eager == saved["task_always_eager"]
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()


@pytest.fixture
def worker(redis_celery_app):
    from celery.contrib.testing.worker import start_worker

    with start_worker(redis_celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING") as running:
        yield running


def _wait_for(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"Timed out after {TIMEOUT:.0f} s waiting for {what}")


def test_worker_consumes_from_redis(worker):
    assert tasks.worker_ping.app.conf.broker_url == REDIS_URL
    assert not tasks.worker_ping.app.conf.task_always_eager
    tasks.worker_ping.delay()
    _wait_for(lambda: Heartbeat.objects.filter(name="worker").exists(), "the worker heartbeat")


def test_invitation_is_sent_by_the_worker(worker):
    organisation = OrganisationFactory(name="Kvinnojouren Worker", slug="workerjour")
    user = User.objects.create_user(email="invited@example.org")
    assert not user.has_usable_password()
    member = MemberFactory(organisation=organisation, user=user, email="invited@example.org")
    notice = notices.notice_plan(recipient=member, kind="invitation")
    assert notice is not None

    tasks.dispatch_due_notices.delay()

    def sent():
        notice.refresh_from_db()
        return notice.status == NoticeStatus.SENT

    _wait_for(sent, "the invitation notice to be sent")
    assert Notice.objects.get(pk=notice.pk).sent_at is not None
    _wait_for(lambda: len(mail.outbox) == 1, "the invitation mail in the outbox")
    assert mail.outbox[0].to == ["invited@example.org"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
