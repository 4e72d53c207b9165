"""Rota statistics for coordinators: hours and shifts per volunteer per month and year, coverage per line,
unfilled shifts, and volunteers who have not had a shift for a while. A fixed number of queries.

Hours are real elapsed time (ends_at − starts_at in UTC): a night shift over a daylight-saving change counts
its real length. Only shifts that have ended and were not cancelled count; shadow shifts count as hours too.
Erased members keep their rows (anonymised by members.gdpr), so totals survive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from core.models import Organisation
from members.models import Member, MemberStatus

from .models import ACTIVE_STATUSES, Assignment, AssignmentStatus, Line, Shift


def year_bounds(organisation: Organisation, year: int) -> tuple[datetime, datetime]:
    zone = organisation.zone
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


@dataclass
class VolunteerYear:
    member_id: int
    name: str
    months: dict[int, list] = field(default_factory=dict)  # month → [shifts, hours]

    def add(self, month: int, hours: float) -> None:
        counts = self.months.setdefault(month, [0, 0.0])
        counts[0] += 1
        counts[1] += hours

    @property
    def shifts(self) -> int:
        return sum(c[0] for c in self.months.values())

    @property
    def hours(self) -> float:
        return round(sum(c[1] for c in self.months.values()), 2)

    def month_cells(self) -> list[tuple[int, float]]:
        return [(self.months.get(m, [0, 0.0])[0], round(self.months.get(m, [0, 0.0])[1], 2)) for m in range(1, 13)]


@dataclass
class LineCoverage:
    line: Line
    shifts: int = 0
    covered: int = 0
    unfilled: int = 0

    @property
    def share(self) -> int | None:
        return round(100 * self.covered / self.shifts) if self.shifts else None


def hours_per_volunteer(
    organisation: Organisation, year: int, now: datetime, *, member: Member | None = None
) -> list[VolunteerYear]:
    """Completed (ended, not cancelled) shifts of each volunteer in the year, by month. Two queries. With `member`,
    hers only (her own page, timelog's "Min tid")."""
    start, end = year_bounds(organisation, year)
    zone = organisation.zone
    assignments = counted_assignments(organisation, start, end, now)
    if member is not None:
        assignments = assignments.filter(member=member)
    rows = assignments.values_list("member_id", "shift__starts_at", "shift__ends_at")
    by_member: dict[int, VolunteerYear] = {}
    for member_id, starts_at, ends_at in rows:
        entry = by_member.setdefault(member_id, VolunteerYear(member_id=member_id, name=""))
        entry.add(starts_at.astimezone(zone).month, (ends_at - starts_at).total_seconds() / 3600)
    names = Member.objects.filter(pk__in=by_member).values_list("pk", "first_name", "last_name")
    for pk, first, last in names:
        by_member[pk].name = f"{first} {last}".strip()
    return sorted(by_member.values(), key=lambda v: (v.name.lower(), v.member_id))


def coverage_per_line(organisation: Organisation, year: int, now: datetime) -> list[LineCoverage]:
    """For shifts of the year that have started and were not cancelled: how many had at least their minimum
    of confirmed volunteers, and how many had nobody. Two queries."""
    start, end = year_bounds(organisation, year)
    coverage = {line.pk: LineCoverage(line=line) for line in Line.objects.for_organisation(organisation)}
    shifts = started_shifts_with_staffing(organisation, start, end, now).values_list(
        "line_id", "confirmed_count", "min_volunteers"
    )
    for line_id, confirmed, minimum in shifts:
        row = coverage[line_id]
        row.shifts += 1
        row.covered += confirmed >= minimum
        row.unfilled += confirmed == 0
    return [row for row in coverage.values() if row.shifts or row.line.active]


def counted_assignments(organisation: Organisation, start: datetime, end: datetime, now: datetime) -> QuerySet:
    """The assignments whose hours count, on shifts starting in [start, end): on the shift (confirmed or shadow),
    the shift not cancelled and ended by `now`. The one definition statistics and reports (issue 20) share. Her
    shelter's volunteers' places: on its own lines and on the national lines they were let in on."""
    return (
        Assignment.objects.filter(member__organisation=organisation)
        .filter(status__in=ACTIVE_STATUSES, shift__cancelled_at=None, shift__ends_at__lte=now)
        .filter(shift__starts_at__gte=start, shift__starts_at__lt=end)
    )


def started_shifts_with_staffing(organisation: Organisation, start: datetime, end: datetime, now: datetime) -> QuerySet:
    """Shifts of [start, end) that have started by `now` and were not cancelled, with their staffing
    (confirmed_count, shadows excluded): what coverage per line and the reports' opening hours count."""
    return (
        Shift.objects.for_organisation(organisation)
        .not_cancelled()
        .filter(starts_at__gte=start, starts_at__lt=min(end, now))
        .with_staffing()
    )


def inactive_volunteers(organisation: Organisation, now: datetime) -> list[tuple[Member, datetime | None]]:
    """Active members with no shift (confirmed or shadow, not cancelled) in the last inactive_after_days days,
    with their last shift (or None). One query. A gentle list, not a penalty."""
    since = now - timedelta(days=organisation.inactive_after_days)
    members = (
        Member.objects.for_organisation(organisation)
        .current()
        .filter(status=MemberStatus.ACTIVE)
        .annotate(
            last_shift=Max(
                "assignments__shift__starts_at",
                filter=Q(
                    assignments__status__in=[AssignmentStatus.CONFIRMED, AssignmentStatus.SHADOW],
                    assignments__shift__cancelled_at=None,
                    assignments__shift__starts_at__lte=now,
                ),
            )
        )
        .filter(Q(last_shift=None) | Q(last_shift__lt=since))
        .order_by("first_name", "last_name", "pk")
    )
    return [(member, member.last_shift) for member in members]


def statistics_csv_rows(organisation: Organisation, year: int, now: datetime) -> list[list[str]]:
    """The rows of the statistics export, raw: the export writer (core.exports) neutralises them."""
    rows = []
    for volunteer in hours_per_volunteer(organisation, year, now):
        for month, (shifts, hours) in enumerate(volunteer.month_cells(), start=1):
            if shifts:
                rows.append([volunteer.name, str(year), str(month), str(shifts), f"{hours:.2f}"])
        rows.append([volunteer.name, str(year), "", str(volunteer.shifts), f"{volunteer.hours:.2f}"])
    return rows


def current_year(organisation: Organisation, now: datetime | None = None) -> int:
    return (now or timezone.now()).astimezone(organisation.zone).year
