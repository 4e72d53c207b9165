"""Read models of the coordinator's rota pages: frozen dataclasses carrying what the calendar shows, built in a
fixed number of queries whatever the number of shifts. Nothing here writes, nor sets attributes on models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypedDict

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_stubs_ext import WithAnnotations

from core.models import Organisation

from .generation import wall_clock
from .models import Assignment, Line, RotaChange, Shift, Staffing


@dataclass(frozen=True)
class RotaShift:
    """One shift as the month, week and gaps pages show it (times already in the shelter's zone)."""

    pk: int
    href: str
    line: Line
    starts_at: datetime
    ends_at: datetime
    times: str  # "20:00–23:00", local
    confirmed_count: int
    min_volunteers: int
    max_volunteers: int
    count_text: str  # "1 av 2"
    staffing: str  # Staffing: under / ok / full
    staffing_label: str
    cancelled_at: datetime | None
    names: str = ""  # the confirmed volunteers' first names, in the order they came on


class StaffingCounts(TypedDict):
    """What ShiftQuerySet.with_staffing() adds to each shift."""

    confirmed_count: int
    shadow_count: int
    staffing: str


@dataclass(frozen=True)
class RotaDay:
    date: date
    today: bool
    shifts: tuple[RotaShift, ...]
    outside: bool = False  # in the month grid: a day of the previous or next month


def unpublished_count(organisation: Organisation) -> int:
    """Coordinators' edits of the rota that no volunteer has been told of yet."""
    return RotaChange.objects.for_organisation(organisation).unpublished().count()


class _RotaShiftBuilder:
    """Formats shifts of one shelter; the labels and the URL prefix are made once per page, not per shift."""

    def __init__(self, organisation: Organisation):
        self.zone = organisation.zone
        self.base = reverse("shifts:rota_shift", kwargs={"organisation": organisation.slug, "pk": 0})[:-2]
        self.labels: dict[str, str] = {
            Staffing.UNDER: _("Under-staffed"),
            Staffing.OK: pgettext("staffing", "OK"),
            Staffing.FULL: pgettext("staffing", "Full"),
        }

    def build(self, shift: WithAnnotations[Shift, StaffingCounts], names: str = "") -> RotaShift:
        """`shift` carries the with_staffing() annotations and its line."""
        starts, ends = shift.starts_at.astimezone(self.zone), shift.ends_at.astimezone(self.zone)
        return RotaShift(
            pk=shift.pk,
            href=f"{self.base}{shift.pk}/",
            line=shift.line,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
            times=f"{starts:%H:%M}–{ends:%H:%M}",
            confirmed_count=shift.confirmed_count,
            min_volunteers=shift.min_volunteers,
            max_volunteers=shift.max_volunteers,
            count_text=_("%(count)s of %(max)s") % {"count": shift.confirmed_count, "max": shift.max_volunteers},
            staffing=shift.staffing,
            staffing_label=self.labels[shift.staffing],
            cancelled_at=shift.cancelled_at,
            names=names,
        )


def rota_days(
    *,
    organisation: Organisation,
    start: date,
    end: date,
    today: date,
    line: Line | None = None,
    month: date | None = None,
) -> list[RotaDay]:
    """Every local date start..end (inclusive) with its shifts (cancelled ones too), their staffing and the
    confirmed volunteers' first names: three queries whatever the number of shifts. With `month`, days of
    other months are marked `outside`."""
    zone = organisation.zone
    shifts = (
        Shift.objects.for_organisation(organisation)
        .filter(
            starts_at__gte=wall_clock(start, time(0), zone),
            starts_at__lt=wall_clock(end + timedelta(days=1), time(0), zone),
        )
        .with_staffing()
        .select_related("line")
        .prefetch_related(
            Prefetch(
                "assignments",
                # Ordered by shift_id, not the default ("shift" → the shift's start), which joins every shift of
                # the federation into this query; the prefetch groups by shift anyway.
                queryset=Assignment.objects.confirmed()
                .select_related("member")
                .only("shift_id", "member__first_name")
                .order_by("shift_id", "created_at", "pk"),
                to_attr="confirmed_list",
            )
        )
        .order_by("starts_at", "line__name", "pk")
    )
    if line is not None:
        shifts = shifts.filter(line=line)
    builder = _RotaShiftBuilder(organisation)
    by_day: dict[date, list[RotaShift]] = {}
    for shift in shifts:
        names = ", ".join(assignment.member.first_name for assignment in shift.confirmed_list)
        by_day.setdefault(shift.starts_at.astimezone(zone).date(), []).append(builder.build(shift, names))
    days = []
    day = start
    while day <= end:
        outside = month is not None and (day.year, day.month) != (month.year, month.month)
        days.append(RotaDay(date=day, today=day == today, shifts=tuple(by_day.get(day, ())), outside=outside))
        day += timedelta(days=1)
    return days


def under_staffed_shifts(
    *, organisation: Organisation, now: datetime, weeks: int, line: Line | None = None
) -> list[RotaShift]:
    """Under-staffed shifts (not cancelled) starting in the next `weeks` weeks: one query."""
    shifts = (
        Shift.objects.for_organisation(organisation)
        .not_cancelled()
        .filter(starts_at__gt=now, starts_at__lt=now + timedelta(weeks=weeks))
        .with_staffing()
        .filter(staffing=Staffing.UNDER)
        .select_related("line")
        .order_by("starts_at", "pk")
    )
    if line is not None:
        shifts = shifts.filter(line=line)
    builder = _RotaShiftBuilder(organisation)
    return [builder.build(shift) for shift in shifts]
