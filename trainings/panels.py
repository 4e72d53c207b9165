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

from .expectations import expectations_for, members_behind
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


def behind_expectations(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    """Active members who attended fewer meetings than the shelter expects (trainings.expectations), by name:
    three queries. None when the shelter expects no meetings at all."""
    if not member.is_coordinator:
        return None
    kinds, behind = members_behind(organisation, now=now)
    if not kinds:
        return None
    count = len(behind)
    detail_base = reverse("members:member_detail", kwargs={"organisation": organisation.slug, "pk": 0})[:-2]
    rows = tuple(
        PanelRow(text=found.member.full_name, detail=found.summary, href=f"{detail_base}{found.member.pk}/")
        for found in behind[:PANEL_ROWS]
    )
    return StartPagePanel(
        key="meetings-behind",
        title=_("Behind with meetings"),
        count=count,
        summary=(
            ngettext(
                "%(count)d member has attended fewer meetings than expected.",
                "%(count)d members have attended fewer meetings than expected.",
                count,
            )
            % {"count": count}
            if count
            else _("Everyone has attended the meetings expected.")
        ),
        link_url=page_url("trainings:meetings_behind", organisation),
        link_text=_("See everyone behind"),
        rows=rows,
    )


def member_meetings(organisation: Organisation, viewer: Member, member: Member, now: datetime) -> StartPagePanel | None:
    """Her attendance against each expected meeting kind, for the member page (settings.MEMBER_PAGE_PANELS): two
    queries; None when the shelter expects no meetings."""
    if not viewer.is_coordinator:
        return None
    expectations = expectations_for(organisation, [member], now=now)
    if not expectations.kinds:
        return None
    standings = expectations.standings_of(member)
    behind = [s for s in standings if s.is_behind]
    rows = tuple(
        PanelRow(
            text=standing.course.name,
            detail=standing.text
            if standing.judged
            else _("%(text)s (new member, not counted yet)") % {"text": standing.text},
            detail_class="badge badge-missing" if standing.is_behind else "badge badge-ok" if standing.judged else "",
        )
        for standing in standings
    )
    return StartPagePanel(
        key="meetings",
        title=_("Meetings"),
        count=len(behind),
        summary=(
            ngettext("Behind with %(count)d meeting kind.", "Behind with %(count)d meeting kinds.", len(behind))
            % {"count": len(behind)}
            if behind
            else _("Not behind with any meeting.")
        ),
        link_url=page_url("trainings:meetings_behind", organisation),
        link_text=_("Everyone behind with meetings"),
        rows=rows,
    )
