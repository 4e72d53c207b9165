"""Statistics: hours (real time) and shifts per volunteer, coverage, unfilled shifts, the gentle inactive list, CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.exports import neutralise_formula
from members.models import MemberStatus
from shifts.models import AssignmentStatus
from shifts.statistics import coverage_per_line, hours_per_volunteer
from tests.conftest import log_in
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)


def local(*args):
    """A Stockholm wall-clock time as a UTC instant (so that adding hours adds real time)."""
    return datetime(*args, tzinfo=STOCKHOLM).astimezone(UTC)


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Telefon", min_volunteers=1, max_volunteers=2)


@pytest.fixture
def year_of_shifts(organisation, line, volunteer):
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=local(2027, 1, 12, 20, 0)), member=volunteer
    )  # 3 h in January
    # The spring-forward night 22:00–04:00 on the clock is 5 real hours.
    night = ShiftFactory(line=line, starts_at=local(2027, 3, 27, 22, 0), hours=5)
    AssignmentFactory(shift=night, member=volunteer, status=AssignmentStatus.SHADOW)
    ShiftFactory(line=line, starts_at=local(2027, 2, 2, 20, 0))  # nobody came: unfilled
    cancelled = ShiftFactory(line=line, starts_at=local(2027, 2, 3, 20, 0), cancelled_at=NOW - timedelta(days=200))
    AssignmentFactory(shift=cancelled, member=volunteer)
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=NOW + timedelta(days=3)), member=volunteer
    )  # not done yet
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=local(2026, 12, 30, 20, 0)), member=volunteer
    )  # last year


def test_hours_are_real_time_and_only_completed_shifts_count(organisation, volunteer, year_of_shifts):
    [row] = hours_per_volunteer(organisation, 2027, NOW)
    assert row.member_id == volunteer.pk and row.shifts == 2 and row.hours == 8.0
    cells = row.month_cells()
    assert cells[0] == (1, 3.0) and cells[1] == (0, 0.0) and cells[2] == (1, 5.0)
    assert hours_per_volunteer(organisation, 2026, NOW)[0].hours == 3.0


def test_coverage_and_unfilled_per_line(organisation, line, year_of_shifts):
    [row] = coverage_per_line(organisation, 2027, NOW)
    # January (1 confirmed ≥ 1) covered; the shadow-only night and February's empty shift are not; cancelled left out.
    assert (row.shifts, row.covered, row.unfilled, row.share) == (3, 1, 2, 33)


def test_page_in_swedish_with_the_gentle_inactive_list(client, organisation, line, volunteer, coordinator):
    organisation.inactive_after_days = 60
    organisation.save()
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=local(2027, 3, 2, 20, 0)), member=volunteer
    )  # over 60 days ago
    recent = MemberFactory(organisation=organisation, first_name="Nyligen")
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=NOW - timedelta(days=5)), member=recent)
    never = MemberFactory(organisation=organisation, first_name="Aldrig")
    MemberFactory(organisation=organisation, first_name="Slutat", status=MemberStatus.LEFT)
    with time_machine.travel(NOW, tick=False):
        log_in(client, coordinator)
        response = client.get(reverse("shifts:statistics", kwargs={"organisation": organisation.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Statistik 2027" in html and "Bemanning per linje" in html
    inactive = html.split("Har inte haft pass på ett tag", 1)[1]
    assert volunteer.full_name in inactive and "senaste pass 2 mars 2027" in inactive
    assert never.full_name in inactive and "inget pass ännu" in inactive
    assert "Nyligen" not in inactive and "Slutat" not in inactive


def test_csv_export_neutralises_formulas(client, coordinator, organisation, line):
    sly = MemberFactory(organisation=organisation, first_name="=HYPERLINK(1)", last_name="")
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=local(2027, 1, 12, 20, 0)), member=sly)
    with time_machine.travel(NOW, tick=False):
        log_in(client, coordinator)
        response = client.get(
            reverse("shifts:statistics_csv", kwargs={"organisation": organisation.slug}) + "?year=2027"
        )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Ideell", "År", "Månad", "Pass", "Timmar"]
    assert rows[1] == ["'=HYPERLINK(1)", "2027", "1", "1", "3.00"]
    assert rows[2] == ["'=HYPERLINK(1)", "2027", "", "1", "3.00"]
    assert [neutralise_formula(v) for v in ("+1", "-2", "@x", "Anna")] == ["'+1", "'-2", "'@x", "Anna"]


@pytest.mark.parametrize("page", ["shifts:statistics", "shifts:statistics_csv"])
def test_constant_query_count(client, coordinator, organisation, line, page):
    with time_machine.travel(NOW, tick=False):
        log_in(client, coordinator)

    def measure(count):
        for i in range(count):
            member = MemberFactory(organisation=organisation)
            AssignmentFactory(
                shift=ShiftFactory(line=line, starts_at=NOW - timedelta(days=i + 1, hours=i % 7)), member=member
            )
            ShiftFactory(line=LineFactory(organisation=organisation), starts_at=NOW - timedelta(days=i + 1))
        with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(page, kwargs={"organisation": organisation.slug})).status_code == 200
        return len(queries)

    assert measure(4) == measure(12)
