"""Turning patterns into shifts: the shelter's wall-clock times, converted to UTC per date; idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.models import Organisation

from .models import Assignment, Line, Shift, ShiftPattern, SwapOffer, WaitingListEntry


@dataclass
class GenerationResult:
    created: int = 0
    skipped: int = 0


@dataclass
class PatternUpdateResult:
    updated: int = 0
    created: int = 0
    deleted: int = 0
    left_alone: list[Shift] = field(default_factory=list)


def wall_clock(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time as an aware UTC datetime. A time skipped by the spring change (02:30 on the
    last Sunday of March) moves forward past the gap; an ambiguous autumn time takes its first occurrence."""
    # fold=0 (the default) reads a skipped time with the offset before the change, which lands after the gap.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def shift_times(pattern: ShiftPattern, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end (UTC) of the pattern's shift starting on `day`; an end at or before the start is the next day."""
    end_day = day + timedelta(days=1) if pattern.end_time <= pattern.start_time else day
    return wall_clock(day, pattern.start_time, zone), wall_clock(end_day, pattern.end_time, zone)


def pattern_runs_on(pattern: ShiftPattern, day: date) -> bool:
    if day.weekday() not in pattern.weekdays:
        return False
    if day < pattern.valid_from or (pattern.valid_until is not None and day > pattern.valid_until):
        return False
    if pattern.every_n_weeks > 1:
        week = (_monday(day) - _monday(pattern.anchor_date)).days // 7
        if week % pattern.every_n_weeks:
            return False
    return True


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def pattern_dates(pattern: ShiftPattern, start: date, end: date) -> list[date]:
    """The local dates in [start, end] (inclusive) the pattern has a shift starting on."""
    days = (end - start).days + 1
    return [d for d in (start + timedelta(days=i) for i in range(max(days, 0))) if pattern_runs_on(pattern, d)]


def _build_shift(pattern: ShiftPattern, day: date, zone: ZoneInfo) -> Shift:
    starts_at, ends_at = shift_times(pattern, day, zone)
    return Shift(
        line=pattern.line,
        pattern=pattern,
        starts_at=starts_at,
        ends_at=ends_at,
        min_volunteers=pattern.effective_min,
        max_volunteers=pattern.effective_max,
    )


@transaction.atomic
def shifts_generate(
    *,
    start: date,
    end: date,
    pattern: ShiftPattern | None = None,
    line: Line | None = None,
    organisation: Organisation | None = None,
) -> GenerationResult:
    """Create the shifts of one pattern, one line's patterns or a shelter's (active lines) for the local dates
    start..end inclusive. Running it again creates nothing twice: existing (pattern, start) pairs are skipped."""
    if pattern is not None:
        patterns = [pattern]
    elif line is not None:
        patterns = list(ShiftPattern.objects.filter(line=line).select_related("line__organisation"))
    elif organisation is not None:
        patterns = list(
            ShiftPattern.objects.for_organisation(organisation)
            .filter(line__active=True)
            .select_related("line__organisation")
        )
    else:
        raise TypeError("shifts_generate needs a pattern, a line or an organisation")
    result = GenerationResult()
    for each in patterns:
        zone = each.line.organisation.zone
        candidates = [_build_shift(each, day, zone) for day in pattern_dates(each, start, end)]
        if not candidates:
            continue
        existing = set(
            Shift.objects.filter(pattern=each, starts_at__in=[c.starts_at for c in candidates]).values_list(
                "starts_at", flat=True
            )
        )
        fresh = [c for c in candidates if c.starts_at not in existing]
        Shift.objects.bulk_create(fresh, ignore_conflicts=True)
        result.created += len(fresh)
        result.skipped += len(candidates) - len(fresh)
    return result


def _taken(shifts):
    """Shifts somebody has a stake in: an assignment (even released, for history), a waiting-list place, an offer."""
    return shifts.annotate(
        has_assignment=Exists(Assignment.objects.filter(shift=OuterRef("pk"))),
        has_waiting=Exists(WaitingListEntry.objects.filter(shift=OuterRef("pk"))),
        has_offer=Exists(SwapOffer.objects.filter(assignment__shift=OuterRef("pk"))),
    )


@transaction.atomic
def pattern_update(
    *, pattern: ShiftPattern, changes: dict, now: datetime | None = None, until: date | None = None
) -> PatternUpdateResult:
    """Apply `changes` (field → value) to the pattern and bring its future shifts in line: those nobody has
    taken move to the new times/staffing, disappear from dates the pattern no longer runs on, and new dates get
    shifts up to `until` (default: the last date that already had one). Taken shifts are left alone and reported."""
    now = now or timezone.now()
    pattern = ShiftPattern.objects.select_for_update().select_related("line__organisation").get(pk=pattern.pk)
    for name, value in changes.items():
        setattr(pattern, name, value)
    pattern.full_clean()
    pattern.save()
    zone = pattern.line.organisation.zone
    future = list(_taken(Shift.objects.filter(pattern=pattern, starts_at__gt=now, cancelled_at=None)))
    result = PatternUpdateResult()
    if not future and until is None:
        return result
    dates_of = {s.pk: s.starts_at.astimezone(zone).date() for s in future}
    first = max(now.astimezone(zone).date(), min(dates_of.values(), default=now.astimezone(zone).date()))
    last = until or max(dates_of.values())
    wanted = set(pattern_dates(pattern, first, last))
    busy_dates: set[date] = set()
    to_update, to_delete = [], []
    for shift in future:
        day = dates_of[shift.pk]
        if shift.has_assignment or shift.has_waiting or shift.has_offer:
            result.left_alone.append(shift)
            busy_dates.add(day)
        elif day in wanted:
            fresh = _build_shift(pattern, day, zone)
            shift.starts_at, shift.ends_at = fresh.starts_at, fresh.ends_at
            shift.min_volunteers, shift.max_volunteers = fresh.min_volunteers, fresh.max_volunteers
            to_update.append(shift)
            busy_dates.add(day)
        else:
            to_delete.append(shift.pk)
    Shift.objects.filter(pk__in=to_delete).delete()
    Shift.objects.bulk_update(to_update, ["starts_at", "ends_at", "min_volunteers", "max_volunteers"])
    new = [_build_shift(pattern, day, zone) for day in sorted(wanted - busy_dates)]
    new = [s for s in new if s.starts_at > now]
    Shift.objects.bulk_create(new, ignore_conflicts=True)
    result.updated, result.deleted, result.created = len(to_update), len(to_delete), len(new)
    return result
