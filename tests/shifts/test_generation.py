from datetime import UTC, date, datetime, time, timedelta

import pytest

from shifts.generation import pattern_update, shifts_generate
from shifts.models import Shift
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftPatternFactory

pytestmark = pytest.mark.django_db


def local(shift, organisation):
    zone = organisation.zone
    return shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)


def test_daily_evening_shift_keeps_wall_clock_time_across_both_dst_changes(organisation):
    line = LineFactory(organisation=organisation)
    pattern = ShiftPatternFactory(line=line, valid_from=date(2027, 3, 1), anchor_date=date(2027, 3, 1))
    for day in (date(2027, 3, 27), date(2027, 3, 28), date(2027, 10, 30), date(2027, 10, 31)):
        result = shifts_generate(pattern=pattern, start=day, end=day)
        assert result.created == 1
    shifts = list(Shift.objects.filter(pattern=pattern))
    assert [local(s, organisation)[0].time() for s in shifts] == [time(20, 0)] * 4
    assert [local(s, organisation)[1].time() for s in shifts] == [time(23, 0)] * 4
    # In UTC the start moves by an hour: winter time is UTC+1, summer time UTC+2.
    assert [s.starts_at.astimezone(UTC).hour for s in shifts] == [19, 18, 18, 19]
    assert all(s.ends_at - s.starts_at == timedelta(hours=3) for s in shifts)


def test_night_shift_over_the_change_night_has_its_real_length(organisation):
    line = LineFactory(organisation=organisation)
    pattern = ShiftPatternFactory(
        line=line,
        start_time=time(22, 0),
        end_time=time(6, 0),
        valid_from=date(2027, 1, 1),
        anchor_date=date(2027, 1, 1),
    )
    shifts_generate(pattern=pattern, start=date(2027, 3, 27), end=date(2027, 3, 27))
    shifts_generate(pattern=pattern, start=date(2027, 10, 30), end=date(2027, 10, 30))
    shifts_generate(pattern=pattern, start=date(2027, 6, 1), end=date(2027, 6, 1))
    march, june, october = Shift.objects.filter(pattern=pattern).order_by("starts_at")
    assert march.ends_at - march.starts_at == timedelta(hours=7)
    assert october.ends_at - october.starts_at == timedelta(hours=9)
    assert june.ends_at - june.starts_at == timedelta(hours=8)
    start, end = local(march, organisation)
    assert (start.date(), start.time(), end.date(), end.time()) == (
        date(2027, 3, 27),
        time(22, 0),
        date(2027, 3, 28),
        time(6, 0),
    )
    start, end = local(october, organisation)
    assert (start.time(), end.date(), end.time()) == (time(22, 0), date(2027, 10, 31), time(6, 0))


def test_a_start_time_inside_the_spring_gap_moves_forward(organisation):
    pattern = ShiftPatternFactory(
        line=LineFactory(organisation=organisation),
        start_time=time(2, 30),
        end_time=time(4, 0),
        valid_from=date(2027, 3, 1),
    )
    shifts_generate(pattern=pattern, start=date(2027, 3, 28), end=date(2027, 3, 28))
    shift = Shift.objects.get(pattern=pattern)
    assert shift.starts_at == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 summer time
    assert shift.ends_at == datetime(2027, 3, 28, 2, 0, tzinfo=UTC)


def test_generation_is_idempotent(organisation):
    pattern = ShiftPatternFactory(
        line=LineFactory(organisation=organisation), weekdays=[0, 1, 2, 3], valid_from=date(2026, 3, 1)
    )
    first = shifts_generate(pattern=pattern, start=date(2026, 3, 2), end=date(2026, 3, 15))
    assert (first.created, first.skipped) == (8, 0)
    again = shifts_generate(organisation=organisation, start=date(2026, 3, 2), end=date(2026, 3, 22))
    assert (again.created, again.skipped) == (4, 8)
    assert Shift.objects.filter(pattern=pattern).count() == 12


def test_weekdays_and_staffing_defaults_and_overrides(organisation):
    line = LineFactory(organisation=organisation, min_volunteers=2, max_volunteers=3)
    mon_thu = ShiftPatternFactory(line=line, weekdays=[0, 3], valid_from=date(2026, 3, 2))
    weekend = ShiftPatternFactory(
        line=line, weekdays=[5], start_time=time(10, 0), end_time=time(14, 0), max_volunteers=5
    )
    shifts_generate(line=line, start=date(2026, 3, 2), end=date(2026, 3, 8))
    days = [s.starts_at.astimezone(organisation.zone).date() for s in Shift.objects.filter(pattern=mon_thu)]
    assert days == [date(2026, 3, 2), date(2026, 3, 5)]
    saturday = Shift.objects.get(pattern=weekend)
    assert (saturday.min_volunteers, saturday.max_volunteers) == (2, 5)


def test_every_n_weeks_from_the_anchor(organisation):
    # Base group: one week in five, anchored on Wednesday 4 March 2026 (its whole week runs).
    pattern = ShiftPatternFactory(
        line=LineFactory(organisation=organisation), weekdays=[0], every_n_weeks=5, anchor_date=date(2026, 3, 4)
    )
    pattern.valid_from = date(2026, 1, 1)
    pattern.save()
    shifts_generate(pattern=pattern, start=date(2026, 1, 1), end=date(2026, 6, 30))
    days = [s.starts_at.astimezone(organisation.zone).date() for s in Shift.objects.filter(pattern=pattern)]
    assert days == [date(2026, 1, 26), date(2026, 3, 2), date(2026, 4, 6), date(2026, 5, 11), date(2026, 6, 15)]


def test_valid_from_and_until_limit_the_dates(organisation):
    pattern = ShiftPatternFactory(
        line=LineFactory(organisation=organisation),
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        valid_from=date(2026, 3, 10),
        valid_until=date(2026, 3, 12),
    )
    result = shifts_generate(pattern=pattern, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert result.created == 3


def test_pattern_update_moves_untaken_future_shifts_and_reports_taken_ones(organisation):
    line = LineFactory(organisation=organisation)
    pattern = ShiftPatternFactory(line=line, weekdays=[0, 1, 2, 3, 4, 5, 6], valid_from=date(2026, 3, 1))
    shifts_generate(pattern=pattern, start=date(2026, 3, 1), end=date(2026, 3, 10))
    taken = Shift.objects.filter(pattern=pattern).order_by("starts_at")[5]
    AssignmentFactory(shift=taken, member=MemberFactory(organisation=organisation))
    now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    past = Shift.objects.filter(pattern=pattern, starts_at__lt=now).count()

    result = pattern_update(pattern=pattern, changes={"start_time": time(19, 0), "weekdays": [0, 1, 2, 3, 4]}, now=now)

    assert result.left_alone == [taken]
    taken.refresh_from_db()
    assert taken.starts_at.astimezone(organisation.zone).time() == time(20, 0)
    # 3–10 March: the weekend (7–8 March) goes, the rest moves to 19:00.
    assert result.deleted == 2
    assert result.updated == 5  # 3, 4, 5, 9 and 10 March
    future = Shift.objects.filter(pattern=pattern, starts_at__gt=now).exclude(pk=taken.pk)
    assert {s.starts_at.astimezone(organisation.zone).time() for s in future} == {time(19, 0)}
    assert Shift.objects.filter(pattern=pattern, starts_at__lt=now).count() == past  # history untouched


def test_pattern_update_adds_shifts_on_new_weekdays(organisation):
    pattern = ShiftPatternFactory(
        line=LineFactory(organisation=organisation), weekdays=[0], valid_from=date(2026, 3, 1)
    )
    shifts_generate(pattern=pattern, start=date(2026, 3, 1), end=date(2026, 3, 31))
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    result = pattern_update(pattern=pattern, changes={"weekdays": [0, 2]}, now=now, until=date(2026, 3, 31))
    assert result.created == 4  # the Wednesdays 4, 11, 18, 25 March
    assert Shift.objects.filter(pattern=pattern).count() == 9


def test_an_ambiguous_autumn_start_takes_the_first_occurrence(organisation):
    pattern = ShiftPatternFactory(
        line=LineFactory(organisation=organisation),
        start_time=time(2, 30),
        end_time=time(5, 0),
        valid_from=date(2027, 10, 1),
    )
    shifts_generate(pattern=pattern, start=date(2027, 10, 31), end=date(2027, 10, 31))
    shift = Shift.objects.get(pattern=pattern)
    assert shift.starts_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 summer time
    assert shift.ends_at - shift.starts_at == timedelta(hours=3, minutes=30)


def test_pattern_update_changes_staffing_of_untaken_shifts(organisation):
    line = LineFactory(organisation=organisation, min_volunteers=1, max_volunteers=2)
    pattern = ShiftPatternFactory(line=line, weekdays=[0, 1, 2, 3, 4, 5, 6], valid_from=date(2026, 3, 4))
    shifts_generate(pattern=pattern, start=date(2026, 3, 4), end=date(2026, 3, 6))
    result = pattern_update(
        pattern=pattern, changes={"min_volunteers": 2, "max_volunteers": 4}, now=datetime(2026, 3, 3, tzinfo=UTC)
    )
    assert (result.updated, result.created, result.deleted, result.left_alone) == (3, 0, 0, [])
    assert set(Shift.objects.values_list("min_volunteers", "max_volunteers")) == {(2, 4)}


@pytest.mark.parametrize("weekdays", [[], [7], [-1], ["1"], [True], [1, 1], "0"])
def test_weekdays_must_be_distinct_days_0_to_6(organisation, weekdays):
    from django.core.exceptions import ValidationError

    pattern = ShiftPatternFactory(line=LineFactory(organisation=organisation))
    pattern.weekdays = weekdays
    with pytest.raises(ValidationError):
        pattern.full_clean()


def test_line_staffing_constraint(organisation):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        LineFactory(organisation=organisation, min_volunteers=3, max_volunteers=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        LineFactory(organisation=organisation, min_volunteers=0, max_volunteers=2)
