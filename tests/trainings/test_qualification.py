from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from members.models import PledgeSignature, PledgeText, RecordCheck
from tests.factories import CourseFactory, MemberFactory, TrainingRecordFactory
from trainings.models import add_months
from trainings.qualification import QualificationChecker, Requirements, qualified_members

pytestmark = pytest.mark.django_db


def test_expiry_is_derived_from_the_course_validity(volunteer):
    chat = CourseFactory(organisation=volunteer.organisation, name="Chattutbildning")  # 24 months
    assert TrainingRecordFactory(member=volunteer, course=chat, completed_on=date(2025, 2, 1)).expires_on == date(
        2027, 2, 1
    )
    basic = CourseFactory(organisation=volunteer.organisation, name="Grundutbildning om mäns våld mot kvinnor")
    assert TrainingRecordFactory(member=volunteer, course=basic, completed_on=date(2020, 1, 1)).expires_on is None
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)


def test_a_training_expiring_the_day_before_the_shift_does_not_count(volunteer):
    chat = CourseFactory(organisation=volunteer.organisation, name="Chattutbildning")
    TrainingRecordFactory(member=volunteer, course=chat, completed_on=date(2025, 2, 1))  # valid until 2027-02-01
    needs = Requirements(courses=[chat.pk])
    checker = QualificationChecker(volunteer.organisation, [volunteer], on_dates=[date(2027, 2, 1), date(2027, 2, 2)])
    assert checker.is_qualified(volunteer, needs, on=date(2027, 2, 1))  # expires on the day → qualified
    assert not checker.is_qualified(volunteer, needs, on=date(2027, 2, 2))  # expired the day before
    assert checker.reasons(volunteer, needs, on=date(2027, 2, 2)) == ["Du behöver Chattutbildning (gick ut 2027-02-01)"]


def test_reasons_are_translated_sentences(volunteer):
    chat = CourseFactory(organisation=volunteer.organisation, name="Chattutbildning")
    needs = Requirements(courses=[chat.pk], needs_pledge=True, needs_record_check=True)
    checker = QualificationChecker(volunteer.organisation, [volunteer])
    assert checker.reasons(volunteer, needs, on=date(2027, 1, 1)) == [
        "Du behöver Chattutbildning",
        "Du behöver skriva under tystnadslöftet",
        "Du behöver visa ett giltigt registerutdrag",
    ]
    with translation.override("en"):
        assert checker.reasons(volunteer, needs, on=date(2027, 1, 1))[0] == "You need Chattutbildning"


def test_a_training_completed_after_the_date_does_not_count_yet(volunteer):
    chat = CourseFactory(organisation=volunteer.organisation, name="Chattutbildning")
    TrainingRecordFactory(member=volunteer, course=chat, completed_on=date(2026, 5, 1))
    checker = QualificationChecker(volunteer.organisation, [volunteer])
    assert not checker.is_qualified(volunteer, Requirements(courses=[chat.pk]), on=date(2026, 4, 30))
    assert checker.is_qualified(volunteer, Requirements(courses=[chat.pk]), on=date(2026, 5, 1))


def test_pledge_and_record_check_count(volunteer, coordinator):
    organisation = volunteer.organisation
    pledge = PledgeText.objects.create(organisation=organisation, version=1, text="…", published_at=timezone.now())
    PledgeSignature.objects.create(member=volunteer, pledge_text=pledge)
    RecordCheck.objects.create(member=volunteer, seen_on=date(2026, 1, 1), valid_until=date(2027, 12, 31))
    needs = Requirements(needs_pledge=True, needs_record_check=True)
    checker = QualificationChecker(organisation, [volunteer, coordinator])
    assert checker.is_qualified(volunteer, needs, on=date(2027, 12, 31))
    assert checker.reasons(volunteer, needs, on=date(2028, 1, 1)) == ["Du behöver visa ett giltigt registerutdrag"]
    assert checker.reasons(volunteer, needs, on=date(2025, 12, 31)) == ["Du behöver visa ett giltigt registerutdrag"]
    assert len(checker.reasons(coordinator, needs, on=date(2027, 1, 1))) == 2
    assert set(qualified_members(organisation, needs, on=date(2027, 1, 1))) == {volunteer}


def _check_everything(organisation, members, dates, needs):
    checker = QualificationChecker(organisation, members, on_dates=dates)
    return {(m.pk, d): checker.is_qualified(m, needs, on=d) for m in members for d in dates}


@pytest.mark.parametrize("size", [3, 30])
def test_a_whole_rota_is_checked_with_a_fixed_number_of_queries(organisation, size):
    members = MemberFactory.create_batch(size, organisation=organisation)
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")
    for member in members[::2]:
        TrainingRecordFactory(member=member, course=chat, completed_on=date(2026, 1, 1))
    dates = [date(2027, 3, 1) + timedelta(days=i) for i in range(7)]
    needs = Requirements(courses=[chat.pk], needs_pledge=True, needs_record_check=True)
    with CaptureQueriesContext(connection) as queries:
        result = _check_everything(organisation, members, dates, needs)
    assert len(queries) == 4  # courses, records, pledge, record checks: not per member, date or shift
    assert len(result) == size * 7


def test_qualified_members_queryset_follows_the_date_rule(organisation):
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")
    on_time, expired, never = MemberFactory.create_batch(3, organisation=organisation)
    TrainingRecordFactory(member=on_time, course=chat, completed_on=date(2025, 3, 1))  # until 2027-03-01
    TrainingRecordFactory(member=expired, course=chat, completed_on=date(2025, 2, 28))  # until 2027-02-28
    needs = Requirements(courses=[chat.pk])
    assert set(qualified_members(organisation, needs, on=date(2027, 3, 1))) == {on_time}
