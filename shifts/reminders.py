"""The time arithmetic of shift reminders and under-staffed alerts (their kinds are in shifts.notices).

Reminder moments are real elapsed time before the start (computed in UTC): "24 hours before" a shift on the
day after a daylight-saving change is 23 or 25 wall-clock hours before it. A notice about a shift carries its
start time in its variant, so a moved shift gets new notices and the old ones are dropped at send time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import dateformat

from .models import Shift

# A reminder whose moment passed while the worker was down is still planned within this window (if the shift
# has not started); older moments are not planned at all.
LOOK_BACK = timedelta(hours=24)
# Offsets longer than this are not planned (the scan only looks this far ahead).
MAX_OFFSET = timedelta(days=7)


def start_stamp(starts_at: datetime) -> str:
    return f"{starts_at.astimezone(UTC):%Y%m%dT%H%M}"


def reminder_variant(offset: int, starts_at: datetime) -> str:
    return f"{offset}:{start_stamp(starts_at)}"


def short_when(shift: Shift) -> str:
    """ "tis 20:00–23:00" in the shelter's time zone and the active language."""
    zone = shift.line.organisation.zone
    starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return f"{dateformat.format(starts, 'D')} {starts:%H:%M}–{ends:%H:%M}"
