"""May this member take this shift? The one rule engine of the rota.

Each rule is a small function over a `SignupFacts` value that yields the `Refusal`s (code + translated message)
it finds, nothing when she passes. The facts are loaded by `SignupFacts.for_shifts`: for one shift inside a
service (after the shift row is locked) or for a whole portal page, with the same, fixed number of queries
whatever the number of shifts (and by `SignupFacts.for_members` for one shift and a coordinator's many
volunteers). Services and pages run the same rule sets (`SIGNUP_RULES`, `HANDOVER_RULES`,
`SHADOW_RULES`); what to do next (offer the waiting list, show a button) is read from the codes.

A rule set is a tuple of stages. The stages run in order and the first one that refuses gives the answer:
someone outside the shelter hears only that, and "full" is said only when nothing else stands in her way.
Adding a rule: docs/rules.md.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db.models import CharField, Count, F, Q, Value
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, MemberStatus

from .models import (
    Absence,
    Assignment,
    AssignmentStatus,
    Line,
    NationalVolunteer,
    PriorShifts,
    Shift,
    Wishes,
    WorkloadRules,
)

if TYPE_CHECKING:
    from trainings.qualification import Requirements

WEEK = timedelta(days=7)

# What she lacks for a line on a date, as translated sentences (empty: qualified). Tests may inject one.
QualificationReasons = Callable[[Member, Line, date], list[str]]


class Code(StrEnum):
    """Stable names of refusals: control flow and templates read these, never the sentences."""

    NOT_IN_SHELTER = "not_in_shelter"
    MEMBERSHIP_INACTIVE = "membership_inactive"
    CANCELLED = "cancelled"
    STARTED = "started"
    OUTSIDE_WINDOW = "outside_window"
    ALREADY_ON = "already_on"
    OVERLAP = "overlap"
    NOT_QUALIFIED = "not_qualified"
    SHADOW_SHIFTS = "shadow_shifts"
    FULL = "full"
    LAST_PLACE_FOR_EXPERIENCED = "last_place_for_experienced"
    NO_EXPERIENCED_VOLUNTEER = "no_experienced_volunteer"
    NO_SHADOW_SEAT = "no_shadow_seat"
    # Her time (issue 17): absences, the shelter's workload rules, her own limits.
    AWAY = "away"
    WEEKLY_LIMIT = "weekly_limit"
    MONTHLY_LIMIT = "monthly_limit"
    OWN_LIMIT = "own_limit"
    REST_AFTER_NIGHT = "rest_after_night"
    BACK_TO_BACK = "back_to_back"
    # Refused by a service around the rules, not by a rule.
    PLACES_FREE = "places_free"
    ALREADY_QUEUED = "already_queued"
    OFFER_GONE = "offer_gone"
    OWN_OFFER = "own_offer"
    OVERRIDE_NEEDS_REASON = "override_needs_reason"


@dataclass(frozen=True)
class Refusal:
    code: Code
    message: str  # said to her ("You are away then.")
    # The same said about her to a coordinator ("She is away then."); empty: `message` serves both.
    about_her: str = field(default="", compare=False)

    @property
    def to_coordinator(self) -> str:
        return self.about_her or self.message


# What she may pass herself once she has confirmed it (the portal asks "You are away then: take it anyway?"
# and passes `accepted=CONFIRMABLE`); a coordinator overrides these like the other rules, with a reason.
CONFIRMABLE: frozenset[Code] = frozenset({Code.AWAY})


@dataclass(frozen=True)
class Workload:
    """The shelter's workload rules as the rules read them (shifts.models.WorkloadRules); None or False: no limit."""

    max_per_week: int | None = None
    max_per_month: int | None = None
    rest_hours_after_night: int | None = None
    no_back_to_back: bool = False
    enforce_own_limits: bool = False

    @classmethod
    def of(cls, rules: WorkloadRules) -> Workload:
        return cls(
            max_per_week=rules.max_per_week,
            max_per_month=rules.max_per_month,
            rest_hours_after_night=rules.rest_hours_after_night,
            no_back_to_back=rules.no_back_to_back,
            enforce_own_limits=rules.enforce_own_limits,
        )

    @property
    def counts(self) -> bool:
        """A rule reads her shifts in the week or the month (so the facts count them)."""
        return self.max_per_week is not None or self.max_per_month is not None or self.enforce_own_limits


@dataclass(frozen=True)
class OwnLimits:
    """Her wishes' limits (shifts.models.Wishes): at most N shifts a week / a month; None: no limit."""

    max_per_week: int | None = None
    max_per_month: int | None = None


NO_LIMITS = Workload()
NO_OWN_LIMITS = OwnLimits()


@dataclass(frozen=True)
class Place:
    """One of her active places (confirmed or shadow)."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    cancelled: bool


@dataclass(frozen=True)
class Known:
    """What a page has loaded already about its members, so that the facts of its shifts do not load it again
    (the portal's open shifts: her absences and her shadow shifts, read first to decide which lines are open to
    her). Only used where it covers what the facts need; otherwise the loader runs as usual."""

    # member pk → her absences as (first, last) days, complete for every day from absences_from to absences_until
    absences: dict[int, list[tuple[date, date]]] | None = None
    absences_from: date = date.max
    absences_until: date = date.min
    # (member pk, line pk) → completed shadow shifts, complete for these members and lines
    shadow_done: dict[tuple[int, int], int] | None = None
    shadow_members: frozenset[int] = frozenset()
    shadow_lines: frozenset[int] = frozenset()
    # line pk → what the line asks of a volunteer (shifts.requirements.requirements_by_line)
    requirements: dict[int, Requirements] | None = None

    def has_absences(self, members: Iterable[Member], first: date, last: date) -> bool:
        return (
            self.absences is not None
            and self.absences_from <= first
            and last <= self.absences_until
            and all(member.pk in self.absences for member in members)
        )

    def requirements_of(self, line_ids: Iterable[int]) -> dict[int, Requirements] | None:
        if self.requirements is None or not set(line_ids) <= set(self.requirements):
            return None
        return self.requirements

    def has_shadow_done(self, members: Iterable[Member], line_ids: Iterable[int]) -> bool:
        return (
            self.shadow_done is not None
            and all(member.pk in self.shadow_members for member in members)
            and set(line_ids) <= self.shadow_lines
        )


@dataclass(frozen=True)
class SignupFacts:
    """Everything the rules read about one member and one shift."""

    shift: Shift  # with line__organisation loaded
    member: Member
    now: datetime
    her_places: tuple[Place, ...]  # her active places on shifts from a week before this one to a week after it
    missing: tuple[str, ...]  # what she lacks for the line on the shift's date (empty: qualified)
    shadow_shifts_done: int  # her completed shadow shifts on the line
    confirmed: int  # confirmed places taken on the shift (shadows do not count)
    shadows: int
    experienced_on_shift: int  # confirmed volunteers on the shift who are experienced on the line
    experienced: bool  # she is experienced on the line
    # Her time (issue 17). Defaults: not away, no limits (facts built by hand for a stand-in shift need none).
    away: bool = False  # an absence of hers covers a day the shift touches (the shelter's calendar)
    workload: Workload = NO_LIMITS  # the shelter's workload rules
    own_limits: OwnLimits = NO_OWN_LIMITS  # her wishes' limits, loaded only where the shelter enforces them
    shifts_in_week: int = 0  # her other places (not cancelled) starting in the shift's week, Monday–Sunday local
    shifts_in_month: int = 0  # … and in the shift's calendar month (both counted only when a rule reads them)
    # A national line's shift (issue 20): her shelter takes part and her coordinator has let her in.
    let_in_nationally: bool = False

    @property
    def on_shift(self) -> bool:
        return any(place.shift_id == self.shift.pk for place in self.her_places)

    @property
    def overlapping(self) -> bool:
        shift = self.shift
        return any(
            place.shift_id != shift.pk
            and not place.cancelled
            and place.starts_at < shift.ends_at
            and place.ends_at > shift.starts_at
            for place in self.her_places
        )

    @property
    def full(self) -> bool:
        return self.confirmed >= self.shift.max_volunteers

    @classmethod
    def for_shift(
        cls, shift: Shift, member: Member, *, now: datetime, qualify: QualificationReasons | None = None
    ) -> SignupFacts:
        """The facts for one shift (a service calls this after locking the shift row)."""
        return cls.for_shifts([shift], member, now=now, qualify=qualify)[shift.pk]

    @classmethod
    def for_shifts(
        cls,
        shifts: Iterable[Shift],
        member: Member,
        *,
        now: datetime,
        qualify: QualificationReasons | None = None,
        known: Known | None = None,
    ) -> dict[int, SignupFacts]:
        """The facts for many shifts and one member, keyed by shift pk, in a fixed number of queries: her places,
        the lines' courses and her trainings (without `qualify`), her shadow shifts (when a line asks for them),
        who is on the shifts, and who is experienced (when it can matter); what `known` holds is not loaded."""
        facts = cls._load(shifts, [member], now=now, qualify=qualify, known=known)
        return {shift_id: each for (shift_id, _member_id), each in facts.items()}

    @classmethod
    def for_members(
        cls,
        shift: Shift,
        members: Iterable[Member],
        *,
        now: datetime,
        qualify: QualificationReasons | None = None,
        known: Known | None = None,
    ) -> dict[int, SignupFacts]:
        """The facts for one shift and many members (a coordinator's assign form), keyed by member pk, with the
        same loaders and the same fixed number of queries whatever the number of members."""
        facts = cls._load([shift], members, now=now, qualify=qualify, known=known)
        return {member_id: each for (_shift_id, member_id), each in facts.items()}

    @classmethod
    def _load(
        cls,
        shifts: Iterable[Shift],
        members: Iterable[Member],
        *,
        now: datetime,
        qualify: QualificationReasons | None,
        pairs: Collection[tuple[int, int]] | None = None,
        known: Known | None = None,
    ) -> dict[tuple[int, int], SignupFacts]:
        """The facts for every (shift, member) pair, keyed by (shift pk, member pk); each loader runs once. With
        `pairs` (shift pk, member pk), only those are built (suggestions for a page of gaps: each gap with the
        volunteers weighed for its line, shifts/candidates.py). With `known`, what the page has loaded already
        (her absences, her shadow shifts) is not loaded again."""
        shifts = list({shift.pk: shift for shift in shifts}.values())
        members = list({member.pk: member for member in members}.values())
        if not shifts or not members:
            return {}
        workloads = _workloads(members)
        let_in = _let_in_nationally(members, shifts)
        counting = any(w.counts for w in workloads.values())
        places, (confirmed, shadows) = _places(members, shifts, whole_months=counting)
        counts = _period_counts(places, members, shifts) if counting else {}
        own_limits = _own_limits(members) if any(w.enforce_own_limits for w in workloads.values()) else {}
        away = _away(members, shifts, known)
        missing = qualify or _qualifier(
            members, shifts, known.requirements_of({s.line_id for s in shifts}) if known is not None else None
        )
        shadow_done, completed = _completed_by_line(members, shifts, confirmed, now, known)

        def experienced(member_id: int, line: Line) -> bool:
            return completed.get((member_id, line.pk), 0) >= line.experienced_after_shifts

        local_dates = {shift.pk: shift.local_date() for shift in shifts}
        experienced_on = {shift.pk: sum(experienced(m, shift.line) for m in confirmed[shift.pk]) for shift in shifts}
        return {
            (shift.pk, member.pk): cls(
                shift=shift,
                member=member,
                now=now,
                her_places=tuple(
                    p
                    for p in places.get(member.pk, ())
                    if p.starts_at < shift.ends_at + WEEK and p.ends_at > shift.starts_at - WEEK
                ),
                missing=tuple(missing(member, shift.line, local_dates[shift.pk])),
                shadow_shifts_done=shadow_done.get((member.pk, shift.line_id), 0),
                confirmed=len(confirmed[shift.pk]),
                shadows=shadows[shift.pk],
                experienced_on_shift=experienced_on[shift.pk],
                experienced=experienced(member.pk, shift.line),
                away=(shift.pk, member.pk) in away,
                workload=workloads[member.organisation_id],
                let_in_nationally=(shift.line_id, member.pk) in let_in,
                own_limits=own_limits.get(member.pk, NO_OWN_LIMITS),
                shifts_in_week=counts.get((shift.pk, member.pk), (0, 0))[0],
                shifts_in_month=counts.get((shift.pk, member.pk), (0, 0))[1],
            )
            for shift in shifts
            for member in members
            if pairs is None or (shift.pk, member.pk) in pairs
        }


# -- loading, each once for all the shifts ------------------------------------------------------------


def _places(
    members: list[Member], shifts: list[Shift], *, whole_months: bool = False
) -> tuple[dict[int, list[Place]], tuple[dict[int, list[int]], dict[int, int]]]:
    """The members' active places on the shifts and from a week before the first to a week after the last,
    keyed by member pk; with `whole_months`, also over the whole local months of the shifts (a monthly limit
    counts them). And, from the same query, who is on the shifts (`_people_on`)."""
    since, until = min(s.starts_at for s in shifts) - WEEK, max(s.ends_at for s in shifts) + WEEK
    if whole_months:
        months = [_month_of(s) for s in shifts]
        since, until = min(since, *(first for first, _ in months)), max(until, *(end for _, end in months))
    member_ids = {m.pk for m in members}
    shift_ids = {s.pk for s in shifts}
    rows = (
        Assignment.objects.active()
        .filter(
            Q(shift__in=list(shift_ids))
            | Q(member__in=list(member_ids), shift__starts_at__lt=until, shift__ends_at__gt=since)
        )
        .order_by()
        .values_list("member_id", "shift_id", "status", "shift__starts_at", "shift__ends_at", "shift__cancelled_at")
    )
    places: dict[int, list[Place]] = defaultdict(list)
    on_shifts: list[tuple[int, int, str]] = []
    for member_id, shift_id, status, starts, ends, cancelled in rows:
        if member_id in member_ids:
            places[member_id].append(Place(shift_id, starts, ends, cancelled is not None))
        if shift_id in shift_ids:
            on_shifts.append((shift_id, member_id, status))
    return places, _people_on(on_shifts)


def _qualifier(
    members: list[Member], shifts: list[Shift], requirements: dict[int, Requirements] | None = None
) -> QualificationReasons:
    """The trainings check (courses, pledge, record extract on the shift's date) for these shifts' lines, with
    the lines' courses in one query (none when the caller has their `requirements`) and the members' trainings
    loaded once per shelter."""
    from trainings.qualification import QualificationChecker, Requirements

    from .requirements import requirements_by_line

    if requirements is None:
        lines = {s.line_id: s.line for s in shifts}
        requirements = requirements_by_line(list(lines.values()))
    dates = {s.local_date() for s in shifts}
    checkers: dict[int, QualificationChecker] = {}
    # A page asks the same question many times: the same member, day and requirements for several shifts (three
    # a day on a line) and for lines that ask the same (a shelter's phone lines). Each is answered once.
    asks = {pk: (tuple(each.courses), each.needs_pledge, each.needs_record_check) for pk, each in requirements.items()}
    # A national line holds the trainings of every shelter taking part; each shelter's count for its own.
    national = {s.line_id for s in shifts if s.line.organisation.national}
    course_shelter = _course_shelters({c for pk in national for c in asks.get(pk, ((),))[0]})
    answered: dict[tuple[int, int, tuple[tuple[int, ...], bool, bool], date], list[str]] = {}

    def reasons(member: Member, line: Line, on_date: date) -> list[str]:
        # Judged by her own shelter (on a national line too: its trainings, her records).
        shelter = member.organisation_id
        ask, wanted = asks[line.pk], requirements[line.pk]
        if line.organisation_id != shelter:  # a national line: only the trainings her shelter asks for it
            ask = (tuple(c for c in ask[0] if course_shelter.get(c) == shelter), ask[1], ask[2])
            wanted = Requirements(courses=list(ask[0]), needs_pledge=ask[1], needs_record_check=ask[2])
        key = (shelter, member.pk, ask, on_date)
        if key not in answered:
            if shelter not in checkers:
                checkers[shelter] = QualificationChecker(member.organisation, members, on_dates=dates)
            answered[key] = checkers[shelter].reasons(member, wanted, on=on_date)
        return list(answered[key])

    return reasons


def _course_shelters(course_ids: set[int]) -> dict[int, int]:
    """The shelter of each course, keyed by course pk (no query without courses)."""
    if not course_ids:
        return {}
    from trainings.models import Course

    return dict(Course.objects.filter(pk__in=course_ids).values_list("pk", "organisation_id"))


def qualifier(member: Member, shifts: Iterable[Shift]) -> QualificationReasons:
    """Her trainings check for these shifts' lines, loaded once: a page that calls `for_shifts` twice passes it
    to both as `qualify` (the portal's open shifts: once per line and day, then for the page's shifts)."""
    return _qualifier([member], list(shifts))


def line_day_facts(
    member: Member,
    days: Iterable[Shift],
    *,
    now: datetime,
    qualify: QualificationReasons,
    absences: Iterable[tuple[date, date]] | None = None,
    shadow_done: dict[tuple[int, int], int] | None = None,
) -> dict[int, SignupFacts]:
    """Facts for stand-in shifts (one per line and day, each with its own pk) holding only what LINE_DAY_RULES
    read: her trainings on the day, her shadow shifts on the line (one query) and whether she is away that day
    (her absences as (first, last) days when the caller has them, else one query); no places, nobody on them.
    `shadow_done`: her shadow shifts on every line of `days` when the caller has them (`her_shadow_shifts`)."""
    days = list(days)
    done = shadow_done if shadow_done is not None else _shadow_shifts_done([member.pk], {d.line_id for d in days}, now)
    if absences is None:
        away = {shift_id for shift_id, _member_id in _away([member], days)}
    else:
        periods = list(absences)
        away = {
            day.pk
            for day in days
            if any(first <= local_days(day)[1] and last >= local_days(day)[0] for first, last in periods)
        }
    let_in = _let_in_nationally([member], days)
    return {
        day.pk: SignupFacts(
            shift=day,
            member=member,
            now=now,
            her_places=(),
            missing=tuple(qualify(member, day.line, day.local_date())),
            shadow_shifts_done=done.get((member.pk, day.line_id), 0),
            confirmed=0,
            shadows=0,
            experienced_on_shift=0,
            experienced=False,
            away=day.pk in away,
            let_in_nationally=(day.line_id, member.pk) in let_in,
        )
        for day in days
    }


def _shadow_shifts_done(
    member_ids: Iterable[int], line_ids: Iterable[int], now: datetime
) -> dict[tuple[int, int], int]:
    """Completed shadow shifts per (member, line)."""
    rows = (
        Assignment.objects.shadows()
        .completed(now)
        .filter(member__in=list(member_ids), shift__line__in=set(line_ids))
        .order_by()
        .values("member", "shift__line")
        .annotate(n=Count("pk"))
        .values_list("member", "shift__line", "n")
    )
    return {(m, line): n for m, line, n in rows}


def her_shadow_shifts(member: Member, lines: Iterable[Line], now: datetime) -> dict[tuple[int, int], int]:
    """Her completed shadow shifts per (member pk, line pk) on `lines`: one query, for a page to load once and
    hand to `line_day_facts` and (as `Known.shadow_done`) to the facts of its shifts on those lines."""
    return _shadow_shifts_done([member.pk], [line.pk for line in lines], now)


_PRIOR = "prior"  # the kind of a `PriorShifts` row beside the assignments' statuses in `_completed_by_line`


def _completed_by_line(
    members: list[Member],
    shifts: list[Shift],
    confirmed: dict[int, list[int]],
    now: datetime,
    known: Known | None = None,
) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """Completed shadow shifts per (member, line) of the members, and completed confirmed shifts per (member, line)
    of the members and of those on the shifts (who is experienced), with their prior shifts (`PriorShifts`: on the
    line, or on any line, counted on every line): one query for all (or only the confirmed ones and the prior ones
    when `known` has the members' shadow shifts on these lines)."""
    line_ids = {s.line_id for s in shifts}
    ids = {m for s in shifts for m in confirmed[s.pk]} | {m.pk for m in members}
    shadow_known = known is not None and known.has_shadow_done(members, line_ids)
    statuses = [AssignmentStatus.CONFIRMED] if shadow_known else [AssignmentStatus.CONFIRMED, AssignmentStatus.SHADOW]
    done = (
        Assignment.objects.filter(status__in=statuses)
        .completed(now)
        .filter(member__in=ids, shift__line__in=line_ids)
        .order_by()
        .values("member", "shift__line", "status")
        .annotate(n=Count("pk"))
        .values_list("member", "shift__line", "status", "n")
    )
    prior = (
        PriorShifts.objects.filter(Q(line__in=line_ids) | Q(line=None), member__in=ids)
        .order_by()
        .annotate(kind=Value(_PRIOR, output_field=CharField()), n=F("count"))
        .values_list("member", "line", "kind", "n")
    )
    shadow_done: dict[tuple[int, int], int] = {}
    completed: Counter[tuple[int, int]] = Counter()
    for member_id, line_id, status, n in done.union(prior, all=True):
        if status == AssignmentStatus.CONFIRMED:
            completed[member_id, line_id] += n
        elif status == AssignmentStatus.SHADOW:
            shadow_done[member_id, line_id] = n
        elif line_id is not None:  # prior shifts on the line
            completed[member_id, line_id] += n
        else:  # prior shifts on any line count on each line
            for each in line_ids:
                completed[member_id, each] += n
    if shadow_known:
        assert known is not None and known.shadow_done is not None
        shadow_done = known.shadow_done
    return shadow_done, completed


def _people_on(rows: Iterable[tuple[int, int, str]]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Who has a confirmed place on each shift, and how many shadows sit there, from the (shift pk, member pk,
    status) of the active places on the shifts."""
    confirmed: dict[int, list[int]] = defaultdict(list)
    shadows: dict[int, int] = defaultdict(int)
    for shift_id, member_id, status in rows:
        if status == AssignmentStatus.CONFIRMED:
            confirmed[shift_id].append(member_id)
        else:
            shadows[shift_id] += 1
    return confirmed, shadows


# -- her time (issue 17): absences, workload rules, her own limits; each loaded once for all the shifts ------


def _month_of(shift: Shift) -> tuple[datetime, datetime]:
    """The start of the shift's local calendar month and of the next one."""
    zone = shift.line.organisation.zone
    first = shift.starts_at.astimezone(zone).date().replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time(), tzinfo=zone), datetime.combine(following, time(), tzinfo=zone)


def local_days(shift: Shift) -> tuple[date, date]:
    """The first and last day of the shelter's calendar the shift touches (one ending at midnight does not touch
    the next day)."""
    zone = shift.line.organisation.zone
    return shift.starts_at.astimezone(zone).date(), (shift.ends_at - timedelta(microseconds=1)).astimezone(zone).date()


def is_night_shift(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> bool:
    """A night shift has working time between 00:00 and 05:00 in the shelter's time zone (22:00–02:00 and
    04:00–08:00 are, 20:00–00:00 and 05:00–09:00 are not)."""
    day = starts_at.astimezone(zone).date()
    while (midnight := datetime.combine(day, time(), tzinfo=zone)) < ends_at:
        if starts_at < datetime.combine(day, time(5), tzinfo=zone) and ends_at > midnight:
            return True
        day += timedelta(days=1)
    return False


def _workloads(members: list[Member]) -> dict[int, Workload]:
    """The workload rules of the members' shelters (hers, also on a national line's shift), keyed by organisation
    pk (no row: no limits)."""
    ids = {m.organisation_id for m in members}
    found = {rules.organisation_id: Workload.of(rules) for rules in WorkloadRules.objects.filter(organisation__in=ids)}
    return {pk: found.get(pk, NO_LIMITS) for pk in ids}


def _let_in_nationally(members: list[Member], shifts: list[Shift]) -> set[tuple[int, int]]:
    """(line pk, member pk) for each national line of the shifts a member may take: her shelter has accepted
    the line and her coordinator has let her in. No query when no shift is on a national line."""
    national = {s.line_id for s in shifts if s.line.organisation.national}
    if not national:
        return set()
    rows = NationalVolunteer.objects.filter(
        line__in=national,
        member__in=[m.pk for m in members],
        line__participations__organisation=F("member__organisation"),
        line__participations__accepted_at__isnull=False,
    ).values_list("line_id", "member_id")
    return set(rows)


def _own_limits(members: list[Member]) -> dict[int, OwnLimits]:
    """The members' own limits from their wishes, keyed by member pk (only those who set one)."""
    rows = (
        Wishes.objects.filter(member__in=[m.pk for m in members])
        .exclude(max_per_week=None, max_per_month=None)
        .values_list("member_id", "max_per_week", "max_per_month")
    )
    return {member_id: OwnLimits(week, month) for member_id, week, month in rows}


def _away(members: list[Member], shifts: list[Shift], known: Known | None = None) -> set[tuple[int, int]]:
    """The (shift pk, member pk) pairs where an absence of hers covers a day the shift touches: one query for
    all the members' absences over the shifts' days (none when `known` holds them for those days)."""
    days = {s.pk: local_days(s) for s in shifts}
    first_day, last_day = min(first for first, _ in days.values()), max(last for _, last in days.values())
    absences: dict[int, list[tuple[date, date]]] = defaultdict(list)
    if known is not None and known.has_absences(members, first_day, last_day):
        assert known.absences is not None
        absences.update(known.absences)
    else:
        rows = (
            Absence.objects.filter(member__in=[m.pk for m in members])
            .overlapping(first_day, last_day)
            .values_list("member_id", "starts_on", "ends_on")
        )
        for member_id, starts_on, ends_on in rows:
            absences[member_id].append((starts_on, ends_on))
    return {
        (shift.pk, member_id)
        for shift in shifts
        for member_id, periods in absences.items()
        if any(starts_on <= days[shift.pk][1] and ends_on >= days[shift.pk][0] for starts_on, ends_on in periods)
    }


def _period_counts(
    places: dict[int, list[Place]], members: list[Member], shifts: list[Shift]
) -> dict[tuple[int, int], tuple[int, int]]:
    """For each (shift pk, member pk): her other places (not cancelled) starting in the shift's week (Monday to
    Sunday) and in its calendar month, both in the shelter's time zone. Each place is placed in its week and
    month once, so a page of many shifts costs little more than one."""
    periods: dict[tuple[str, int], tuple[Counter[tuple[int, int]], Counter[tuple[int, int]], set[int]]] = {}
    counts: dict[tuple[int, int], tuple[int, int]] = {}
    for shift in shifts:
        zone = shift.line.organisation.zone
        local = shift.starts_at.astimezone(zone)
        iso = local.isocalendar()
        week, month = (iso.year, iso.week), (local.year, local.month)
        for member in members:
            key = (zone.key, member.pk)
            if key not in periods:
                in_weeks: Counter[tuple[int, int]] = Counter()
                in_months: Counter[tuple[int, int]] = Counter()
                counted: set[int] = set()
                for place in places.get(member.pk, ()):
                    if not place.cancelled:
                        starts = place.starts_at.astimezone(zone)
                        iso = starts.isocalendar()
                        in_weeks[iso.year, iso.week] += 1
                        in_months[starts.year, starts.month] += 1
                        counted.add(place.shift_id)
                periods[key] = (in_weeks, in_months, counted)
            weeks, months, ids = periods[key]
            this = 1 if shift.pk in ids else 0
            counts[shift.pk, member.pk] = (weeks[week] - this, months[month] - this)
    return counts


# -- one rule each ---------------------------------------------------------------------------------

Rule = Callable[[SignupFacts], Iterator[Refusal]]


def member_of_shelter(facts: SignupFacts) -> Iterator[Refusal]:
    """Her shelter's shift, or a national line's shift she has been let in on."""
    member = facts.member
    own = member.organisation_id == facts.shift.line.organisation_id
    if not (own or facts.let_in_nationally) or member.erased_at is not None:
        yield Refusal(Code.NOT_IN_SHELTER, _("You are not a member of this shelter."))


def membership_active(facts: SignupFacts) -> Iterator[Refusal]:
    if facts.member.status == MemberStatus.PROSPECTIVE:
        # On the path in (memberpath): the last step of the board makes her active.
        yield Refusal(
            Code.MEMBERSHIP_INACTIVE, _("You can take shifts once the shelter has made you an active volunteer.")
        )
    elif facts.member.status != MemberStatus.ACTIVE:
        yield Refusal(Code.MEMBERSHIP_INACTIVE, _("Your membership is not active, so you cannot take shifts."))


def not_cancelled(facts: SignupFacts) -> Iterator[Refusal]:
    if facts.shift.cancelled_at is not None:
        yield Refusal(Code.CANCELLED, _("The shift is cancelled."))


def not_started(facts: SignupFacts) -> Iterator[Refusal]:
    if facts.shift.starts_at <= facts.now:
        yield Refusal(Code.STARTED, _("The shift has already started."))


def inside_signup_window(facts: SignupFacts) -> Iterator[Refusal]:
    days = facts.shift.line.organisation.signup_window_days
    if facts.shift.starts_at > facts.now + timedelta(days=days):
        message = ngettext(
            "Sign-up opens %(days)d day before the shift.", "Sign-up opens %(days)d days before the shift.", days
        )
        yield Refusal(Code.OUTSIDE_WINDOW, message % {"days": days})


def not_on_it_already(facts: SignupFacts) -> Iterator[Refusal]:
    if facts.on_shift:
        yield Refusal(Code.ALREADY_ON, _("You are already on this shift."))


def no_overlap(facts: SignupFacts) -> Iterator[Refusal]:
    if facts.overlapping:
        yield Refusal(Code.OVERLAP, _("You already have a shift at that time."))


def qualified(facts: SignupFacts) -> Iterator[Refusal]:
    for message in facts.missing:
        yield Refusal(Code.NOT_QUALIFIED, message)


def shadow_shifts_done(facts: SignupFacts) -> Iterator[Refusal]:
    needed, done = facts.shift.line.required_shadow_shifts, facts.shadow_shifts_done
    if done < needed:
        message = ngettext(
            "You need %(needed)d completed shadow shift on this line (you have %(done)d).",
            "You need %(needed)d completed shadow shifts on this line (you have %(done)d).",
            needed,
        )
        yield Refusal(Code.SHADOW_SHIFTS, message % {"needed": needed, "done": done})


def place_free(facts: SignupFacts) -> Iterator[Refusal]:
    if facts.full:
        yield Refusal(Code.FULL, _("The shift is full. You can join the waiting list."))


def last_place_for_experienced(facts: SignupFacts) -> Iterator[Refusal]:
    """On a line that needs an experienced volunteer, the last place is kept for one while none is on it."""
    last_place = facts.confirmed == facts.shift.max_volunteers - 1
    if facts.shift.line.needs_experienced and last_place and not facts.experienced and not facts.experienced_on_shift:
        yield Refusal(Code.LAST_PLACE_FOR_EXPERIENCED, _("The last place is kept for an experienced volunteer."))


def experienced_to_sit_beside(facts: SignupFacts) -> Iterator[Refusal]:
    """A shadow sits beside an experienced volunteer: one shadow for each experienced one on the shift."""
    if not facts.experienced_on_shift:
        yield Refusal(
            Code.NO_EXPERIENCED_VOLUNTEER,
            _("A shadow shift needs an experienced volunteer on the shift, and there is none yet."),
        )
    elif facts.shadows >= facts.experienced_on_shift:
        yield Refusal(Code.NO_SHADOW_SEAT, _("Every experienced volunteer on this shift already has a shadow."))


def not_away(facts: SignupFacts) -> Iterator[Refusal]:
    """She has marked herself away on a day the shift touches. She may pass it herself after confirming
    (`CONFIRMABLE`); nobody else is told why."""
    if facts.away:
        yield Refusal(Code.AWAY, _("You have marked yourself away then."), _("She is away then."))


def within_weekly_limit(facts: SignupFacts) -> Iterator[Refusal]:
    """The shelter's "at most N shifts a week" (Monday to Sunday in the shelter's time zone)."""
    limit = facts.workload.max_per_week
    if limit is not None and facts.shifts_in_week >= limit:
        yield Refusal(
            Code.WEEKLY_LIMIT,
            ngettext(
                "You already have the shelter's limit of %(count)d shift that week.",
                "You already have the shelter's limit of %(count)d shifts that week.",
                limit,
            )
            % {"count": limit},
            ngettext(
                "She already has the shelter's limit of %(count)d shift that week.",
                "She already has the shelter's limit of %(count)d shifts that week.",
                limit,
            )
            % {"count": limit},
        )


def within_monthly_limit(facts: SignupFacts) -> Iterator[Refusal]:
    """The shelter's "at most N shifts a month" (the calendar month in the shelter's time zone)."""
    limit = facts.workload.max_per_month
    if limit is not None and facts.shifts_in_month >= limit:
        yield Refusal(
            Code.MONTHLY_LIMIT,
            ngettext(
                "You already have the shelter's limit of %(count)d shift that month.",
                "You already have the shelter's limit of %(count)d shifts that month.",
                limit,
            )
            % {"count": limit},
            ngettext(
                "She already has the shelter's limit of %(count)d shift that month.",
                "She already has the shelter's limit of %(count)d shifts that month.",
                limit,
            )
            % {"count": limit},
        )


def within_own_limits(facts: SignupFacts) -> Iterator[Refusal]:
    """Her own wishes' "at most N a week / a month", only where the shelter enforces them."""
    if not facts.workload.enforce_own_limits:
        return
    week, month = facts.own_limits.max_per_week, facts.own_limits.max_per_month
    if week is not None and facts.shifts_in_week >= week:
        yield Refusal(
            Code.OWN_LIMIT,
            ngettext(
                "You have asked for at most %(count)d shift a week.",
                "You have asked for at most %(count)d shifts a week.",
                week,
            )
            % {"count": week},
            ngettext(
                "She has asked for at most %(count)d shift a week.",
                "She has asked for at most %(count)d shifts a week.",
                week,
            )
            % {"count": week},
        )
    if month is not None and facts.shifts_in_month >= month:
        yield Refusal(
            Code.OWN_LIMIT,
            ngettext(
                "You have asked for at most %(count)d shift a month.",
                "You have asked for at most %(count)d shifts a month.",
                month,
            )
            % {"count": month},
            ngettext(
                "She has asked for at most %(count)d shift a month.",
                "She has asked for at most %(count)d shifts a month.",
                month,
            )
            % {"count": month},
        )


def rested_after_night(facts: SignupFacts) -> Iterator[Refusal]:
    """After a night shift (`is_night_shift`) she rests the shelter's hours (real time) before her next shift:
    the shift may not start within them after a night shift of hers, nor be a night shift ending within them
    before one of hers."""
    hours = facts.workload.rest_hours_after_night
    if not hours:
        return
    shift, rest = facts.shift, timedelta(hours=hours)
    zone = shift.line.organisation.zone
    for place in facts.her_places:
        if place.cancelled or place.shift_id == shift.pk:
            continue
        if (
            place.ends_at <= shift.starts_at < place.ends_at + rest
            and is_night_shift(place.starts_at, place.ends_at, zone)
        ) or (
            shift.ends_at <= place.starts_at < shift.ends_at + rest
            and is_night_shift(shift.starts_at, shift.ends_at, zone)
        ):
            yield Refusal(
                Code.REST_AFTER_NIGHT,
                ngettext(
                    "You need %(hours)d hour of rest after a night shift.",
                    "You need %(hours)d hours of rest after a night shift.",
                    hours,
                )
                % {"hours": hours},
                ngettext(
                    "She needs %(hours)d hour of rest after a night shift.",
                    "She needs %(hours)d hours of rest after a night shift.",
                    hours,
                )
                % {"hours": hours},
            )
            return


def not_back_to_back(facts: SignupFacts) -> Iterator[Refusal]:
    """Where the shelter says so, no shift that starts when another of hers ends, or ends when one starts, on any
    line (an overlap is `no_overlap`'s)."""
    if not facts.workload.no_back_to_back:
        return
    shift = facts.shift
    if any(
        not place.cancelled
        and place.shift_id != shift.pk
        and (place.ends_at == shift.starts_at or place.starts_at == shift.ends_at)
        for place in facts.her_places
    ):
        yield Refusal(
            Code.BACK_TO_BACK,
            _("This shift is right before or after another of your shifts."),
            _("This shift is right before or after another of her shifts."),
        )


# -- the rule sets, in one place ---------------------------------------------------------------------

Stages = tuple[tuple[Rule, ...], ...]

_MEMBERSHIP: Stages = ((member_of_shelter,), (membership_active,))
_SHIFT_OPEN = (not_cancelled, not_started, inside_signup_window, not_on_it_already, no_overlap)
# Her time: away, the shelter's workload rules, her own limits (with the other reasons she cannot take it at all).
_HER_TIME = (
    not_away,
    within_weekly_limit,
    within_monthly_limit,
    within_own_limits,
    rested_after_night,
    not_back_to_back,
)

# Taking an open place.
SIGNUP_RULES: Stages = (
    *_MEMBERSHIP,
    (*_SHIFT_OPEN, *_HER_TIME, qualified, shadow_shifts_done),
    (place_free, last_place_for_experienced),
)
# Taking a place handed over (a swap) or queueing for one: the same, but the place is not hers to count.
HANDOVER_RULES: Stages = SIGNUP_RULES[:-1]
# Sitting beside an experienced volunteer (bisittning): no training needed, but a free seat beside one.
SHADOW_RULES: Stages = (*_MEMBERSHIP, (*_SHIFT_OPEN, *_HER_TIME), (experienced_to_sit_beside,))
# Offering her own place for a swap.
OFFER_RULES: Stages = ((not_cancelled, not_started),)
# Closed to everyone, whoever she is (a coordinator's assign form is not offered; no override opens it).
CLOSED_RULES: Stages = ((not_cancelled, not_started),)
# What depends only on her, the line and the day (the portal filters a week's shifts on it in SQL): a day she is
# away has no line open to her (`accepted=CONFIRMABLE` gives the lines open to her if she were not).
LINE_DAY_RULES: Stages = (*_MEMBERSHIP, (not_away, qualified, shadow_shifts_done))


def refusals(facts: SignupFacts, rules: Stages, *, accepted: Collection[Code] = ()) -> list[Refusal]:
    """Every refusal of the first stage that refuses (empty: she may). Refusals with an `accepted` code are passed
    over inside each stage, so the later stages still run (she confirmed she is taking it although she is away:
    `accepted=CONFIRMABLE`)."""
    for stage in rules:
        if found := [refusal for rule in stage for refusal in rule(facts) if refusal.code not in accepted]:
            return found
    return []


def signup_refusals(facts: SignupFacts, *, capacity: bool = True, accepted: Collection[Code] = ()) -> list[Refusal]:
    """Why she may not take the shift now (empty: she may); `capacity=False` leaves out a full shift and the
    last place (a handed-over place, the waiting list); `accepted` as in `refusals`."""
    return refusals(facts, SIGNUP_RULES if capacity else HANDOVER_RULES, accepted=accepted)


def shadow_refusals(facts: SignupFacts, *, accepted: Collection[Code] = ()) -> list[Refusal]:
    return refusals(facts, SHADOW_RULES, accepted=accepted)


def confirmable(found: Iterable[Refusal]) -> bool:
    """Nothing but what she may pass herself after confirming stands in her way (`CONFIRMABLE`: she is away
    then): the portal asks her, and passes `accepted=CONFIRMABLE` when she says yes."""
    found = list(found)
    return bool(found) and all(refusal.code in CONFIRMABLE for refusal in found)


def codes(found: Iterable[Refusal]) -> list[Code]:
    return [refusal.code for refusal in found]


def full_only(found: Iterable[Refusal]) -> bool:
    """The shift is full and nothing else stands in her way: the waiting list is the way in."""
    return codes(found) == [Code.FULL]
