"""Volunteer time in a member's GDPR export and erasure (settings.GDPR_EXPORT_SECTIONS, GDPR_EXPORT_VALUE_LABELS
and GDPR_ERASE_HOOKS, which members.gdpr reads).

Export ("timelog"): each entry she logged: the date, the kind, the hours, whether it is approved, waiting or
returned (and the coordinator's reason), and when it was logged and decided. Never who decided it.

Erasure keeps her approved time (date, kind, hours) on her anonymised member row, as the rota keeps her completed
shifts (DOMAIN.md: "aggregate statistics (hours, shifts covered) survive anonymised"): the shelter's volunteer
hours of past years do not shrink when a member is erased, and the row says nothing about who she was. Her
waiting and returned entries are deleted (they never counted), and so are the audit entries of all her entries
(what was changed on them, a returned entry's reason). Nothing stored on an entry names her or anyone else.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from members.models import Member

from .models import TimeEntry, TimeEntryStatus

# Her entries' approval in words (settings.GDPR_EXPORT_VALUE_LABELS). Not "status": that key is her membership's.
EXPORT_VALUE_LABELS = {"approval": TimeEntryStatus.choices}


def export_timelog(member: Member) -> list[dict[str, Any]]:
    zone = member.organisation.zone
    return [
        {
            "date": entry.day.isoformat(),
            "kind_of_time": entry.kind.name,
            "hours": float(entry.hours),
            "approval": entry.status,
            "return_reason": entry.return_reason,
            "logged_at": entry.created_at.astimezone(zone).isoformat(),
            "decided_at": entry.decided_at.astimezone(zone).isoformat() if entry.decided_at else None,
        }
        for entry in TimeEntry.objects.filter(member=member).select_related("kind").order_by("day", "pk")
    ]


def erase_time_entries(member: Member) -> None:
    entries = TimeEntry.objects.filter(member=member)
    ids = [str(pk) for pk in entries.values_list("pk", flat=True)]
    if not ids:
        return
    entries.exclude(status=TimeEntryStatus.APPROVED).delete()
    entries.update(return_reason="")
    # Last: deleting the entries above wrote their own audit entries (with their values).
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(TimeEntry), object_pk__in=ids).delete()
