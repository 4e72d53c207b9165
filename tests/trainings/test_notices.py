from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notices.models import Notice
from notices.outbox import notice_send
from tests.factories import CourseFactory, MemberFactory, TrainingRecordFactory
from trainings.notices import TrainingDigest, TrainingExpiring

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def plan_training_notices() -> int:
    """What beat's scan asks of the two training kinds (notices.kinds.plan_due), at the travelled time."""
    now = timezone.now()
    return TrainingExpiring().plan(now) + TrainingDigest().plan(now)


def _at(day):
    return datetime(day.year, day.month, day.day, 9, tzinfo=STOCKHOLM)


def test_expiry_notices_60_and_14_days_before_and_never_twice(volunteer, coordinator):
    TrainingRecordFactory(
        member=volunteer,
        course=CourseFactory(organisation=volunteer.organisation, name="Chattutbildning"),
        completed_on=date(2025, 6, 1),
    )  # valid until 2027-06-01
    with time_machine.travel(_at(date(2027, 3, 1)), tick=False):  # 92 days before: nothing yet
        plan_training_notices()
    assert not Notice.objects.filter(kind="training_expiring").exists()
    with time_machine.travel(_at(date(2027, 4, 2)), tick=False):  # 60 days before
        plan_training_notices()
        plan_training_notices()
    assert list(Notice.objects.filter(kind="training_expiring").values_list("variant", flat=True)) == ["60"]
    with time_machine.travel(_at(date(2027, 5, 18)), tick=False):  # 14 days before
        plan_training_notices()
        plan_training_notices()
    assert sorted(Notice.objects.filter(kind="training_expiring").values_list("variant", flat=True)) == ["14", "60"]
    assert not Notice.objects.filter(kind="training_expiring", recipient=coordinator).exists()


def test_the_notice_is_discreet_and_in_the_members_language(organisation):
    swedish = MemberFactory(organisation=organisation, language="sv")
    english = MemberFactory(organisation=organisation, language="en")
    for member in (swedish, english):
        TrainingRecordFactory(
            member=member,
            course=CourseFactory(organisation=organisation, name="Chattutbildning"),
            completed_on=date(2025, 6, 1),
        )
    with time_machine.travel(_at(date(2027, 5, 20)), tick=False):
        plan_training_notices()
        for notice in Notice.objects.filter(kind="training_expiring"):
            assert notice_send(notice_id=notice.pk) == "sent"
    by_address = {m.to[0]: m for m in mail.outbox}
    sv, en = by_address[swedish.email], by_address[english.email]
    assert sv.subject == "Jourplan: en utbildning går snart ut"
    assert "Chattutbildning" in sv.body and "2027-06-01" in sv.body and "giltig till" in sv.body
    assert en.subject == "Jourplan: a training expires soon"
    assert organisation.name not in sv.subject + en.subject


def test_a_renewed_training_drops_the_warning(volunteer):
    chat = CourseFactory(organisation=volunteer.organisation, name="Chattutbildning")
    TrainingRecordFactory(member=volunteer, course=chat, completed_on=date(2025, 6, 1))
    with time_machine.travel(_at(date(2027, 5, 20)), tick=False):
        plan_training_notices()
        TrainingRecordFactory(member=volunteer, course=chat, completed_on=date(2027, 5, 19))
        notice = Notice.objects.get(kind="training_expiring")
        assert notice_send(notice_id=notice.pk) == "dropped"


def test_weekly_digest_for_coordinators_once_per_week(volunteer, coordinator, admin_member):
    TrainingRecordFactory(
        member=volunteer,
        course=CourseFactory(organisation=volunteer.organisation, name="Chattutbildning"),
        completed_on=date(2025, 6, 1),
    )
    with time_machine.travel(_at(date(2027, 5, 20)), tick=False):  # ISO week 2027-W20
        plan_training_notices()
        plan_training_notices()
    digests = Notice.objects.filter(kind="training_digest")
    assert sorted(digests.values_list("recipient_id", flat=True)) == sorted([coordinator.pk, admin_member.pk])
    assert set(digests.values_list("variant", flat=True)) == {"2027-W20"}
    with time_machine.travel(_at(date(2027, 5, 24)), tick=False):  # next week
        plan_training_notices()
        assert notice_send(notice_id=digests.get(recipient=coordinator, variant="2027-W20").pk) == "sent"
    assert digests.count() == 4
    message = mail.outbox[-1]
    assert message.subject == "Jourplan: veckosammanfattning om utbildningar"
    assert "Chattutbildning: 1 går snart ut, 0 har gått ut" in message.body
    assert volunteer.first_name not in message.body  # counts only, no names in an e-mail
