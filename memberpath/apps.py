from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemberpathConfig(AppConfig):
    """The path as a board (issue 19): each shelter's onboarding steps as columns, each person on the path a card.
    It sits above shifts and nothing imports it: its panel, GDPR export and erase hook, audit rows, URLs and menu
    entry are named in settings, config/urls.py and the templates."""

    name = "memberpath"
    verbose_name = _("The path")

    def ready(self) -> None:
        from . import audit  # noqa: F401  (registers the models with the audit trail)
