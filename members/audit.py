"""Which models the audit trail (django-auditlog) records; contact data is masked in the log.

Exports of personal data are recorded too (`log_export`), with who did it.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.conf import settings
from django.utils.module_loading import import_string

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
# admins' audit trail page. Other apps list theirs in settings.AUDIT_MEMBER_ROWS (members imports neither
# trainings nor shifts); member_row_models() gives both.
MEMBER_ROWS: tuple = (Interview, RecordCheck, PledgeSignature, Payment)


def member_row_models() -> tuple:
    """The register's member rows, then the other apps' (settings.AUDIT_MEMBER_ROWS, dotted paths of models)."""
    return (*MEMBER_ROWS, *(import_string(path) for path in settings.AUDIT_MEMBER_ROWS))
