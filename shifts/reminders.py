"""The time arithmetic of shift reminders and under-staffed alerts (their kinds are in shifts.notices).

Reminder moments are real elapsed time before the start (computed in UTC): "24 hours before" a shift on the
day after a daylight-saving change is 23 or 25 wall-clock hours before it. A notice about a shift carries its
start time in its variant, so a moved shift gets new notices and the old ones are dropped at send time.

A place she holds on a day she has since marked herself away (`shifts.availability.held_while_away`) gets no
reminder: the shelter's coordinators are told the shift is at risk instead (`shift_at_risk`), once, as soon as
the scan sees it within MAX_OFFSET of its start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import dateformat

from .availability import HeldAway, held_while_away
from .models import Assignment, Shift

# A reminder whose moment passed while the worker was down is still planned within this window (if the shift
# has not started); older moments are not planned at all.
LOOK_BACK = timedelta(hours=24)
# Offsets longer than this are not planned (the scan only looks this far ahead).
MAX_OFFSET = timedelta(days=7)


def start_stamp(starts_at: datetime) -> str:
    return f"{starts_at.astimezone(UTC):%Y%m%dT%H%M}"


def reminder_variant(offset: int, starts_at: datetime) -> str:
    return f"{offset}:{start_stamp(starts_at)}"


def _days_around(since: datetime, until: datetime) -> tuple[date, date]:
    """Dates that hold every local day, in any time zone, of shifts starting from `since` and ending by `until`."""
    return (since - timedelta(days=1)).astimezone(UTC).date(), (until + timedelta(days=1)).astimezone(UTC).date()


def held_away_soon(places: QuerySet[Assignment], now: datetime) -> list[HeldAway]:
    """The places among `places` (on shifts starting within MAX_OFFSET of `now`, none longer than two days) held
    while she is away: one query."""
    return held_while_away(places, *_days_around(now, now + MAX_OFFSET + timedelta(days=2)))


def held_away_on(shift: Shift, places: QuerySet[Assignment] | None = None) -> list[HeldAway]:
    """The places on this shift (or among `places` on it) held while she is away: one query."""
    return held_while_away(
        places if places is not None else Assignment.objects.filter(shift=shift),
        *_days_around(shift.starts_at, shift.ends_at),
    )


def short_when(shift: Shift) -> str:
    """ "tis 20:00–23:00" in the shelter's time zone and the active language."""
    zone = shift.line.organisation.zone
    starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return f"{dateformat.format(starts, 'D')} {starts:%H:%M}–{ends:%H:%M}"
