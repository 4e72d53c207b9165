"""The rota's part of a member's GDPR export and erasure (listed in settings.GDPR_EXPORT_SECTIONS and
GDPR_ERASE_HOOKS, which members.gdpr reads).

Erasure keeps her assignment rows (hours and shifts covered stay in the statistics, anonymously: the member row
itself is anonymised by members.gdpr) and removes what is personal: calendar tokens, waiting-list places, open
swap offers, override reasons written about her, her absences and her wishes, and the call-outs she was asked in
(the call-out itself stays: the coordinator's record that a shift was called out).

Her absences and wishes are a section of their own (`export_availability`, "availability" in the export).
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from members.models import Member

from .forms import WEEKDAYS
from .models import (
    Absence,
    AskAnswer,
    Assignment,
    CalendarToken,
    CallOutAsk,
    NationalVolunteer,
    PriorShifts,
    SwapOffer,
    TimeOfDay,
    WaitingListEntry,
    Wishes,
)

# Her answers to call-outs in words (settings.GDPR_EXPORT_VALUE_LABELS).
EXPORT_VALUE_LABELS = {"answer": AskAnswer.choices}


def export_shifts(member: Member) -> list[dict]:
    zone = member.organisation.zone
    rows = []
    for assignment in (
        Assignment.objects.filter(member=member).select_related("shift__line").order_by("shift__starts_at")
    ):
        shift = assignment.shift
        rows.append(
            {
                "date": shift.starts_at.astimezone(zone).date().isoformat(),
                "starts": shift.starts_at.astimezone(zone).isoformat(),
                "ends": shift.ends_at.astimezone(zone).isoformat(),
                "line": shift.line.name,
                "hours": round((shift.ends_at - shift.starts_at).total_seconds() / 3600, 2),
                "status": assignment.status,
                "cancelled": shift.cancelled_at is not None,
            }
        )
    return rows


def export_availability(member: Member) -> dict:
    """Her absences (dates, when marked, whether she marked it herself; no reason is ever stored) and her wishes,
    in words."""
    absences = [
        {
            "first_day": absence.starts_on.isoformat(),
            "last_day": absence.ends_on.isoformat(),
            "marked_at": absence.created_at.isoformat(),
            "marked_by_you": absence.created_by_id == member.pk,
        }
        for absence in Absence.objects.filter(member=member).order_by("starts_on", "pk")
    ]
    wishes = Wishes.objects.filter(member=member).first()
    days, times = dict(WEEKDAYS), dict(TimeOfDay.choices)
    wished = (
        {
            "weekdays": ", ".join(str(days[d]) for d in wishes.weekdays if d in days),
            "times_of_day": ", ".join(str(times[t]) for t in wishes.times_of_day if t in times),
            "lines": ", ".join(wishes.lines.order_by("name").values_list("name", flat=True)),
            "max_per_week": wishes.max_per_week,
            "max_per_month": wishes.max_per_month,
        }
        if wishes
        else {}
    )
    return {"absences": absences, "wishes": wished}


def export_callouts(member: Member) -> list[dict]:
    """The call-outs she was asked in ("callouts" in the export): the shift's times, when she was asked, opened
    her link and answered, and what (no colleague's name, nothing about who else was asked)."""
    zone = member.organisation.zone

    def local(moment):
        return moment.astimezone(zone).isoformat() if moment else None

    return [
        {
            "starts": local(ask.callout.shift.starts_at),
            "ends": local(ask.callout.shift.ends_at),
            "asked_at": local(ask.created_at),
            "opened_at": local(ask.opened_at),
            "answer": ask.answer,
            "answered_at": local(ask.answered_at),
        }
        for ask in CallOutAsk.objects.filter(member=member)
        .select_related("callout__shift")
        .order_by("created_at", "pk")
    ]


def erase_shift_data(member: Member) -> None:
    _erase_prior_shifts(member)
    CalendarToken.objects.filter(member=member).delete()
    CallOutAsk.objects.filter(member=member).delete()
    Absence.objects.filter(member=member).delete()
    Wishes.objects.filter(member=member).delete()
    NationalVolunteer.objects.filter(member=member).delete()
    WaitingListEntry.objects.filter(member=member).delete()
    SwapOffer.objects.filter(assignment__member=member, taken_at=None, withdrawn_at=None).delete()
    overridden = list(Assignment.objects.filter(member=member).exclude(override_reason="").values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=overridden).update(override_reason="")
    _clear_audited_override_reasons(overridden)


def _erase_prior_shifts(member: Member) -> None:
    """Her prior shifts (issue 19) and their audit entries go: the count was written about her."""
    ids = [str(pk) for pk in PriorShifts.objects.filter(member=member).values_list("pk", flat=True)]
    if not ids:
        return
    PriorShifts.objects.filter(member=member).delete()
    content_type = ContentType.objects.get_for_model(PriorShifts)
    LogEntry.objects.filter(content_type=content_type, object_pk__in=ids).delete()


def export_prior_shifts(member: Member) -> list[dict]:
    """Shifts she worked before the shelter used Jourplan, as recorded (issue 19): line (empty: any line), count,
    up to which date, and when it was recorded."""
    return [
        {
            "line": row.line.name if row.line else "",
            "shifts": row.count,
            "until": row.as_of.isoformat(),
            "recorded_at": row.created_at.isoformat(),
        }
        for row in PriorShifts.objects.filter(member=member).select_related("line").order_by("pk")
    ]


def _clear_audited_override_reasons(assignment_ids: list[int]) -> None:
    """The audit trail keeps who overrode a rule and when, but not the reason written about her."""
    if not assignment_ids:
        return
    content_type = ContentType.objects.get_for_model(Assignment)
    entries = LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in assignment_ids])
    for entry in entries:
        changes = entry.changes or {}
        if "override_reason" in changes:
            changes["override_reason"] = ["", ""]
            entry.changes = changes
            entry.changes_text = ""
            entry.serialized_data = None
            entry.save(update_fields=["changes", "changes_text", "serialized_data"])


def export_national_lines(member: Member) -> list[dict]:
    """The national lines (issue 20) her coordinator let her in on, and when."""
    return [
        {"line": row.line.name, "let_in_at": row.added_at.isoformat()}
        for row in NationalVolunteer.objects.filter(member=member).select_related("line").order_by("pk")
    ]
