"""Each sign-up rule, one refusal per test, asserting the Swedish reason."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import translation

from members.models import MemberStatus, PledgeText
from shifts.models import Assignment, AssignmentStatus, WaitingListEntry
from shifts.services import SignupRefused, shift_sign_up, waiting_list_join
from tests.factories import MemberFactory
from tests.shifts.factories import NOW, make_line, make_shift, past_shifts, put_on
from trainings.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def line(organisation):
    return make_line(organisation, min_volunteers=1, max_volunteers=2)


@pytest.fixture
def shift(line):
    return make_shift(line)


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
    shift = make_shift(line, starts_at=NOW - timedelta(minutes=1))
    assert refusal(shift=shift, member=volunteer).messages == ["Passet har redan börjat."]


def test_shift_beyond_the_signup_window_is_refused(organisation, line, volunteer):
    organisation.signup_window_days = 14
    organisation.save()
    shift = make_shift(line, starts_at=NOW + timedelta(days=14, minutes=1))
    assert refusal(shift=shift, member=volunteer).messages == ["Anmälan öppnar 14 dagar före passet."]
    inside = make_shift(line, starts_at=NOW + timedelta(days=14))
    assert shift_sign_up(shift=inside, member=volunteer, now=NOW).status == AssignmentStatus.CONFIRMED


def test_already_on_the_shift_is_refused(shift, volunteer):
    put_on(shift, volunteer)
    assert refusal(shift=shift, member=volunteer).messages == ["Du är redan med på det här passet."]


def test_overlapping_shift_is_refused(line, volunteer):
    mine = make_shift(line, starts_at=NOW + timedelta(days=2), hours=3)
    put_on(mine, volunteer)
    other_line = make_line(line.organisation)
    clash = make_shift(other_line, starts_at=mine.starts_at + timedelta(hours=2), hours=3)
    assert refusal(shift=clash, member=volunteer).messages == ["Du har redan ett pass vid den tiden."]


def test_overlap_with_a_shift_crossing_midnight(organisation, line, volunteer):
    zone = organisation.zone
    night = make_shift(line, starts_at=datetime(2026, 3, 5, 22, 0, tzinfo=zone).astimezone(UTC), hours=8)
    put_on(night, volunteer)
    morning = make_shift(line, starts_at=datetime(2026, 3, 6, 5, 0, tzinfo=zone).astimezone(UTC), hours=3)
    assert refusal(shift=morning, member=volunteer).messages == ["Du har redan ett pass vid den tiden."]
    # Back to back is fine: the night ends at 06:00, the next shift starts at 06:00.
    next_one = make_shift(line, starts_at=datetime(2026, 3, 6, 6, 0, tzinfo=zone).astimezone(UTC), hours=3)
    assert shift_sign_up(shift=next_one, member=volunteer, now=NOW).status == AssignmentStatus.CONFIRMED


def test_released_or_cancelled_shifts_do_not_clash(line, volunteer):
    released = make_shift(line)
    put_on(released, volunteer, status=AssignmentStatus.RELEASED)
    cancelled = make_shift(make_line(line.organisation), cancelled_at=NOW)
    put_on(cancelled, volunteer)
    same_time = make_shift(make_line(line.organisation))
    assert shift_sign_up(shift=same_time, member=volunteer, now=NOW)


def test_full_shift_offers_the_waiting_list(shift, volunteer, organisation):
    put_on(shift, MemberFactory(organisation=organisation))
    put_on(shift, MemberFactory(organisation=organisation))
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
    shift = make_shift(line, starts_at=NOW - timedelta(hours=1), cancelled_at=NOW)
    refused = refusal(shift=shift, member=volunteer)
    assert refused.messages == ["Passet är inställt.", "Passet har redan börjat."]
    assert refused.full is False


def test_training_must_be_valid_on_the_shift_date(organisation, line, volunteer):
    course = Course.objects.create(organisation=organisation, name="Telefonutbildning", validity_months=12)
    line.required_courses.add(course)
    shift_day = date(2026, 3, 5)
    shift = make_shift(line, starts_at=datetime(2026, 3, 5, 20, 0, tzinfo=organisation.zone).astimezone(UTC))
    assert shift.local_date() == shift_day
    assert refusal(shift=shift, member=volunteer).messages == ["Du behöver Telefonutbildning"]
    record = TrainingRecord.objects.create(member=volunteer, course=course, completed_on=date(2025, 3, 4))
    assert record.expires_on == date(2026, 3, 4)  # the day before the shift
    assert refusal(shift=shift, member=volunteer).messages == ["Du behöver Telefonutbildning (gick ut 2026-03-04)"]
    record.completed_on = date(2025, 3, 5)  # now it expires on the shift's day: still valid
    record.save()
    assert shift_sign_up(shift=shift, member=volunteer, now=NOW).status == AssignmentStatus.CONFIRMED


def test_late_evening_shift_uses_the_shelters_date_not_utc(organisation, line, volunteer):
    """A shift at 00:30 Stockholm time on 5 March is 23:30 UTC on 4 March: the 5 March rule applies."""
    course = Course.objects.create(organisation=organisation, name="Telefonutbildning", validity_months=12)
    line.required_courses.add(course)
    TrainingRecord.objects.create(member=volunteer, course=course, completed_on=date(2025, 3, 4))  # expires 4 March
    shift = make_shift(line, starts_at=datetime(2026, 3, 5, 0, 30, tzinfo=organisation.zone).astimezone(UTC))
    assert shift.starts_at.date() == date(2026, 3, 4)
    assert refusal(shift=shift, member=volunteer).messages == ["Du behöver Telefonutbildning (gick ut 2026-03-04)"]


def test_pledge_requirement(organisation, volunteer):
    line = make_line(organisation, needs_pledge=True)
    PledgeText.objects.create(organisation=organisation, version=1, text="Tystnadslöfte", published_at=NOW)
    assert refusal(shift=make_shift(line), member=volunteer).messages == ["Du behöver skriva under tystnadslöftet"]


def test_required_shadow_shifts(organisation, volunteer):
    line = make_line(organisation, required_shadow_shifts=2)
    past_shifts(line, volunteer, 1, status=AssignmentStatus.SHADOW)
    shift = make_shift(line)
    assert refusal(shift=shift, member=volunteer).messages == [
        "Du behöver 2 genomförda bisittningspass på den här linjen (du har 1)."
    ]
    past_shifts(line, volunteer, 1, status=AssignmentStatus.SHADOW)
    assert shift_sign_up(shift=shift, member=volunteer, now=NOW)


def test_last_place_is_kept_for_an_experienced_volunteer(organisation, volunteer):
    line = make_line(organisation, needs_experienced=True, experienced_after_shifts=3, max_volunteers=2)
    shift = make_shift(line)
    novice = MemberFactory(organisation=organisation)
    put_on(shift, novice)
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
