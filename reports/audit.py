"""Sharing figures with the federation, and withdrawing them, are in the audit trail (django-auditlog); the
reports' downloads are audit entries whose codes get words here (settings.AUDIT_EXPORT_LABELS)."""

from auditlog.registry import auditlog
from django.utils.translation import gettext_lazy as _

from .models import FigureShare

auditlog.register(FigureShare)

EXPORT_LABELS = {
    "report_csv": _("Report (CSV)"),
    "report_xlsx": _("Report (Excel)"),
    "report_pdf": _("Report (PDF)"),
    "federation_figures": _("Figures shared with the federation"),
}
