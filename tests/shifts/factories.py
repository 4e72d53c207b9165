"""Small builders for rota tests."""

from datetime import UTC, datetime, time, timedelta

from shifts.models import Assignment, AssignmentStatus, Line, Shift, ShiftPattern

# A fixed "now" for most tests: Tuesday 3 March 2026, 12:00 UTC (13:00 in Stockholm).
NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def make_line(organisation, **extra) -> Line:
    fields = {"name": f"Linje {Line.objects.count() + 1}", "needs_pledge": False, "min_volunteers": 1}
    fields["max_volunteers"] = 2
    fields.update(extra)
    return Line.objects.create(organisation=organisation, **fields)


def make_shift(line, *, starts_at=None, hours=3, **extra) -> Shift:
    starts_at = starts_at or NOW + timedelta(days=2)
    fields = {"min_volunteers": line.min_volunteers, "max_volunteers": line.max_volunteers}
    fields.update(extra)
    return Shift.objects.create(line=line, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields)


def make_pattern(line, **extra) -> ShiftPattern:
    fields = {
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "start_time": time(20, 0),
        "end_time": time(23, 0),
        "anchor_date": NOW.date(),
        "valid_from": NOW.date(),
    }
    fields.update(extra)
    return ShiftPattern.objects.create(line=line, **fields)


def put_on(shift, member, *, status=AssignmentStatus.CONFIRMED, created_at=None) -> Assignment:
    return Assignment.objects.create(shift=shift, member=member, status=status, created_at=created_at or NOW)


def past_shifts(line, member, count, *, status=AssignmentStatus.CONFIRMED) -> None:
    """`count` completed shifts of hers on the line (to make her experienced or count shadow shifts)."""
    for i in range(count):
        shift = make_shift(line, starts_at=NOW - timedelta(days=10 + i))
        put_on(shift, member, status=status)
