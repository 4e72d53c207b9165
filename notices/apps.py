from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """The outbox: every message to a person is a Notice row, planned by a kind and sent exactly once."""

    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from django.core import checks

        from .push import check_push_settings
        from .sms import check_sms_settings

        checks.register(check_sms_settings)  # the 46elks backend's credentials (manage.py check)
        checks.register(check_push_settings)  # the VAPID keys of web push (manage.py check)
