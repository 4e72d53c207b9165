"""A coordinator moves a shift (new time or line): everyone on it (confirmed or shadow) gets a `shift_changed`
notice telling the old and the new time. Reminders follow by themselves: they are keyed on the start time."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from notices.outbox import notice_plan

from .models import Line, Shift
from .reminders import start_stamp
from .services import RotaError, _lock, _same_shelter_coordinator


def change_variant(shift: Shift) -> str:
    """One notice per resulting time and line: a second change gets its own notice."""
    return f"{start_stamp(shift.starts_at)}:{shift.line_id}"


@transaction.atomic
def shift_change(
    *,
    shift: Shift,
    by: Member,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    line: Line | None = None,
    now: datetime | None = None,
) -> int:
    """Give the shift a new time and/or line. When the time or line really changed, each volunteer on it gets a
    `shift_changed` notice. Returns the number of notices planned."""
    now = now or timezone.now()
    shift = _lock(shift)
    if not _same_shelter_coordinator(by, shift):
        raise RotaError(_("Only a coordinator of this shelter can change a shift."))
    if shift.cancelled_at is not None:
        raise RotaError(_("The shift is cancelled."))
    new_starts = starts_at or shift.starts_at
    new_ends = ends_at or shift.ends_at
    new_line = line or shift.line
    if new_line.organisation_id != shift.line.organisation_id:
        raise RotaError(_("The line belongs to another shelter."))
    if new_ends <= new_starts:
        raise RotaError(_("The shift must end after it starts."))
    if new_starts == shift.starts_at and new_ends == shift.ends_at and new_line.pk == shift.line_id:
        return 0
    payload = {
        "old_starts_at": shift.starts_at.isoformat(),
        "old_ends_at": shift.ends_at.isoformat(),
        "old_line": shift.line_id,
        "new_starts_at": new_starts.isoformat(),
        "new_ends_at": new_ends.isoformat(),
        "new_line": new_line.pk,
    }
    shift.starts_at, shift.ends_at, shift.line = new_starts, new_ends, new_line
    shift.save(update_fields=["starts_at", "ends_at", "line"])
    planned = 0
    for assignment in shift.assignments.active().select_related("member"):
        notice = notice_plan(
            recipient=assignment.member,
            kind="shift_changed",
            subject=shift,
            variant=change_variant(shift),
            due_at=now,
            payload=payload,
        )
        if notice is not None:
            planned += 1
    return planned
