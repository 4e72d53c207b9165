"""What the volunteer-time pages read, in a fixed number of queries whatever the data.

- her entries, newest first, and her year: approved hours by kind, hours still waiting, and her shift hours
  counted from her completed assignments (shifts.statistics.hours_per_volunteer, the same count as the
  coordinators' statistics);
- the coordinator's approval queue: waiting entries she may decide (not her own, not above her rank), filtered by
  kind and month;
- the shelter's kinds with how much time each holds (whether it can still be deleted).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.models import Organisation
from members.models import Member
from shifts.statistics import current_year, hours_per_volunteer

from .models import TimeEntry, TimeEntryQuerySet, TimeEntryStatus, TimeKind, TimeKindQuerySet
from .services import decidable_roles, entry_version


def her_entries(member: Member) -> TimeEntryQuerySet:
    """Her entries, newest day first, with their kind (one query per page)."""
    return TimeEntry.objects.filter(member=member).select_related("kind").order_by("-day", "-pk")


@dataclass(frozen=True)
class KindHours:
    name: str
    hours: Decimal


@dataclass(frozen=True)
class HerYear:
    """Her volunteer time in one calendar year (her shelter's calendar)."""

    year: int
    shifts: int
    shift_hours: Decimal
    by_kind: tuple[KindHours, ...]
    other_hours: Decimal  # approved time besides shifts
    waiting_hours: Decimal  # logged, not yet approved

    @property
    def total_hours(self) -> Decimal:
        return self.shift_hours + self.other_hours


def her_year(member: Member, now: datetime | None = None, year: int | None = None) -> HerYear:
    """Her approved time by kind, what still waits, and her completed shifts' hours in the year: at most four
    queries."""
    now = now or timezone.now()
    organisation = member.organisation
    year = year or current_year(organisation, now)
    entries = TimeEntry.objects.filter(member=member, day__gte=date(year, 1, 1), day__lte=date(year, 12, 31))
    by_kind: list[KindHours] = []
    waiting = Decimal(0)
    rows = (
        entries.exclude(status=TimeEntryStatus.RETURNED)
        .values("status", "kind__name", "kind__position", "kind_id")
        .annotate(hours=Sum("hours"))
        .order_by("kind__position", "kind__name", "kind_id", "status")
    )
    for row in rows:
        if row["status"] == TimeEntryStatus.APPROVED:
            by_kind.append(KindHours(name=row["kind__name"], hours=row["hours"]))
        else:
            waiting += row["hours"]
    shifts = hours_per_volunteer(organisation, year, now, member=member)
    shift_count = shifts[0].shifts if shifts else 0
    shift_hours = Decimal(str(shifts[0].hours)) if shifts else Decimal(0)
    return HerYear(
        year=year,
        shifts=shift_count,
        shift_hours=shift_hours,
        by_kind=tuple(by_kind),
        other_hours=sum((row.hours for row in by_kind), Decimal(0)),
        waiting_hours=waiting,
    )


def kinds_to_log(organisation: Organisation) -> TimeKindQuerySet:
    return TimeKind.objects.for_organisation(organisation).active()


def queue_entries(
    organisation: Organisation, decider: Member, *, kind: TimeKind | None = None, month: date | None = None
) -> TimeEntryQuerySet:
    """Waiting entries of her shelter she may decide: not her own, none of a higher role than hers (an admin's
    waits for another admin). Oldest day first: the longest waiting on top."""
    entries = (
        TimeEntry.objects.for_organisation(organisation)
        .filter(status=TimeEntryStatus.SUBMITTED, member__role__in=decidable_roles(decider))
        .exclude(member=decider)
    )
    if kind is not None:
        entries = entries.filter(kind=kind)
    if month is not None:
        entries = entries.filter(day__year=month.year, day__month=month.month)
    return entries.select_related("member", "kind").order_by("day", "pk")


@dataclass(frozen=True)
class QueueRow:
    entry: TimeEntry
    name: str
    kind: str
    version: str  # what she saw (services.entry_version): a decision on a changed entry is not applied


def queue_rows(entries) -> list[QueueRow]:
    return [
        QueueRow(entry=entry, name=entry.member.full_name, kind=entry.kind.name, version=entry_version(entry))
        for entry in entries
    ]


@dataclass(frozen=True)
class KindRow:
    kind: TimeKind
    entries: int
    approved_hours: Decimal


def kind_rows(organisation: Organisation) -> list[KindRow]:
    """The shelter's kinds (in use first) with how many entries each has (0: it may be deleted). One query."""
    kinds = (
        TimeKind.objects.for_organisation(organisation)
        .annotate(
            entry_count=Count("entries"),
            approved=Sum("entries__hours", filter=Q(entries__status=TimeEntryStatus.APPROVED)),
        )
        .order_by("-active", "position", "name", "pk")
    )
    return [KindRow(kind=kind, entries=kind.entry_count, approved_hours=kind.approved or Decimal(0)) for kind in kinds]
