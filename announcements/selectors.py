"""What the announcement pages read, in a fixed number of queries: whom a message would reach (the write form's
preview and the send itself use the same function), the coordinators' list with its read counts, and hers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Organisation
from members.models import Member, MemberStatus, Role
from shifts.models import ACTIVE_STATUSES, Assignment, Line, Wishes
from shifts.requirements import requirements_by_line
from trainings.qualification import QualificationChecker

from .models import Announcement, AnnouncementReceipt, ReceiptQuerySet

# The statuses a coordinator may write to; a member who has left never gets a message.
AUDIENCE_STATUSES = (MemberStatus.ACTIVE, MemberStatus.PAUSED, MemberStatus.PROSPECTIVE)
# "Works a line": a shift on it (confirmed or shadow, not cancelled) starting this long ago or later, booked ahead,
# or the line among her wishes.
LINE_LOOK_BACK = timedelta(days=90)


@dataclass(frozen=True)
class Audience:
    """Whom a message is for: volunteers of the shelter with one of `statuses`, working one of `lines` (none: any),
    qualified today for `qualified_for` (None: no such condition); and the author herself when `include_author`."""

    lines: Sequence[Line] = ()
    statuses: Sequence[str] = (MemberStatus.ACTIVE,)
    qualified_for: Line | None = None
    include_author: bool = False


def _works_a_line(lines: Sequence[Line], now: datetime) -> Q:
    shifts = Assignment.objects.filter(
        member=OuterRef("pk"),
        status__in=ACTIVE_STATUSES,
        shift__line__in=lines,
        shift__cancelled_at=None,
        shift__starts_at__gte=now - LINE_LOOK_BACK,
    )
    wished = Wishes.lines.through.objects.filter(wishes__member=OuterRef("pk"), line__in=lines)
    return Q(Exists(shifts)) | Q(Exists(wished))


def recipients(organisation: Organisation, audience: Audience, *, author: Member | None, now: datetime) -> list[Member]:
    """The members a message with `audience` reaches now, in name order: the shelter's current volunteers (never one
    who has left or is erased, never another shelter's) matching every filter, and the author when asked. At most
    seven queries whatever the number of members: the members, and for a qualification the line's courses and the
    trainings, pledge and record checks of those found (trainings.qualification, as the rota asks it)."""
    statuses = [status for status in audience.statuses if status in AUDIENCE_STATUSES]
    members = Member.objects.for_organisation(organisation).current().filter(role=Role.VOLUNTEER, status__in=statuses)
    if audience.lines:
        members = members.filter(_works_a_line(audience.lines, now))
    found = list(members.select_related("organisation").order_by("first_name", "last_name", "pk"))
    if audience.qualified_for is not None:
        today = timezone.localdate(now, organisation.zone)
        requirements = requirements_by_line([audience.qualified_for])[audience.qualified_for.pk]
        checker = QualificationChecker(organisation, found, on_dates=[today])
        found = [member for member in found if checker.is_qualified(member, requirements, on=today)]
    if (
        audience.include_author
        and author is not None
        and author.organisation_id == organisation.pk
        and all(member.pk != author.pk for member in found)
    ):
        found.append(author)
    return found


def author_name(announcement: Announcement) -> str:
    """Who wrote it, as the pages show it: her first name, or "a coordinator" once she is erased (or unlinked)."""
    author = announcement.author
    if author is None or author.erased_at is not None:
        return _("a coordinator")
    return author.first_name


@dataclass(frozen=True)
class SentRow:
    """One announcement on the coordinators' list: who wrote it, for whom, and how many have read it."""

    announcement: Announcement
    author: str
    audience: list[str] = field(default_factory=list)
    recipient_count: int = 0
    read_count: int = 0


def sent_rows(announcements: Iterable[Announcement]) -> list[SentRow]:
    """Rows for a page of `sent_queryset` (its annotations and prefetches: no further query)."""
    statuses = dict(MemberStatus.choices)
    rows = []
    for announcement in announcements:
        audience = []
        lines = [line.name for line in announcement.lines.all()]
        audience.append(_("Lines: %(lines)s") % {"lines": ", ".join(lines)} if lines else _("Every line"))
        audience.append(", ".join(str(statuses.get(status, status)) for status in announcement.statuses))
        if announcement.qualified_for is not None:
            audience.append(_("Qualified for %(line)s") % {"line": announcement.qualified_for.name})
        if announcement.include_author:
            audience.append(_("A copy to the author"))
        rows.append(
            SentRow(
                announcement=announcement,
                author=author_name(announcement),
                audience=audience,
                recipient_count=announcement.recipient_count,  # type: ignore[attr-defined]
                read_count=announcement.read_count,  # type: ignore[attr-defined]
            )
        )
    return rows


def sent_queryset(organisation: Organisation) -> QuerySet[Announcement]:
    """The shelter's announcements, newest first, with their read counts, author, lines and qualification line:
    two queries for a page (the announcements, their lines), whatever the number of recipients."""
    return (
        Announcement.objects.for_organisation(organisation)
        .with_read_counts()
        .select_related("author", "qualified_for")
        .prefetch_related("lines")
        .order_by("-created_at", "-pk")
    )


def her_receipts(member: Member) -> ReceiptQuerySet:
    """Her copies, newest first, with the announcement and its author (one query for a page)."""
    return (
        AnnouncementReceipt.objects.for_member(member)
        .select_related("announcement__author")
        .order_by("-announcement__created_at", "-pk")
    )
