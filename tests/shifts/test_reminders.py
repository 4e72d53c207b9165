"""Shift reminders and under-staffed alerts: planned from current data by beat's scan, checked at send time."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from members.models import Role
from notices.models import Notice, NoticeStatus
from notices.tasks import dispatch_due_notices
from shifts.models import AssignmentStatus
from shifts.notices import ShiftReminder, UnderstaffedAlert
from shifts.services import assignment_release, shift_cancel
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def tick(at: datetime) -> int:
    """One beat scan at `at` (Celery is eager in tests: the sending happens inside)."""
    with time_machine.travel(at, tick=False):
        return dispatch_due_notices()


def reminders(member=None):
    rows = Notice.objects.filter(kind="shift_reminder")
    if member is not None:
        rows = rows.filter(recipient=member)
    return rows.order_by("due_at")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Chatt", max_volunteers=3)


@pytest.mark.parametrize(
    ("start", "day_before_utc", "two_hours_before_utc"),
    [
        # Spring forward on 2027-03-28: 24 real hours before 20:00 CEST is 19:00 CET the day before (23 h on the clock).
        (local(2027, 3, 28, 20, 0), datetime(2027, 3, 27, 18, 0, tzinfo=UTC), datetime(2027, 3, 28, 16, 0, tzinfo=UTC)),
        # Fall back on 2027-10-31: 24 real hours before 20:00 CET is 21:00 CEST the day before (25 h on the clock).
        (
            local(2027, 10, 31, 20, 0),
            datetime(2027, 10, 30, 19, 0, tzinfo=UTC),
            datetime(2027, 10, 31, 17, 0, tzinfo=UTC),
        ),
    ],
)
def test_offsets_are_real_elapsed_time_across_daylight_saving_changes(
    line, volunteer, start, day_before_utc, two_hours_before_utc
):
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=start), member=volunteer)
    assert day_before_utc.astimezone(STOCKHOLM).hour in (19, 21)  # not 20:00 on the clock
    tick(day_before_utc - timedelta(minutes=1))
    assert not reminders().exists()
    tick(day_before_utc)
    assert [n.due_at for n in reminders()] == [day_before_utc]
    tick(two_hours_before_utc - timedelta(minutes=1))
    tick(two_hours_before_utc)
    assert [n.due_at for n in reminders()] == [day_before_utc, two_hours_before_utc]
    assert set(reminders().values_list("status", flat=True)) == {NoticeStatus.SENT}
    assert len(mail.outbox) == 2


def test_duplicate_ticks_send_each_reminder_once(line, volunteer):
    start = datetime(2027, 5, 4, 18, 0, tzinfo=UTC)
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=start), member=volunteer)
    for minutes in (0, 0, 1, 2):
        tick(start - timedelta(hours=24) + timedelta(minutes=minutes))
    for minutes in (0, 0, 1):
        tick(start - timedelta(hours=2) + timedelta(minutes=minutes))
    assert reminders().count() == 2
    assert len(mail.outbox) == 2


def test_a_moved_shift_drops_the_old_reminder_and_gets_a_new_one(line, volunteer):
    start = datetime(2027, 5, 4, 18, 0, tzinfo=UTC)
    shift = ShiftFactory(line=line, starts_at=start)
    AssignmentFactory(shift=shift, member=volunteer)
    with time_machine.travel(start - timedelta(hours=24), tick=False):
        ShiftReminder().plan(start - timedelta(hours=24))  # planned, not sent yet (the worker is slow)
    shift.starts_at, shift.ends_at = start + timedelta(days=1), start + timedelta(days=1, hours=3)
    shift.save()
    tick(start - timedelta(hours=24) + timedelta(minutes=1))
    old = reminders().get()
    assert old.status == NoticeStatus.DROPPED and "moved" in old.last_error
    assert not mail.outbox
    tick(start + timedelta(minutes=1))  # 24 h before the new start
    new = reminders().exclude(pk=old.pk).get()
    assert new.status == NoticeStatus.SENT
    assert new.variant == "1440:20270505T1800"
    assert len(mail.outbox) == 1


def test_released_and_cancelled_shifts_get_no_reminder(line, volunteer, coordinator):
    start = datetime(2027, 5, 4, 18, 0, tzinfo=UTC)
    released = AssignmentFactory(shift=ShiftFactory(line=line, starts_at=start), member=volunteer)
    cancelled_shift = ShiftFactory(line=line, starts_at=start + timedelta(hours=4))
    AssignmentFactory(shift=cancelled_shift, member=volunteer)
    planned_at = start - timedelta(hours=20)
    with time_machine.travel(planned_at, tick=False):
        assert ShiftReminder().plan(planned_at) == 2  # both 24 h reminders are due
        assignment_release(assignment=released, by=coordinator, now=planned_at)
        shift_cancel(shift=cancelled_shift, by=coordinator, now=planned_at)
    tick(planned_at + timedelta(minutes=1))
    assert set(reminders().values_list("status", flat=True)) == {NoticeStatus.DROPPED}
    assert not [m for m in mail.outbox if "Påminnelse" in m.subject]
    tick(start - timedelta(hours=2))
    assert reminders().count() == 2  # nothing new planned for a released or cancelled shift


def test_a_reminder_missed_while_the_worker_was_down_is_sent_if_the_shift_has_not_started(line, volunteer):
    start = datetime(2027, 5, 4, 18, 0, tzinfo=UTC)
    volunteer.reminder_offsets_minutes = [1440]
    volunteer.save()
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=start), member=volunteer)
    tick(start - timedelta(hours=3))  # beat and worker were down for 21 hours
    assert reminders().get().status == NoticeStatus.SENT


def test_a_planned_reminder_is_dropped_once_the_shift_has_started(line, volunteer):
    start = datetime(2027, 5, 4, 18, 0, tzinfo=UTC)
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=start), member=volunteer)
    with time_machine.travel(start - timedelta(hours=1), tick=False):
        ShiftReminder().plan(start - timedelta(hours=1))
    tick(start + timedelta(minutes=5))  # the worker came back too late
    assert set(reminders().values_list("status", flat=True)) == {NoticeStatus.DROPPED}
    assert not mail.outbox


def test_a_member_who_chose_no_reminders_gets_none(line, volunteer):
    volunteer.reminder_offsets_minutes = []
    volunteer.save()
    start = datetime(2027, 5, 4, 18, 0, tzinfo=UTC)
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=start), member=volunteer)
    tick(start - timedelta(hours=24))
    tick(start - timedelta(hours=2))
    assert not reminders().exists()


def test_the_reminder_is_discreet_and_in_her_language(organisation, line):
    swedish = MemberFactory(organisation=organisation, language="sv", first_name="Astrid")
    english = MemberFactory(organisation=organisation, language="en", first_name="Beata")
    start = local(2027, 3, 30, 20, 0)  # a Tuesday
    shift = ShiftFactory(line=line, starts_at=start)
    AssignmentFactory(shift=shift, member=swedish)
    AssignmentFactory(shift=shift, member=english, status=AssignmentStatus.SHADOW)
    tick(start - timedelta(hours=2))
    by_address = {m.to[0]: m for m in mail.outbox}
    sv, en = by_address[swedish.email], by_address[english.email]
    assert sv.subject == "Påminnelse: pass tis 20:00–23:00"
    assert en.subject == "Reminder: shift Tue 20:00–23:00"
    for message in (sv, en):
        assert organisation.name not in message.subject + message.body
        assert "Astrid" not in message.body and "Beata" not in message.body
    assert "Chatt" in sv.body and "tis 30 mars 20:00–23:00" in sv.body


def test_understaffed_alert_goes_once_to_each_coordinator(organisation, line, volunteer, coordinator, admin_member):
    organisation.understaffed_alert_hours = 48
    organisation.save()
    now = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)
    line.min_volunteers = 2
    line.save()
    soon = ShiftFactory(line=line, starts_at=now + timedelta(hours=30), min_volunteers=2)
    AssignmentFactory(shift=soon, member=volunteer)  # 1 of at least 2
    staffed = ShiftFactory(line=line, starts_at=now + timedelta(hours=20), min_volunteers=1)
    AssignmentFactory(shift=staffed, member=MemberFactory(organisation=organisation))
    ShiftFactory(line=line, starts_at=now + timedelta(hours=60), min_volunteers=2)  # too far ahead
    other_shelter = MemberFactory(role=Role.COORDINATOR)
    tick(now)
    tick(now + timedelta(minutes=1))
    alerts = Notice.objects.filter(kind="understaffed_alert")
    assert sorted(alerts.values_list("recipient_id", flat=True)) == sorted([coordinator.pk, admin_member.pk])
    assert set(alerts.values_list("subject_id", flat=True)) == {soon.pk}
    assert set(alerts.values_list("status", flat=True)) == {NoticeStatus.SENT}
    subjects = {m.subject for m in mail.outbox if m.to[0] in (coordinator.email, admin_member.email)}
    assert subjects == {"Jourplan: ett pass behöver fler ideella, ons 5 maj 16:00–19:00"}
    assert not Notice.objects.filter(recipient__in=[volunteer, other_shelter], kind="understaffed_alert").exists()


def test_understaffed_alert_is_dropped_when_the_shift_got_its_volunteers(organisation, line, coordinator):
    now = datetime(2027, 5, 4, 8, 0, tzinfo=UTC)
    shift = ShiftFactory(line=line, starts_at=now + timedelta(hours=10))
    with time_machine.travel(now, tick=False):
        assert UnderstaffedAlert().plan(now) == 1
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    tick(now + timedelta(minutes=1))
    assert Notice.objects.get(kind="understaffed_alert").status == NoticeStatus.DROPPED
