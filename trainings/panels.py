"""The trainings' panel on the coordinator's start page (settings.START_PAGE_PANELS; members.panels explains)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import Organisation
from members.models import Member
from members.panels import PANEL_ROWS, PanelRow, StartPagePanel, page_url

from .notices import latest_expiring_records
from .qualification import EXPIRING_WITHIN_DAYS


def expiring_records(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    """Trainings of current members that expire within 60 days and have not been renewed (the records the expiry
    notices warn about), soonest first: two queries."""
    if not member.is_coordinator:
        return None
    today = timezone.localdate(now, organisation.zone)
    expiring = latest_expiring_records().filter(
        course__organisation=organisation,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=EXPIRING_WITHIN_DAYS),
    )
    count = expiring.count()
    first = expiring.select_related("member", "course").order_by("expires_on", "member__first_name", "pk")
    records_base = reverse("trainings:member_records", kwargs={"organisation": organisation.slug, "member_pk": 0})
    records_base = records_base[:-2]
    rows = tuple(
        PanelRow(
            text=record.member.full_name,
            detail=_("%(course)s, valid until %(date)s")
            % {"course": record.course.name, "date": date_format(record.expires_on)},
            href=f"{records_base}{record.member_id}/",
        )
        for record in first[:PANEL_ROWS]
    )
    return StartPagePanel(
        key="expiring",
        title=_("Trainings expiring"),
        count=count,
        summary=(
            ngettext(
                "%(count)d training expires within %(days)d days.",
                "%(count)d trainings expire within %(days)d days.",
                count,
            )
            % {"count": count, "days": EXPIRING_WITHIN_DAYS}
            if count
            else _("No training expires within %(days)d days.") % {"days": EXPIRING_WITHIN_DAYS}
        ),
        link_url=page_url("trainings:matrix", organisation),
        link_text=_("Open the training matrix"),
        rows=rows,
    )
