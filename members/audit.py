"""Which models the audit trail (django-auditlog) records; contact data is masked in the log.

Exports of personal data are recorded too (`log_export`), with who did it.
"""

from __future__ import annotations

from auditlog.registry import auditlog

from core.models import Organisation

from .models import FeeRate, Interview, Member, Payment, PledgeSignature, PledgeText, RecordCheck

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
