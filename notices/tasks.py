"""Thin Celery tasks: they take ids and call services; every one is safe to run twice."""

import logging

from celery import shared_task
from django.db import DatabaseError, connection
from django.utils import timezone

from . import outbox as notices
from .kinds import plan_due
from .models import Heartbeat

BATCH_SIZE = 100

logger = logging.getLogger(__name__)


@shared_task
def beat_heartbeat() -> None:
    Heartbeat.objects.update_or_create(name="beat", defaults={"at": timezone.now()})


@shared_task
def worker_ping() -> None:
    """Sent by the web process (healthz) to prove a worker consumes the queue."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"at": timezone.now()})


@shared_task
def dispatch_due_notices() -> int:
    """Beat's scan: every kind in settings.NOTICE_KINDS plans what has fallen due, then due notices go to
    senders in batches."""
    now = timezone.now()
    notices.release_stale_claims(now)
    plan_due(now)
    ids = notices.due_notice_ids(now)
    for start in range(0, len(ids), BATCH_SIZE):
        send_notices.delay(ids[start : start + BATCH_SIZE])
    return len(ids)


@shared_task
def send_notices(notice_ids: list[int]) -> None:
    """Send each notice; one notice's database error (a connection that dropped at its claim, say) never drops
    the rest of the batch: that notice is left to the next tick, and the next one gets a working connection."""
    for notice_id in notice_ids:
        try:
            notices.notice_send(notice_id=notice_id)
        except DatabaseError as exc:
            logger.warning("Notice %s: database error, left to the next tick: %s", notice_id, exc)
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
