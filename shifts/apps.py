from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShiftsConfig(AppConfig):
    name = "shifts"
    verbose_name = _("Shifts")

    def ready(self):
        # audit registration, notice kinds, GDPR hooks, reminder planners
        from . import audit, gdpr, notices, reminders, requirements  # noqa: F401
