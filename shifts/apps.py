from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShiftsConfig(AppConfig):
    name = "shifts"
    verbose_name = _("Shifts")

    def ready(self):
        from . import audit, notices  # noqa: F401  (audit registration, notice kinds)
