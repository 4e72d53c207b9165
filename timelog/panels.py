"""The coordinator's start-page panel (settings.START_PAGE_PANELS; the contract is members/panels.py): volunteer
time waiting for her decision, by kind. Two queries whatever the data; None for a volunteer."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import Organisation
from members.models import Member
from members.panels import PANEL_ROWS, PanelRow, StartPagePanel, page_url

from .selectors import queue_entries
from .templatetags.timelog_hours import hours as hours_text


def entries_waiting(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    """Entries she may decide (not her own, none above her rank), counted, and the kinds with the most."""
    if not member.is_coordinator:
        return None
    waiting = queue_entries(organisation, member).order_by()
    count = waiting.count()
    by_kind = (
        waiting.values("kind_id", "kind__name")
        .annotate(entries=Count("pk"), hours=Sum("hours"))
        .order_by("-entries", "kind__name", "kind_id")[:PANEL_ROWS]
        if count
        else []
    )
    queue_url = page_url("timelog:queue", organisation)
    rows = tuple(
        PanelRow(
            text=row["kind__name"],
            detail=ngettext("%(count)d entry, %(hours)s h", "%(count)d entries, %(hours)s h", row["entries"])
            % {"count": row["entries"], "hours": hours_text(row["hours"])},
            href=f"{queue_url}?kind={row['kind_id']}",
        )
        for row in by_kind
    )
    return StartPagePanel(
        key="time-waiting",
        title=_("Volunteer time to approve"),
        count=count,
        summary=(
            ngettext(
                "%(count)d entry of volunteer time waits for approval.",
                "%(count)d entries of volunteer time wait for approval.",
                count,
            )
            % {"count": count}
            if count
            else _("No volunteer time waits for approval.")
        ),
        link_url=queue_url,
        link_text=_("Approve time"),
        rows=rows,
    )
