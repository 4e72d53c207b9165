from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        # audit models, sessions ended on a lost role, memberships following a changed login address
        from . import audit, login_address, sessions  # noqa: F401
