"""How a shift is written for people: "tis 3 mars 20:00–23:00" in the shelter's time zone and her language."""

from __future__ import annotations

from django.utils import dateformat

from .models import Shift


def shift_when(shift: Shift) -> str:
    """Day, date and wall-clock times in the active language, e.g. "tis 3 mars 20:00–23:00"."""
    zone = shift.line.organisation.zone
    starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return f"{dateformat.format(starts, 'D j F')} {starts:%H:%M}–{ends:%H:%M}"
