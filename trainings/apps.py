from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Trainings")

    def ready(self):
        # The audit trail's models and the new-shelter catalogue (signals). Notice kinds and the GDPR export are
        # listed in settings (NOTICE_KINDS, GDPR_*), not registered here.
        from . import audit, signals  # noqa: F401
