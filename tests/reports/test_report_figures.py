"""The report's figures for a seeded month: hours by line and kind, opening hours planned against staffed, active
and new volunteers, trainings held and completed; what must not count does not."""

from datetime import date
from decimal import Decimal

import pytest

from members.models import MemberStatus
from reports.figures import joined_on, report_for
from reports.periods import Period

from .scenarios import MARCH, NOW, seed_march

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(organisation):
    seeded = seed_march(organisation)
    return seeded, report_for(organisation, Period(MARCH, MARCH), NOW)


def by_label(rows):
    return {row.label: row.total for row in rows}


def test_shift_hours_per_line_count_completed_shifts_and_shadows_but_not_cancelled_or_released(march):
    _seeded, report = march
    assert report.months == [MARCH]
    assert by_label(report.shift_hours) == {"Telefon": Decimal("9.00"), "Chatt": Decimal("4.00")}
    assert report.shift_hours_total.total == Decimal("13.00")


def test_only_approved_volunteer_time_counts_per_kind(march):
    _seeded, report = march
    assert by_label(report.time_hours) == {"Stödperson": Decimal("2.5"), "Styrelsearbete": Decimal("1.25")}
    assert report.time_hours_total.total == Decimal("3.75")
    assert report.hours_total.total == Decimal("16.75")
    assert report.hours_total.values == [Decimal("16.75")]


def test_opening_hours_planned_against_staffed_per_line(march):
    _seeded, report = march
    opening = {line.label: (line.planned.total, line.staffed.total) for line in report.opening}
    # Telefon: 10th (staffed) and 13th (a shadow only: not staffed); the cancelled 12th is not planned. Chatt: one
    # confirmed of a minimum of two.
    assert opening == {"Telefon": (Decimal("6.00"), Decimal("3.00")), "Chatt": (Decimal("4.00"), Decimal("0"))}
    assert report.opening_planned_total.total == Decimal("10.00")
    assert report.opening_staffed_total.total == Decimal("3.00")
    assert {line.label: line.share for line in report.opening} == {"Telefon": 50, "Chatt": 0}


def test_active_and_new_volunteers(march):
    _seeded, report = march
    # Anna, Bea (shifts), Cissi (a shadow shift), Doris (approved time only; her released and cancelled shifts and
    # nobody's submitted or returned time count).
    assert report.active_volunteers.values == [4] and report.active_volunteers.total == 4
    # Joined on the 5th; became active on the 20th. Not: a supporting member, a prospective one, one back from a pause.
    assert report.new_volunteers.values == [2]


def test_trainings_held_and_completed_count_training_courses_only(march):
    _seeded, report = march
    assert report.trainings_held.total == 1
    assert report.trainings_completed.total == 2


def test_another_month_is_empty_and_april_is_counted_apart(organisation, march):
    april = report_for(organisation, Period(date(2026, 4, 1), date(2026, 4, 1)), NOW)
    assert april.shift_hours_total.total == Decimal("3.00")
    assert april.time_hours_total.total == Decimal("2.00")
    both = report_for(organisation, Period(MARCH, date(2026, 4, 1)), NOW)
    assert both.hours_total.values == [Decimal("16.75"), Decimal("5.00")]
    # Anna, Bea, Cissi, Doris in March; Bea and Doris again in April: each counted once over the period.
    assert both.active_volunteers.values == [4, 2] and both.active_volunteers.total == 4


def test_another_shelters_figures_are_not_in_the_report(organisation, other_organisation, march):
    seed_march(other_organisation)
    report = report_for(organisation, Period(MARCH, MARCH), NOW)
    assert report.hours_total.total == Decimal("16.75") and report.active_volunteers.total == 4


def test_a_shift_not_yet_ended_is_not_counted(organisation, march):
    early = report_for(organisation, Period(MARCH, MARCH), NOW.replace(year=2026, month=3, day=11, hour=0))
    assert early.shift_hours_total.total == Decimal("6.00")  # only the 10th had ended
    assert early.trainings_completed.total == 0


@pytest.mark.parametrize(
    ("member_since", "status", "changed", "expected"),
    [
        (date(2026, 3, 5), MemberStatus.ACTIVE, None, date(2026, 3, 5)),
        (None, MemberStatus.ACTIVE, date(2026, 3, 20), date(2026, 3, 20)),
        (date(2020, 1, 1), MemberStatus.ACTIVE, date(2026, 3, 15), date(2020, 1, 1)),
        (None, MemberStatus.PAUSED, date(2026, 3, 20), None),
        (date(2026, 1, 1), MemberStatus.LEFT, date(2026, 6, 1), date(2026, 1, 1)),
    ],
)
def test_the_day_she_joined(member_since, status, changed, expected):
    assert joined_on(member_since, status, changed) == expected
