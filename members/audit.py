"""Which models the audit trail (django-auditlog) records; contact data is masked in the log.

Exports of personal data are recorded too (`log_export`), with who did it.
"""

from __future__ import annotations

from auditlog.registry import auditlog
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

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


# Rows that belong to the shelter itself (an organisation FK): settings; other apps list theirs in
# settings.AUDIT_SHELTER_ROWS (e.g. kinds of volunteer time, shared figures).
SHELTER_ROWS: tuple = (PledgeText, FeeRate)


def shelter_row_models() -> tuple:
    """The register's shelter rows, then the other apps' (settings.AUDIT_SHELTER_ROWS, dotted paths of models)."""
    return (*SHELTER_ROWS, *(import_string(path) for path in settings.AUDIT_SHELTER_ROWS))


def export_labels() -> dict:
    """Words for the export codes on the audit trail: the register's, then each app's dict named in
    settings.AUDIT_EXPORT_LABELS (code → label)."""
    labels = dict(EXPORT_LABELS)
    for path in settings.AUDIT_EXPORT_LABELS:
        labels.update(import_string(path))
    return labels


EXPORT_LABELS = {
    "member list (csv)": _("Member list (CSV)"),
    "member list (xlsx)": _("Member list (Excel)"),
    "annual_meeting_csv": _("Annual meeting list (CSV)"),
    "my_data_page": _("Her own data (page)"),
    "my_data_json": _("Her own data (JSON)"),
    "training_matrix_csv": _("Training matrix (CSV)"),
    "statistics_csv": _("Shift statistics (CSV)"),
}
