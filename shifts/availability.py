"""Her time (issue 17): absences, her wishes and the shelter's workload rules: the writes (services) and what the
pages read (a fixed number of queries each).

- An absence is hers: she marks and removes her own; a coordinator may do it for a member she may manage
  (members.rank). No reason is asked or stored. Other volunteers never see it; coordinators see that she is
  away and when.
- Her wishes are hers alone to change; coordinators read them (suggestions rank by them, a later issue).
- The workload rules are the shelter's, changed by its admins only.

The rules that read all this live in shifts/rules.py (`not_away`, `within_weekly_limit`, …).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import JourplanError
from core.models import Organisation
from members.models import Member
from members.rank import RankRefused, may_manage

from .models import ABSENCE_MAX_DAYS, Absence, Assignment, AssignmentStatus, Line, Shift, Wishes, WorkloadRules

ABSENCES_SHOWN = 20  # her current and coming absences on a page (more are rare: the page says so)
HELD_SHOWN = 10  # shifts she still holds while away, on her page


class AvailabilityError(JourplanError):
    """An absence, wish or workload rule that cannot be saved (in her words)."""


def _today(organisation: Organisation, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(organisation.zone).date()


def may_mark_away(by: Member, member: Member) -> bool:
    """She marks her own absences; a coordinator those of a member she may manage (members.rank)."""
    if by.erased_at is not None or member.erased_at is not None:
        return False
    return by.pk == member.pk or may_manage(by, member)


def _check_may_mark_away(by: Member, member: Member) -> None:
    if not may_mark_away(by, member):
        raise RankRefused(_("You may not mark absences for this member."))


@transaction.atomic
def absence_add(*, member: Member, starts_on: date, ends_on: date, by: Member, now: datetime | None = None) -> Absence:
    """Mark her away from `starts_on` to `ends_on` (inclusive, the shelter's calendar). Refused (RankRefused) when
    `by` is neither her nor someone who may manage her; refused (AvailabilityError) when the last day is before
    the first, already past, the first day more than a year ahead, or the absence is longer than ABSENCE_MAX_DAYS
    days. Nothing else changes: her shifts in the period stay hers (her page lists them so that she can release or
    offer them)."""
    now = now or timezone.now()
    _check_may_mark_away(by, member)
    if ends_on < starts_on:
        raise AvailabilityError(_("The last day cannot be before the first day."))
    if (ends_on - starts_on).days + 1 > ABSENCE_MAX_DAYS:
        raise AvailabilityError(
            _("An absence can be at most %(days)d days long. Mark a longer one in parts.") % {"days": ABSENCE_MAX_DAYS}
        )
    if ends_on < _today(member.organisation, now):
        raise AvailabilityError(_("The last day has already passed."))
    if starts_on > _today(member.organisation, now) + timedelta(days=ABSENCE_MAX_DAYS):
        raise AvailabilityError(_("The first day can be at most a year ahead."))
    return Absence.objects.create(member=member, starts_on=starts_on, ends_on=ends_on, created_by=by, created_at=now)


@transaction.atomic
def absence_remove(*, absence: Absence, by: Member) -> None:
    """Remove an absence of hers (she herself, or someone who may manage her)."""
    _check_may_mark_away(by, absence.member)
    Absence.objects.filter(pk=absence.pk).delete()


@transaction.atomic
def wishes_save(
    *,
    member: Member,
    by: Member,
    weekdays: list[int],
    times_of_day: list[str],
    lines: list[Line],
    max_per_week: int | None,
    max_per_month: int | None,
) -> Wishes:
    """Save her wishes (only she changes them). Lines of another shelter are ignored."""
    if by.pk != member.pk or member.erased_at is not None:
        raise AvailabilityError(_("Only she can change her wishes."))
    wishes = Wishes.objects.select_for_update().filter(member=member).first() or Wishes(member=member)
    wishes.weekdays = sorted(set(weekdays))
    wishes.times_of_day = list(dict.fromkeys(times_of_day))
    wishes.max_per_week, wishes.max_per_month = max_per_week, max_per_month
    wishes.full_clean(validate_unique=False)
    wishes.save()
    wishes.lines.set([line for line in lines if line.organisation_id == member.organisation_id])
    return wishes


@transaction.atomic
def workload_rules_save(
    *,
    organisation: Organisation,
    by: Member,
    max_per_week: int | None,
    max_per_month: int | None,
    rest_hours_after_night: int | None,
    no_back_to_back: bool,
    enforce_own_limits: bool,
) -> WorkloadRules:
    """Set the shelter's workload rules (its admins only). They apply to sign-ups from now on; shifts already
    taken stay taken."""
    if not (by.is_admin and by.organisation_id == organisation.pk and by.erased_at is None):
        raise RankRefused(_("Only an admin of the shelter can change its workload rules."))
    rules = WorkloadRules.objects.select_for_update().filter(organisation=organisation).first()
    rules = rules or WorkloadRules(organisation=organisation)
    rules.max_per_week, rules.max_per_month = max_per_week, max_per_month
    rules.rest_hours_after_night = rest_hours_after_night
    rules.no_back_to_back, rules.enforce_own_limits = no_back_to_back, enforce_own_limits
    rules.full_clean(validate_unique=False)
    rules.save()
    return rules


# -- reads --------------------------------------------------------------------------------------------


@dataclass
class HeldShift:
    """A shift she still holds on a day she is away."""

    shift: Shift
    starts_at: datetime  # local
    ends_at: datetime  # local


@dataclass
class Availability:
    """What her page (or a coordinator's view of her) shows: her current and coming absences, the shifts she still
    holds while away, and her wishes."""

    absences: list[Absence]
    more_absences: bool
    held: list[HeldShift]
    wishes: Wishes | None
    wished_lines: list[Line]


def availability_of(member: Member, *, now: datetime | None = None) -> Availability:
    """Her absences that have not ended (at most ABSENCES_SHOWN), the shifts she still holds on those days (at
    most HELD_SHOWN) and her wishes: four queries, whatever she has."""
    now = now or timezone.now()
    zone = member.organisation.zone
    today = _today(member.organisation, now)
    absences = list(Absence.objects.filter(member=member, ends_on__gte=today).order_by("starts_on", "ends_on", "pk"))
    more, absences = len(absences) > ABSENCES_SHOWN, absences[:ABSENCES_SHOWN]
    held: list[HeldShift] = []
    if absences:
        last = max(a.ends_on for a in absences) + timedelta(days=1)
        rows = (
            Assignment.objects.active()
            .filter(
                member=member,
                shift__cancelled_at=None,
                shift__ends_at__gt=now,
                shift__starts_at__lt=datetime.combine(last, time(), tzinfo=zone),
            )
            .select_related("shift__line")
            .order_by("shift__starts_at", "pk")
        )
        for assignment in rows:
            shift = assignment.shift
            first_day = shift.starts_at.astimezone(zone).date()
            last_day = (shift.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
            if any(a.starts_on <= last_day and a.ends_on >= first_day for a in absences):
                held.append(HeldShift(shift, shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)))
                if len(held) == HELD_SHOWN:
                    break
    wishes = Wishes.objects.filter(member=member).first()
    wished_lines = list(wishes.lines.order_by("name", "pk")) if wishes else []
    return Availability(absences, more, held, wishes, wished_lines)


def away_counts(organisation: Organisation, first: date, last: date) -> dict[date, int]:
    """How many of the shelter's current members are away on each day from `first` to `last` (only days with
    someone away), never who or why: for the month rota. One query."""
    rows = (
        Absence.objects.for_organisation(organisation)
        .filter(member__erased_at=None)
        .overlapping(first, last)
        .values_list("member_id", "starts_on", "ends_on")
    )
    away: dict[date, set[int]] = {}
    for member_id, starts_on, ends_on in rows:
        day = max(starts_on, first)
        while day <= min(ends_on, last):
            away.setdefault(day, set()).add(member_id)
            day += timedelta(days=1)
    return {day: len(ids) for day, ids in sorted(away.items())}


def held_count_message(held: list[HeldShift]) -> str:
    """What she is told after marking an absence while she still holds shifts then."""
    return ngettext(
        "You still hold %(count)d shift while you are away: release it or offer it to a colleague.",
        "You still hold %(count)d shifts while you are away: release them or offer them to colleagues.",
        len(held),
    ) % {"count": len(held)}


class HeldAway(NamedTuple):
    """A confirmed place she took before she marked herself away on a day its shift touches: the shift is at risk."""

    assignment_id: int
    shift_id: int
    member_id: int


def held_while_away(assignments: QuerySet[Assignment], first: date, last: date) -> list[HeldAway]:
    """The confirmed places among `assignments` whose shift touches a day (the shelter's calendar) of an absence of
    hers marked when she already held the place (one she took after marking it, having confirmed, or was put on by
    a coordinator who saw the warning, is hers to keep). `first`..`last`: days that hold every day the shifts
    touch (a day more at either end does no harm). One query: her absences joined to her places."""
    places = assignments.filter(status=AssignmentStatus.CONFIRMED).values("pk")
    rows = (
        Absence.objects.overlapping(first, last)
        .filter(member__assignments__in=places, created_at__gte=F("member__assignments__created_at"))
        .order_by()
        .values_list(
            "starts_on",
            "ends_on",
            "member__assignments__pk",
            "member__assignments__shift_id",
            "member_id",
            "member__assignments__shift__starts_at",
            "member__assignments__shift__ends_at",
            "member__organisation__time_zone",
        )
    )
    zones: dict[str, ZoneInfo] = {}
    found: dict[int, HeldAway] = {}
    for starts_on, ends_on, assignment_id, shift_id, member_id, starts_at, ends_at, zone_name in rows:
        zone = zones.get(zone_name) or zones.setdefault(zone_name, ZoneInfo(zone_name))
        first_day = starts_at.astimezone(zone).date()
        last_day = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
        if starts_on <= last_day and ends_on >= first_day:
            found.setdefault(assignment_id, HeldAway(assignment_id, shift_id, member_id))
    return list(found.values())
