"""The trainings' part of a member's GDPR export (listed in settings.GDPR_EXPORT_SECTIONS and
GDPR_EXPORT_VALUE_LABELS, which members reads): her training records and her sign-ups for sessions are data
about her, so "My data" and its download show them."""

from __future__ import annotations

from members.models import Member

from .models import RecordSource, SessionSignup, TrainingRecord


def export_trainings(member: Member) -> dict:
    zone = member.organisation.zone
    records = [
        {
            "course": record.course.name,
            "completed_on": record.completed_on.isoformat(),
            "valid_until": record.expires_on.isoformat() if record.expires_on else None,
            "source": record.source,
            "recorded_at": record.created_at.isoformat(),
        }
        for record in TrainingRecord.objects.filter(member=member).select_related("course").order_by("completed_on")
    ]
    signups = [
        {
            "course": signup.session.course.name,
            "session_starts": signup.session.starts_at.astimezone(zone).isoformat(),
            "signed_up_at": signup.created_at.isoformat(),
        }
        for signup in SessionSignup.objects.filter(member=member)
        .select_related("session__course")
        .order_by("session__starts_at")
    ]
    return {"records": records, "session_signups": signups}


# The export's stored codes in words, for the "My data" page.
EXPORT_VALUE_LABELS = {"source": RecordSource.choices}
