from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelogConfig(AppConfig):
    """Volunteer time besides shifts (issue 20): a volunteer logs unpaid time of a kind her shelter sets (support
    person at a court or police meeting, prevention talks, board work, training); a coordinator approves or
    returns it. Above shifts (her page counts her completed shifts through shifts.statistics); below reports.
    Nothing lower imports it."""

    name = "timelog"
    verbose_name = _("Volunteer time")

    def ready(self):
        # The audit trail's models (django-auditlog's registry). The panel, GDPR export and erase hook are listed in
        # settings (START_PAGE_PANELS, GDPR_*), not registered here.
        from . import audit  # noqa: F401
