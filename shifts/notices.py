"""Notice kinds of the rota. Discreet: no shelter name, no line name, no other people's names."""

from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from notices.outbox import DropNotice, Message, notice_kind, render_template_message

from .formatting import shift_when
from .models import Assignment, AssignmentStatus, Shift, SwapOffer


@notice_kind("waiting_list_promoted", label=_("Moved up from the waiting list"))
def render_waiting_list_promoted(notice: Notice) -> Message:
    assignment = Assignment.objects.select_related("shift__line__organisation").filter(pk=notice.subject_id).first()
    if assignment is None or assignment.status != AssignmentStatus.CONFIRMED:
        raise DropNotice("She is no longer on the shift.")
    if assignment.shift.cancelled_at is not None:
        raise DropNotice("The shift is cancelled.")
    return render_template_message("waiting_list_promoted", {"when": shift_when(assignment.shift)})


@notice_kind("shift_cancelled", label=_("Shift cancelled"))
def render_shift_cancelled(notice: Notice) -> Message:
    shift = Shift.objects.select_related("line__organisation").filter(pk=notice.subject_id).first()
    if shift is None or shift.cancelled_at is None:
        raise DropNotice("The shift is no longer cancelled.")
    return render_template_message("shift_cancelled", {"when": shift_when(shift)})


@notice_kind("swap_taken", label=_("Swap taken"))
def render_swap_taken(notice: Notice) -> Message:
    offer = SwapOffer.objects.select_related("assignment__shift__line__organisation").filter(pk=notice.subject_id)
    offer = offer.first()
    if offer is None or offer.taken_at is None:
        raise DropNotice("The offer was not taken.")
    return render_template_message("swap_taken", {"when": shift_when(offer.assignment.shift)})


@notice_kind("assignments_published", label=_("Rota changes published"))
def render_assignments_published(notice: Notice) -> Message:
    rows = (notice.payload or {}).get("changes") or []
    shifts = Shift.objects.select_related("line__organisation").in_bulk([row["shift"] for row in rows])
    changes = [
        {"when": shift_when(shifts[row["shift"]]), "added": row["kind"] == "added"}
        for row in rows
        if row["shift"] in shifts
    ]
    if not changes:
        raise DropNotice("No changes left to tell.")
    return render_template_message("assignments_published", {"changes": changes})


def _when(line, starts_at: str, ends_at: str) -> str:
    from datetime import datetime

    return shift_when(
        Shift(line=line, starts_at=datetime.fromisoformat(starts_at), ends_at=datetime.fromisoformat(ends_at))
    )


@notice_kind("shift_changed", label=_("Shift changed"))
def render_shift_changed(notice: Notice) -> Message:
    from .changes import change_variant
    from .models import Line

    shift = Shift.objects.select_related("line__organisation").filter(pk=notice.subject_id).first()
    if shift is None or shift.cancelled_at is not None:
        raise DropNotice("The shift is cancelled.")
    if not shift.assignments.active().filter(member=notice.recipient).exists():
        raise DropNotice("She is no longer on the shift.")
    if notice.variant != change_variant(shift):
        raise DropNotice("The shift was changed again; a newer notice tells the current time.")
    payload = notice.payload or {}
    old_line = Line.objects.select_related("organisation").filter(pk=payload.get("old_line")).first() or shift.line
    context = {
        "old_when": _when(old_line, payload["old_starts_at"], payload["old_ends_at"]),
        "new_when": shift_when(shift),
        "line_changed": old_line.pk != shift.line_id,
        "old_line": old_line.name,
        "new_line": shift.line.name,
    }
    return render_template_message("shift_changed", context)
