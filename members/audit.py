"""Which models the audit trail (django-auditlog) records; contact data is masked in the log.

Exports of personal data are recorded too (`log_export`), with who did it.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.utils.translation import gettext_lazy as _

from .models import FeeRate, Interview, Member, Organisation, Payment, PledgeSignature, PledgeText, RecordCheck

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("Created"),
    LogEntry.Action.UPDATE: _("Changed"),
    LogEntry.Action.DELETE: _("Deleted"),
    LogEntry.Action.ACCESS: _("Exported"),
}
# Stable words for the actions in a member's data download (the page shows ACTION_LABELS in her language).
ACTION_CODES = {
    LogEntry.Action.CREATE: "created",
    LogEntry.Action.UPDATE: "changed",
    LogEntry.Action.DELETE: "deleted",
    LogEntry.Action.ACCESS: "exported",
}

auditlog.register(Member, mask_fields=["email", "phone", "postal_address", "notes"], exclude_fields=["updated_at"])
auditlog.register(Organisation)
auditlog.register(Interview)
auditlog.register(RecordCheck)
auditlog.register(PledgeText)
auditlog.register(PledgeSignature)
auditlog.register(Payment, exclude_fields=["reference", "created_at"])
auditlog.register(FeeRate)


# Rows that belong to one member (member FK) and hold personal data: their audit entries are shown on the
# admins' audit trail page. Other apps add theirs (members imports neither trainings nor shifts).
MEMBER_ROWS: list = [Interview, RecordCheck, PledgeSignature, Payment]


def register_member_rows(model) -> None:
    """Show the audit entries of `model` (which has a `member` foreign key) on the admins' audit trail."""
    if model not in MEMBER_ROWS:
        MEMBER_ROWS.append(model)


def log_export(*, obj, what: str, by: Member | None) -> LogEntry:
    """Record that personal data was exported (ACCESS entry on `obj`, e.g. the member or the shelter)."""
    user = by.user if by is not None else None
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user,
        changes={},
        additional_data={"export": what, "by_member": by.pk if by is not None else None},
    )
