"""The rota's part of a member's GDPR export and erasure (listed in settings.GDPR_EXPORT_SECTIONS and
GDPR_ERASE_HOOKS, which members.gdpr reads).

Erasure keeps her assignment rows (hours and shifts covered stay in the statistics, anonymously: the member row
itself is anonymised by members.gdpr) and removes what is personal: calendar tokens, waiting-list places, open
swap offers, and override reasons written about her.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from members.models import Member

from .models import Assignment, CalendarToken, SwapOffer, WaitingListEntry


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


def erase_shift_data(member: Member) -> None:
    CalendarToken.objects.filter(member=member).delete()
    WaitingListEntry.objects.filter(member=member).delete()
    SwapOffer.objects.filter(assignment__member=member, taken_at=None, withdrawn_at=None).delete()
    overridden = list(Assignment.objects.filter(member=member).exclude(override_reason="").values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=overridden).update(override_reason="")
    _clear_audited_override_reasons(overridden)


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
