"""Issue 6 point 7: with the embedded defaults, the demo rota's reminders really go out (no `make run` needed:
beat's scan is called directly, Celery is eager in tests)."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notices.models import Channel, Notice, NoticeStatus
from notices.tasks import dispatch_due_notices
from shifts.models import ACTIVE_STATUSES, Assignment

pytestmark = pytest.mark.django_db


def test_a_demo_assignment_gets_its_two_hour_reminder_by_mail():
    call_command("load_demo", stdout=io.StringIO())
    assignment = (
        Assignment.objects.filter(
            status__in=ACTIVE_STATUSES,
            shift__cancelled_at=None,
            shift__starts_at__gt=timezone.now() + timedelta(hours=3),
            member__notice_channel=Channel.EMAIL,
            member__erased_at=None,
        )
        .select_related("shift", "member__organisation")
        .order_by("shift__starts_at")
        .first()
    )
    assert assignment is not None
    assert 120 in assignment.member.effective_reminder_offsets()
    moment = assignment.shift.starts_at - timedelta(minutes=120)

    with time_machine.travel(moment + timedelta(minutes=1), tick=False):
        dispatch_due_notices()

    reminder = Notice.objects.get(kind="shift_reminder", subject_id=assignment.pk, variant__startswith="120:")
    assert reminder.status == NoticeStatus.SENT
    mine = [m for m in mail.outbox if m.to == [assignment.member.email]]
    assert any(m.subject.startswith("Påminnelse: pass") for m in mine)
