"""Each sign-up rule, one refusal per test, asserting the Swedish reason."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from members.models import MemberStatus, PledgeText
from shifts.models import Assignment, AssignmentStatus, WaitingListEntry
from shifts.services import SignupRefused, shift_sign_up, waiting_list_join
from tests.factories import (
    NOW,
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    ShiftFactory,
    TrainingRecordFactory,
)
from tests.shifts.scenarios import past_shifts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, min_volunteers=1, max_volunteers=2)


@pytest.fixture
def shift(line):
    return ShiftFactory(line=line)


def refusal(**kwargs) -> SignupRefused:
    with pytest.raises(SignupRefused) as refused:
        shift_sign_up(now=NOW, **kwargs)
    return refused.value


def test_a_qualified_volunteer_gets_a_confirmed_place(shift, volunteer):
    assignment = shift_sign_up(shift=shift, member=volunteer, now=NOW)
    assert assignment.status == AssignmentStatus.CONFIRMED
    assert assignment.created_at == NOW


def test_member_of_another_shelter_is_refused(shift, other_shelter_coordinator):
    assert refusal(shift=shift, member=other_shelter_coordinator).messages == ["Du är inte medlem i den här jouren."]


def test_member_who_left_is_refused(shift, volunteer):
    volunteer.status = MemberStatus.LEFT
    volunteer.save()
    assert refusal(shift=shift, member=volunteer).messages == [
        "Ditt medlemskap är inte aktivt, så du kan inte ta pass."
    ]


def test_cancelled_shift_is_refused(shift, volunteer):
    shift.cancelled_at = NOW
    shift.save()
    assert refusal(shift=shift, member=volunteer).messages == ["Passet är inställt."]


def test_started_shift_is_refused(line, volunteer):
    shift = ShiftFactory(line=line, starts_at=NOW - timedelta(minutes=1))
    assert refusal(shift=shift, member=volunteer).messages == ["Passet har redan börjat."]


def test_shift_beyond_the_signup_window_is_refused(organisation, line, volunteer):
    organisation.signup_window_days = 14
    organisation.save()
    shift = ShiftFactory(line=line, starts_at=NOW + timedelta(days=14, minutes=1))
    assert refusal(shift=shift, member=volunteer).messages == ["Anmälan öppnar 14 dagar före passet."]
    inside = ShiftFactory(line=line, starts_at=NOW + timedelta(days=14))
    assert shift_sign_up(shift=inside, member=volunteer, now=NOW).status == AssignmentStatus.CONFIRMED


def test_already_on_the_shift_is_refused(shift, volunteer):
    AssignmentFactory(shift=shift, member=volunteer)
    assert refusal(shift=shift, member=volunteer).messages == ["Du är redan med på det här passet."]


def test_overlapping_shift_is_refused(line, volunteer):
    mine = ShiftFactory(line=line, starts_at=NOW + timedelta(days=2), hours=3)
    AssignmentFactory(shift=mine, member=volunteer)
    other_line = LineFactory(organisation=line.organisation)
    clash = ShiftFactory(line=other_line, starts_at=mine.starts_at + timedelta(hours=2), hours=3)
    assert refusal(shift=clash, member=volunteer).messages == ["Du har redan ett pass vid den tiden."]


def test_overlap_with_a_shift_crossing_midnight(organisation, line, volunteer):
    zone = organisation.zone
    night = ShiftFactory(line=line, starts_at=datetime(2026, 3, 5, 22, 0, tzinfo=zone).astimezone(UTC), hours=8)
    AssignmentFactory(shift=night, member=volunteer)
    morning = ShiftFactory(line=line, starts_at=datetime(2026, 3, 6, 5, 0, tzinfo=zone).astimezone(UTC), hours=3)
    assert refusal(shift=morning, member=volunteer).messages == ["Du har redan ett pass vid den tiden."]
    # Back to back is fine: the night ends at 06:00, the next shift starts at 06:00.
    next_one = ShiftFactory(line=line, starts_at=datetime(2026, 3, 6, 6, 0, tzinfo=zone).astimezone(UTC), hours=3)
    assert shift_sign_up(shift=next_one, member=volunteer, now=NOW).status == AssignmentStatus.CONFIRMED


def test_released_or_cancelled_shifts_do_not_clash(line, volunteer):
    released = ShiftFactory(line=line)
    AssignmentFactory(shift=released, member=volunteer, status=AssignmentStatus.RELEASED)
    cancelled = ShiftFactory(line=LineFactory(organisation=line.organisation), cancelled_at=NOW)
    AssignmentFactory(shift=cancelled, member=volunteer)
    same_time = ShiftFactory(line=LineFactory(organisation=line.organisation))
    assert shift_sign_up(shift=same_time, member=volunteer, now=NOW)


def test_full_shift_offers_the_waiting_list(shift, volunteer, organisation):
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    refused = refusal(shift=shift, member=volunteer)
    assert refused.messages == ["Passet är fullt. Du kan ställa dig på väntelistan."]
    assert refused.full is True
    entry = waiting_list_join(shift=shift, member=volunteer, now=NOW)
    assert list(WaitingListEntry.objects.filter(shift=shift)) == [entry]
    with pytest.raises(SignupRefused, match="redan på väntelistan"):
        waiting_list_join(shift=shift, member=volunteer, now=NOW)


def test_waiting_list_is_refused_while_places_are_free(shift, volunteer):
    with pytest.raises(SignupRefused) as refused:
        waiting_list_join(shift=shift, member=volunteer, now=NOW)
    assert refused.value.messages == ["Passet har lediga platser: anmäl dig i stället."]


def test_several_reasons_are_all_given_and_full_is_not_offered_then(line, volunteer):
    shift = ShiftFactory(line=line, starts_at=NOW - timedelta(hours=1), cancelled_at=NOW)
    refused = refusal(shift=shift, member=volunteer)
    assert refused.messages == ["Passet är inställt.", "Passet har redan börjat."]
    assert refused.full is False


def test_training_must_be_valid_on_the_shift_date(organisation, line, volunteer):
    course = CourseFactory(organisation=organisation, name="Telefonutbildning", validity_months=12)
    line.required_courses.add(course)
    shift_day = date(2026, 3, 5)
    shift = ShiftFactory(line=line, starts_at=datetime(2026, 3, 5, 20, 0, tzinfo=organisation.zone).astimezone(UTC))
    assert shift.local_date() == shift_day
    assert refusal(shift=shift, member=volunteer).messages == ["Du behöver Telefonutbildning"]
    record = TrainingRecordFactory(member=volunteer, course=course, completed_on=date(2025, 3, 4))
    assert record.expires_on == date(2026, 3, 4)  # the day before the shift
    assert refusal(shift=shift, member=volunteer).messages == ["Du behöver Telefonutbildning (gick ut 2026-03-04)"]
    record.completed_on = date(2025, 3, 5)  # now it expires on the shift's day: still valid
    record.save()
    assert shift_sign_up(shift=shift, member=volunteer, now=NOW).status == AssignmentStatus.CONFIRMED


def test_late_evening_shift_uses_the_shelters_date_not_utc(organisation, line, volunteer):
    """A shift at 00:30 Stockholm time on 5 March is 23:30 UTC on 4 March: the 5 March rule applies."""
    course = CourseFactory(organisation=organisation, name="Telefonutbildning", validity_months=12)
    line.required_courses.add(course)
    TrainingRecordFactory(member=volunteer, course=course, completed_on=date(2025, 3, 4))  # expires 4 March
    shift = ShiftFactory(line=line, starts_at=datetime(2026, 3, 5, 0, 30, tzinfo=organisation.zone).astimezone(UTC))
    assert shift.starts_at.date() == date(2026, 3, 4)
    assert refusal(shift=shift, member=volunteer).messages == ["Du behöver Telefonutbildning (gick ut 2026-03-04)"]


def test_pledge_requirement(organisation, volunteer):
    line = LineFactory(organisation=organisation, needs_pledge=True)
    PledgeText.objects.create(organisation=organisation, version=1, text="Tystnadslöfte", published_at=NOW)
    assert refusal(shift=ShiftFactory(line=line), member=volunteer).messages == [
        "Du behöver skriva under tystnadslöftet"
    ]


def test_required_shadow_shifts(organisation, volunteer):
    line = LineFactory(organisation=organisation, required_shadow_shifts=2)
    past_shifts(line, volunteer, 1, status=AssignmentStatus.SHADOW)
    shift = ShiftFactory(line=line)
    assert refusal(shift=shift, member=volunteer).messages == [
        "Du behöver 2 genomförda bisittningspass på den här linjen (du har 1)."
    ]
    past_shifts(line, volunteer, 1, status=AssignmentStatus.SHADOW)
    assert shift_sign_up(shift=shift, member=volunteer, now=NOW)


def test_last_place_is_kept_for_an_experienced_volunteer(organisation, volunteer):
    line = LineFactory(organisation=organisation, needs_experienced=True, experienced_after_shifts=3, max_volunteers=2)
    shift = ShiftFactory(line=line)
    novice = MemberFactory(organisation=organisation)
    AssignmentFactory(shift=shift, member=novice)
    assert refusal(shift=shift, member=volunteer).messages == ["Den sista platsen hålls för en erfaren ideell."]
    past_shifts(line, volunteer, 3)
    assert shift_sign_up(shift=shift, member=volunteer, now=NOW)


def test_an_injected_qualification_check_is_used(shift, volunteer):
    calls = []

    def qualify(member, line, on_date):
        calls.append((member, line, on_date))
        return ["Inte behörig"]

    with pytest.raises(SignupRefused) as refused:
        shift_sign_up(shift=shift, member=volunteer, now=NOW, qualify=qualify)
    assert refused.value.messages == ["Inte behörig"]
    assert calls == [(volunteer, shift.line, shift.local_date())]
    assert not Assignment.objects.exists()


def test_english_reason(shift, volunteer):
    shift.cancelled_at = NOW
    shift.save()
    with translation.override("en"):
        assert refusal(shift=shift, member=volunteer).messages == ["The shift is cancelled."]
