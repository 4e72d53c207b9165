from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    """A coordinator's short messages to the shelter's volunteers (issue 18). Nothing below imports this app: its
    notice kind, GDPR export and erase hook, URLs and menu entries are named in settings, config/urls.py and the
    templates."""

    name = "announcements"
    verbose_name = _("Announcements")
