from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The platform: logins, shelters, and what every app leans on (errors, the tolerant cache, the parameter
    parsers, the export writer, request limits, log redaction, the second factor's used codes)."""

    name = "core"
    verbose_name = _("Platform")
