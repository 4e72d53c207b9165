"""The rota's panels on the coordinator's start page (settings.START_PAGE_PANELS; members.panels explains)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import Organisation
from members.models import Member
from members.panels import PANEL_ROWS, PanelRow, StartPagePanel, page_url

from .callouts import answers_in_words, open_callouts
from .selectors import under_staffed_count, under_staffed_shifts, unpublished_count


def gaps_this_week(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    """Shifts below their minimum in the next 7 days, the first few marked as the rota marks them ("Saknar 1"):
    two queries."""
    if not member.is_coordinator:
        return None
    count = under_staffed_count(organisation=organisation, now=now, weeks=1)
    shifts = under_staffed_shifts(organisation=organisation, now=now, weeks=1, limit=PANEL_ROWS)
    zone = organisation.zone
    rows = tuple(
        PanelRow(
            text=f"{dateformat.format(shift.starts_at.astimezone(zone), 'D j b')} {shift.times} {shift.line.name}",
            detail=shift.mark,
            detail_class=shift.mark_class,
            href=shift.href,
        )
        for shift in shifts
    )
    return StartPagePanel(
        key="gaps",
        title=_("Gaps this week"),
        count=count,
        summary=(
            ngettext(
                "%(count)d shift in the next 7 days has fewer than its minimum.",
                "%(count)d shifts in the next 7 days have fewer than their minimum.",
                count,
            )
            % {"count": count}
            if count
            else _("No gaps in the next 7 days.")
        ),
        link_url=page_url("shifts:rota_gaps", organisation, "weeks=1"),
        link_text=_("See the gaps"),
        rows=rows,
    )


def open_call_outs(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    """Call-outs ("Utskick") still open, beside the gaps: the first few by the shift's start, each with its answers
    ("1 of 2 places taken · 5 asked, 3 opened, 1 cannot") and a link to its shift: two queries."""
    if not member.is_coordinator:
        return None
    count, callouts = open_callouts(organisation, now, limit=PANEL_ROWS)
    zone = organisation.zone
    shift_base = reverse("shifts:rota_shift", kwargs={"organisation": organisation.slug, "pk": 0})[:-2]
    rows = []
    for callout in callouts:
        shift = callout.shift
        starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
        # Counted by open_callouts (annotations).
        taken, asked, opened, declined = (getattr(callout, name) for name in ("taken", "asked", "opened", "declined"))
        rows.append(
            PanelRow(
                text=f"{dateformat.format(starts, 'D j b')} {starts:%H:%M}–{ends:%H:%M} {shift.line.name}",
                detail=answers_in_words(taken, callout.places, asked, opened, declined),
                href=f"{shift_base}{shift.pk}/#callout",
            )
        )
    return StartPagePanel(
        key="callouts",
        title=_("Call-outs"),
        count=count,
        summary=(
            ngettext(
                "%(count)d call-out is waiting for answers.", "%(count)d call-outs are waiting for answers.", count
            )
            % {"count": count}
            if count
            else _("No call-out is open.")
        ),
        link_url=page_url("shifts:rota_gaps", organisation, "weeks=1"),
        link_text=_("Fill a gap with a call-out"),
        rows=tuple(rows),
    )


def unpublished_changes(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    """Her and her colleagues' edits of the rota that no volunteer has been told of yet: one query."""
    if not member.is_coordinator:
        return None
    count = unpublished_count(organisation)
    return StartPagePanel(
        key="unpublished",
        title=_("Unpublished changes"),
        count=count,
        summary=(
            ngettext(
                "%(count)d change to the rota is not published yet.",
                "%(count)d changes to the rota are not published yet.",
                count,
            )
            % {"count": count}
            if count
            else _("Every change to the rota is published.")
        ),
        link_url=page_url("shifts:rota_month", organisation),
        link_text=_("Open the rota"),
    )
