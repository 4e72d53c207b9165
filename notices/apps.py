from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """The outbox: every message to a person is a Notice row, planned by a kind and sent exactly once."""

    name = "notices"
    verbose_name = _("Notices")
