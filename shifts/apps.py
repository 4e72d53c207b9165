from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShiftsConfig(AppConfig):
    name = "shifts"
    verbose_name = _("Shifts")

    def ready(self):
        # The audit trail's models (django-auditlog's registry). Notice kinds, GDPR hooks and requirement sources
        # are listed in settings (NOTICE_KINDS, GDPR_*, QUALIFICATION_REQUIREMENT_SOURCES), not registered here.
        from . import audit  # noqa: F401
