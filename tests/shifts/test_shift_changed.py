"""A coordinator moves a shift: everyone on it gets a discreet "shift changed" notice; reminders follow."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from notices.models import Notice, NoticeStatus
from notices.tasks import dispatch_due_notices
from shifts.changes import shift_change
from shifts.models import AssignmentStatus
from shifts.notices import ShiftReminder
from shifts.services import assignment_release
from tests.factories import NOW, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db

# Tuesday 3 March 2026 20:00–23:00 in Stockholm → Wednesday 4 March 18:00–21:00.
OLD_START = datetime(2026, 3, 3, 19, 0, tzinfo=UTC)
NEW_START = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)


def tick(at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        return dispatch_due_notices()


def changed_mails():
    return [m for m in mail.outbox if "ändrats" in m.subject or "changed" in m.subject]


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Chatt", max_volunteers=3)


@pytest.fixture
def shift(line):
    return ShiftFactory(line=line, starts_at=OLD_START, hours=3)


def move(shift, coordinator, start=NEW_START):
    return shift_change(shift=shift, by=coordinator, starts_at=start, ends_at=start + timedelta(hours=3), now=NOW)


def test_one_notice_per_volunteer_on_it_with_old_and_new_time(shift, coordinator, organisation):
    confirmed = MemberFactory(organisation=organisation, language="sv")
    shadow = MemberFactory(organisation=organisation, language="en")
    released = MemberFactory(organisation=organisation)
    AssignmentFactory(shift=shift, member=confirmed)
    AssignmentFactory(shift=shift, member=shadow, status=AssignmentStatus.SHADOW)
    AssignmentFactory(shift=shift, member=released, status=AssignmentStatus.RELEASED)

    assert move(shift, coordinator) == 2
    shift.refresh_from_db()
    assert shift.starts_at == NEW_START
    notices = Notice.objects.filter(kind="shift_changed")
    assert {n.recipient_id for n in notices} == {confirmed.pk, shadow.pk}
    payload = notices.first().payload
    assert payload["old_starts_at"] == OLD_START.isoformat()
    assert payload["new_starts_at"] == NEW_START.isoformat()

    tick(NOW)
    by_address = {m.to[0]: m for m in changed_mails()}
    assert set(by_address) == {confirmed.email, shadow.email}
    swedish, english = by_address[confirmed.email], by_address[shadow.email]
    assert swedish.subject == "Jourplan: ett av dina pass har ändrats"
    assert "Pass tis 3 mars 20:00–23:00 är nu ons 4 mars 18:00–21:00" in swedish.body
    assert english.subject == "Jourplan: one of your shifts has changed"
    assert "Shift Tue 3 March 20:00–23:00 is now Wed 4 March 18:00–21:00" in english.body
    for message in (swedish, english):
        assert organisation.name not in message.subject and "Chatt" not in message.subject


def test_a_second_change_gets_its_own_notice(shift, coordinator, volunteer):
    AssignmentFactory(shift=shift, member=volunteer)
    assert move(shift, coordinator) == 1
    assert move(shift, coordinator, start=NEW_START + timedelta(days=1)) == 1
    assert Notice.objects.filter(kind="shift_changed", recipient=volunteer).count() == 2


def test_a_line_change_is_told_too(shift, coordinator, volunteer, organisation):
    AssignmentFactory(shift=shift, member=volunteer)
    other = LineFactory(organisation=organisation, name="Jourtelefon")
    assert shift_change(shift=shift, by=coordinator, line=other, now=NOW) == 1
    tick(NOW)
    [message] = changed_mails()
    assert "Chatt → Jourtelefon" in message.body


def test_nothing_changed_no_notice(shift, coordinator, volunteer):
    AssignmentFactory(shift=shift, member=volunteer)
    assert shift_change(shift=shift, by=coordinator, starts_at=OLD_START, line=shift.line, now=NOW) == 0
    assert not Notice.objects.filter(kind="shift_changed").exists()


def test_dropped_when_she_left_the_shift(shift, coordinator, volunteer):
    assignment = AssignmentFactory(shift=shift, member=volunteer)
    move(shift, coordinator)
    assignment_release(assignment=assignment, by=coordinator, now=NOW)
    tick(NOW)
    assert not changed_mails()
    assert Notice.objects.get(kind="shift_changed").status == NoticeStatus.DROPPED


def test_a_moved_shift_gets_new_reminders(shift, coordinator, volunteer):
    AssignmentFactory(shift=shift, member=volunteer)
    # 2 h before the old start: the reminder is planned but not yet sent (the worker is down).
    with time_machine.travel(OLD_START - timedelta(hours=2), tick=False):
        ShiftReminder().plan(OLD_START - timedelta(hours=2))
    old = Notice.objects.get(kind="shift_reminder", variant__startswith="120:")
    move(shift, coordinator)
    tick(OLD_START - timedelta(hours=1))
    old.refresh_from_db()
    assert old.status == NoticeStatus.DROPPED
    tick(NEW_START - timedelta(hours=2))
    new = Notice.objects.filter(kind="shift_reminder", variant="120:20260304T1700").get()
    assert new.status == NoticeStatus.SENT
