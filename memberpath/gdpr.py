"""The path's part of a member's GDPR export and erasure (settings.GDPR_EXPORT_SECTIONS and GDPR_ERASE_HOOKS, which
members.gdpr reads).

Export: each step she was moved into, when, and by whom (the coordinator's first name, as she knows her). Erasure:
those rows and their audit entries are deleted (they say where she stood and who moved her).
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from members.models import Member

from .models import PathProgress


def export_path(member: Member) -> list[dict[str, Any]]:
    zone = member.organisation.zone
    return [
        {
            "step": progress.step.name,
            "moved_at": progress.done_at.astimezone(zone).isoformat(),
            "moved_by": progress.done_by.first_name if progress.done_by is not None else None,
        }
        for progress in PathProgress.objects.filter(member=member)
        .select_related("step", "done_by")
        .order_by("done_at", "pk")
    ]


def erase_path_data(member: Member) -> None:
    ids = [str(pk) for pk in PathProgress.objects.filter(member=member).values_list("pk", flat=True)]
    if not ids:
        return
    PathProgress.objects.filter(member=member).delete()
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(PathProgress), object_pk__in=ids).delete()
