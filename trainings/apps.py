from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingsConfig(AppConfig):
    name = "trainings"
    verbose_name = _("Trainings")

    def ready(self):
        from . import audit, gdpr, notices, signals  # noqa: F401  (audit, GDPR export, notice kinds, new-shelter catalogue)
