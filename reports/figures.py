"""The report's figures for a period, per month: the read model of every report page, file and share.

Eight queries whatever the number of shifts, members or entries (lines, counted assignments, started shifts,
kinds of time, approved time, new members, sessions held, records): rows are read as plain values and summed here.

What counts (the definitions the page states too):
- Volunteer hours: each counted assignment's real hours (shifts.statistics.counted_assignments: confirmed or
  shadow, shift not cancelled and ended), per line; approved volunteer time (timelog) per kind. Submitted and
  returned time does not count.
- Opening hours: planned = real hours of the shifts that were not cancelled and have started; staffed = those of
  them that had at least their minimum of confirmed volunteers (shifts.statistics.started_shifts_with_staffing).
- Active volunteers: members with a counted shift or approved time in the month (the period's figure counts each
  once, so it is not the sum of the months).
- New volunteers: members (not supporting members, not prospective) who became members in the month: the
  earlier of "member since" and the day her status changed to active.
- Trainings held: sessions of training courses (not meetings) that have ended; completed: training records of
  training courses completed in the month.
Months follow the shelter's wall clock; hours are real elapsed time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import Organisation
from members.models import Member, MembershipType, MemberStatus
from shifts.models import Line
from shifts.statistics import counted_assignments, started_shifts_with_staffing
from timelog.models import TimeEntry, TimeKind
from trainings.models import CoursePurpose, TrainingRecord, TrainingSession

from .periods import Period

HUNDREDTH = Decimal("0.01")


def _hours(seconds: float) -> Decimal:
    return (Decimal(seconds) / 3600).quantize(HUNDREDTH)


@dataclass
class MonthRow:
    """One row of a table: a value per month of the period and the period's total."""

    label: str
    values: list = field(default_factory=list)
    total: Decimal | int = 0
    key: str = ""

    @classmethod
    def of(cls, label: str, by_month: Mapping[date, Decimal | int], months: list[date], *, key: str = "") -> MonthRow:
        values = [by_month.get(month, 0) for month in months]
        return cls(label=label, values=values, total=sum(values), key=key)


@dataclass
class LineOpening:
    label: str
    planned: MonthRow
    staffed: MonthRow

    @property
    def share(self) -> int | None:
        return round(100 * self.staffed.total / self.planned.total) if self.planned.total else None


@dataclass
class Report:
    organisation: Organisation
    period: Period
    months: list[date]
    shift_hours: list[MonthRow]  # per line
    time_hours: list[MonthRow]  # per kind of volunteer time
    hours_total: MonthRow
    shift_hours_total: MonthRow
    time_hours_total: MonthRow
    opening: list[LineOpening]
    opening_planned_total: MonthRow
    opening_staffed_total: MonthRow
    active_volunteers: MonthRow
    new_volunteers: MonthRow
    trainings_held: MonthRow
    trainings_completed: MonthRow

    @property
    def counts(self) -> list[MonthRow]:
        return [self.active_volunteers, self.new_volunteers, self.trainings_held, self.trainings_completed]

    @property
    def has_hours(self) -> bool:
        return bool(self.hours_total.total)


def _month(day: date) -> date:
    return day.replace(day=1)


def _sum_rows(label: str, rows: list[MonthRow], months: list[date], *, key: str = "") -> MonthRow:
    by_month: dict[date, Decimal] = defaultdict(Decimal)
    for row in rows:
        for month, value in zip(months, row.values, strict=True):
            by_month[month] += value
    return MonthRow.of(label, {m: by_month.get(m, Decimal(0)) for m in months}, months, key=key)


def joined_on(member_since: date | None, status: str, status_changed_on: date | None) -> date | None:
    """The day she became a member: the earlier of "member since" and the day her status changed to active."""
    days = [member_since] if member_since else []
    if status == MemberStatus.ACTIVE and status_changed_on:
        days.append(status_changed_on)
    return min(days) if days else None


def report_for(organisation: Organisation, period: Period, now: datetime) -> Report:
    """The figures of `period` for `organisation`, counted up to `now`. A fixed number of queries (eight)."""
    zone = organisation.zone
    start, end = period.bounds(organisation)
    months = period.months
    zero_hours = {month: Decimal(0) for month in months}

    lines = {line.pk: line for line in Line.objects.worked_for(organisation)}

    shift_hours: dict[int, dict[date, Decimal]] = defaultdict(lambda: dict(zero_hours))
    active: dict[date, set[int]] = defaultdict(set)
    for member_id, line_id, starts_at, ends_at in counted_assignments(organisation, start, end, now).values_list(
        "member_id", "shift__line_id", "shift__starts_at", "shift__ends_at"
    ):
        month = _month(starts_at.astimezone(zone).date())
        shift_hours[line_id][month] += _hours((ends_at - starts_at).total_seconds())
        active[month].add(member_id)

    planned: dict[int, dict[date, Decimal]] = defaultdict(lambda: dict(zero_hours))
    staffed: dict[int, dict[date, Decimal]] = defaultdict(lambda: dict(zero_hours))
    for line_id, starts_at, ends_at, confirmed, minimum in started_shifts_with_staffing(
        organisation, start, end, now
    ).values_list("line_id", "starts_at", "ends_at", "confirmed_count", "min_volunteers"):
        month = _month(starts_at.astimezone(zone).date())
        hours = _hours((ends_at - starts_at).total_seconds())
        planned[line_id][month] += hours
        if confirmed >= minimum:
            staffed[line_id][month] += hours

    kinds = {kind.pk: kind for kind in TimeKind.objects.for_organisation(organisation)}
    time_hours: dict[int, dict[date, Decimal]] = defaultdict(lambda: dict(zero_hours))
    for member_id, kind_id, day, hours in (
        TimeEntry.objects.for_organisation(organisation)
        .approved()
        .filter(day__gte=period.first, day__lt=period.end_day)
        .values_list("member_id", "kind_id", "day", "hours")
    ):
        time_hours[kind_id][_month(day)] += hours
        active[_month(day)].add(member_id)

    new: dict[date, int] = defaultdict(int)
    joiners = (
        Member.objects.for_organisation(organisation)
        .exclude(status=MemberStatus.PROSPECTIVE)
        .exclude(membership_type=MembershipType.SUPPORTING)
        .filter(erased_at=None)
        .filter(
            Q(member_since__gte=period.first, member_since__lt=period.end_day)
            | Q(status=MemberStatus.ACTIVE, status_changed_on__gte=period.first, status_changed_on__lt=period.end_day)
        )
        .values_list("member_since", "status", "status_changed_on")
    )
    for member_since, status, status_changed_on in joiners:
        joined = joined_on(member_since, status, status_changed_on)
        if joined is not None and period.first <= joined < period.end_day:
            new[_month(joined)] += 1

    held: dict[date, int] = defaultdict(int)
    for (starts_at,) in (
        TrainingSession.objects.for_organisation(organisation)
        .filter(course__purpose=CoursePurpose.TRAINING, starts_at__gte=start, starts_at__lt=end, ends_at__lte=now)
        .values_list("starts_at")
    ):
        held[_month(starts_at.astimezone(zone).date())] += 1
    completed: dict[date, int] = defaultdict(int)
    today = now.astimezone(zone).date()
    for (completed_on,) in (
        TrainingRecord.objects.for_organisation(organisation)
        .filter(course__purpose=CoursePurpose.TRAINING)
        .filter(completed_on__gte=period.first, completed_on__lt=period.end_day, completed_on__lte=today)
        .values_list("completed_on")
    ):
        completed[_month(completed_on)] += 1

    shift_rows = [
        MonthRow.of(line.name, shift_hours[pk], months, key=f"line-{pk}")
        for pk, line in lines.items()
        if pk in shift_hours or (line.active and pk in planned)
    ]
    time_rows = [
        MonthRow.of(kind.name, time_hours[pk], months, key=f"kind-{pk}")
        for pk, kind in kinds.items()
        if pk in time_hours or kind.active
    ]
    opening = [
        LineOpening(
            label=line.name,
            planned=MonthRow.of(line.name, planned[pk], months),
            staffed=MonthRow.of(line.name, staffed[pk], months),
        )
        for pk, line in lines.items()
        if pk in planned
    ]
    shift_total = _sum_rows(_("Shifts, all lines"), shift_rows, months, key="shifts")
    time_total = _sum_rows(_("Other volunteer time"), time_rows, months, key="time")
    all_active = set().union(*active.values()) if active else set()
    active_row = MonthRow.of(_("Active volunteers"), {m: len(active[m]) for m in months}, months, key="active")
    active_row.total = len(all_active)  # each volunteer once over the period
    return Report(
        organisation=organisation,
        period=period,
        months=months,
        shift_hours=shift_rows,
        time_hours=time_rows,
        hours_total=_sum_rows(_("All volunteer hours"), [shift_total, time_total], months, key="hours"),
        shift_hours_total=shift_total,
        time_hours_total=time_total,
        opening=opening,
        opening_planned_total=_sum_rows(_("Planned"), [row.planned for row in opening], months, key="planned"),
        opening_staffed_total=_sum_rows(_("Staffed"), [row.staffed for row in opening], months, key="staffed"),
        active_volunteers=active_row,
        new_volunteers=MonthRow.of(_("New volunteers"), dict(new), months, key="new"),
        trainings_held=MonthRow.of(_("Trainings held"), dict(held), months, key="held"),
        trainings_completed=MonthRow.of(_("Trainings completed"), dict(completed), months, key="completed"),
    )
