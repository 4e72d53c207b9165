from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports a coordinator can hand in (volunteer hours, opening hours, volunteers, trainings per month as a page,
    CSV, XLSX and PDF) and the anonymous annual figures a shelter may share with the federation (issue 20). The top
    of the house: it reads shifts, trainings, timelog and members; nothing imports it."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # The audit trail's models (django-auditlog): sharing and withdrawing figures is recorded.
        from . import audit  # noqa: F401
