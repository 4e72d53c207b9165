"""Thin periodic tasks; safe to run any number of times (the outbox's dedupe key makes planning idempotent)."""

from celery import shared_task
from django.utils import timezone

from . import notices


@shared_task
def plan_training_notices() -> int:
    now = timezone.now()
    return notices.plan_expiry_notices(now) + notices.plan_coordinator_digests(now)
