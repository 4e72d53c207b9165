"""The announcements' part of a member's GDPR export and erasure (settings.GDPR_EXPORT_SECTIONS and GDPR_ERASE_HOOKS,
which members.gdpr reads).

Export: the messages she received (title, text, when sent, when she read it) and those she wrote (title, when sent,
to how many). Erasure: her copies are deleted (the coordinators' counts lose her); the messages she wrote stay the
shelter's, unlinked from her, and show "a coordinator" as their author.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count

from members.models import Member

from .models import Announcement, AnnouncementReceipt


def export_announcements(member: Member) -> dict[str, list[dict[str, Any]]]:
    zone = member.organisation.zone

    def local(moment: datetime | None) -> str | None:
        return moment.astimezone(zone).isoformat() if moment else None

    received: list[dict[str, Any]] = [
        {
            "title": receipt.announcement.title,
            "message": receipt.announcement.body,
            "sent_at": local(receipt.announcement.sent_at),
            "read_at": local(receipt.read_at),
        }
        for receipt in AnnouncementReceipt.objects.filter(member=member)
        .select_related("announcement")
        .order_by("announcement__created_at", "pk")
    ]
    written: list[dict[str, Any]] = [
        {"title": announcement.title, "sent_at": local(announcement.sent_at), "recipients": announcement.recipients}
        for announcement in Announcement.objects.filter(author=member)
        .annotate(recipients=Count("receipts"))
        .order_by("created_at", "pk")
    ]
    return {"received": received, "written": written}


def erase_announcement_data(member: Member) -> None:
    AnnouncementReceipt.objects.filter(member=member).delete()
    Announcement.objects.filter(author=member).update(author=None)
