"""The coordinator's start page: small panels from every app, each counting what needs her and linking to it.

The panels are listed in `settings.START_PAGE_PANELS` (dotted paths, like NOTICE_KINDS), because most of them
live in apps above this one (shifts, trainings) that members must not import. Each is a function
`panel(organisation, member, now) -> StartPagePanel | None`: None when her role may not see it. A panel reads a
fixed number of queries whatever the data, and carries a count and at most PANEL_ROWS rows; its link leads to
the page with the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.models import Organisation
from notices.models import Notice, NoticeStatus

from .models import Member, MemberStatus

PANEL_ROWS = 5


@dataclass(frozen=True)
class PanelRow:
    """One line of a panel: what it is (a link when `href`), and a short detail ("2 missing"), shown small and
    muted unless `detail_class` says otherwise (e.g. a badge)."""

    text: str
    detail: str = ""
    href: str = ""
    detail_class: str = ""


@dataclass(frozen=True)
class StartPagePanel:
    """What one panel shows: a title, the count in words, at most PANEL_ROWS rows and the link to its page."""

    key: str  # stable, for the HTML id and for tests
    title: str
    count: int
    summary: str  # the count in words, or what zero means
    link_url: str
    link_text: str
    rows: tuple[PanelRow, ...] = ()


StartPagePanelSource = Callable[[Organisation, Member, datetime], StartPagePanel | None]


def start_page_panels(organisation: Organisation, member: Member, now: datetime) -> list[StartPagePanel]:
    """The panels her role may see, in the order of settings.START_PAGE_PANELS; none for a volunteer."""
    sources: list[StartPagePanelSource] = [import_string(path) for path in settings.START_PAGE_PANELS]
    return [panel for source in sources if (panel := source(organisation, member, now)) is not None]


def page_url(name: str, organisation: Organisation, query: str = "") -> str:
    """A shelter page's URL, with a query string when given (a panel's link to its filtered page)."""
    url = reverse(name, kwargs={"organisation": organisation.slug})
    return f"{url}?{query}" if query else url


def onboarding_waiting(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    """Members who asked to join and are on the onboarding path (status Prospective), longest waiting first, with
    the steps they still miss: two queries."""
    if not member.is_coordinator:
        return None
    waiting = Member.objects.for_organisation(organisation).filter(status=MemberStatus.PROSPECTIVE, erased_at=None)
    count = waiting.count()
    first = waiting.with_register_state(organisation, timezone.localdate(now, organisation.zone)).order_by(
        "created_at", "pk"
    )[:PANEL_ROWS]
    detail_base = reverse("members:member_detail", kwargs={"organisation": organisation.slug, "pk": 0})[:-2]
    rows = []
    for person in first:
        missing = [
            text
            for done, text in (
                (person.has_interview, _("Interview missing")),
                (person.has_current_pledge, _("Pledge missing")),
                (person.record_valid_until is not None, _("Record check missing or expired")),
            )
            if not done
        ]
        rows.append(PanelRow(text=person.full_name, detail=", ".join(missing), href=f"{detail_base}{person.pk}/"))
    return StartPagePanel(
        key="onboarding",
        title=_("Waiting in onboarding"),
        count=count,
        summary=(
            ngettext(
                "%(count)d prospective member is on the way in.",
                "%(count)d prospective members are on the way in.",
                count,
            )
            % {"count": count}
            if count
            else _("Nobody is waiting in onboarding.")
        ),
        link_url=page_url("members:member_list", organisation, f"status={MemberStatus.PROSPECTIVE}"),
        link_text=_("See them in the member list"),
        rows=tuple(rows),
    )


def failed_notices(organisation: Organisation, member: Member, now: datetime) -> StartPagePanel | None:
    """Notices that could not be sent (the outbox's failed status): one query. The list and "try again" are on
    the notices page."""
    if not member.is_coordinator:
        return None
    count = Notice.objects.for_organisation(organisation).filter(status=NoticeStatus.FAILED).count()
    return StartPagePanel(
        key="failed-notices",
        title=_("Failed notices"),
        count=count,
        summary=(
            ngettext("%(count)d notice could not be sent.", "%(count)d notices could not be sent.", count)
            % {"count": count}
            if count
            else _("Every notice could be sent.")
        ),
        link_url=page_url("members:notice_list", organisation),
        link_text=_("See the notices"),
    )


# The member page's panels (issue 19): what apps above members show about one member on her page, in the order of
# settings.MEMBER_PAGE_PANELS; each fn(organisation, viewer, member, now) -> StartPagePanel | None (None: nothing
# to show, or the viewer may not see it), a fixed number of queries.
MemberPagePanelSource = Callable[[Organisation, Member, Member, datetime], StartPagePanel | None]


def member_page_panels(
    organisation: Organisation, viewer: Member, member: Member, now: datetime
) -> list[StartPagePanel]:
    sources: list[MemberPagePanelSource] = [import_string(path) for path in settings.MEMBER_PAGE_PANELS]
    return [panel for source in sources if (panel := source(organisation, viewer, member, now)) is not None]
