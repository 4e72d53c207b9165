"""Who may the coordinator put on this shift? The read model of the shift page's assign form.

The volunteers who may take the shift come first (at most `ELIGIBLE_SHOWN`, fewest shifts in the shift's month
first, then by name); anyone else in the shelter is reached by a name search (at most `FOUND_SHOWN` hits), each
with the refusals that stand in her way. Nothing here decides a rule: the facts for the shift and the candidates
are loaded at once (`SignupFacts.for_members`) and the sign-up rules of shifts/rules.py run over them, the same
rules `coordinator_assign` runs. The work is bounded (at most `WEIGHED` volunteers weighed, the search's hits and
the one picked) and the number of queries is the same whatever the number of members.

Suggestions for a gap (issue 17) are the volunteers the rules let take a shift below its minimum, ranked by fit:
the wishes the shift matches (weekday, time of day, line), then the fewest shifts in its month, then the longest
since her last shift on its line (never = longest), each with the reasons in words. `suggestions_for` answers for
one shift, `gap_suggestions` for a page of gaps, and `candidates_for(…, suggest=N)` beside the assign form's
choices; all in a fixed number of queries, whatever the number of gaps and members (docs/rules.md, "How
suggestions are ranked").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q, Subquery, Value
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.models import Organisation
from members.models import Member, MemberQuerySet, MemberStatus, PledgeSignature, PledgeText, RecordCheck, Role
from trainings.models import TrainingRecord
from trainings.qualification import Requirements

from . import rules
from .models import Assignment, Line, Shift, TimeOfDay, Wishes, time_of_day
from .requirements import requirements_by_line
from .rules import Code, Known, OwnLimits, QualificationReasons, Refusal, SignupFacts

ELIGIBLE_SHOWN = 15
# The rules run over this many of the volunteers counted as qualified for the line, those with the fewest shifts
# in the month first, so that a big shelter costs what a small one does; anyone else is found by the search.
WEIGHED = 2 * ELIGIBLE_SHOWN
FOUND_SHOWN = 10
SEARCH_WORDS = 4

# Refusals no override opens: coordinator_assign refuses them even with a reason.
FINAL = frozenset({Code.NOT_IN_SHELTER, Code.ALREADY_ON, Code.CANCELLED, Code.STARTED})

_MEMBER_FIELDS = ("pk", "organisation_id", "first_name", "last_name", "role", "status", "erased_at")


@dataclass
class Candidate:
    """A member the coordinator might put on the shift, with what the rules say about her."""

    member: Member
    refusals: list[Refusal]
    shifts_in_month: int  # her places on shifts in the shift's month (not cancelled)
    rank_reasons: list[str] = field(default_factory=list)  # why she is suggested where she is ("Önskar tisdagar")

    @property
    def eligible(self) -> bool:
        """Nothing stands in her way but, perhaps, a full shift (which is the shift's, not hers)."""
        return not self.refusals or rules.full_only(self.refusals)

    @property
    def overridable(self) -> bool:
        """A coordinator may put her on the shift anyway, with a reason."""
        return not any(refusal.code in FINAL for refusal in self.refusals)

    @property
    def messages(self) -> list[str]:
        return [refusal.to_coordinator for refusal in self.refusals]


@dataclass
class AssignChoices:
    """What the assign form offers for one shift."""

    month: date  # the first day of the shift's month (in the shelter's calendar)
    eligible: list[Candidate]  # who may take it, at most ELIGIBLE_SHOWN
    more_eligible: bool  # more may take it than are shown, or may (not all were weighed): the search finds them
    query: str = ""
    found: list[Candidate] = field(default_factory=list)  # the search's hits, at most FOUND_SHOWN
    more_found: bool = False
    picked: Candidate | None = None  # the one she chose from the search (?pick=)
    suggested: list[Candidate] = field(default_factory=list)  # the best fits for a gap, ranked (`suggest=`)


def closed_refusals(shift: Shift, now: datetime) -> list[Refusal]:
    """Why nobody can be put on the shift any more (cancelled, started): the rules of `CLOSED_RULES`, which read
    only the shift and the time, so no member and no query is needed."""
    nobody = SignupFacts(
        shift=shift,
        member=Member(organisation_id=shift.line.organisation_id),
        now=now,
        her_places=(),
        missing=(),
        shadow_shifts_done=0,
        confirmed=0,
        shadows=0,
        experienced_on_shift=0,
        experienced=False,
    )
    return rules.refusals(nobody, rules.CLOSED_RULES)


def _month(shift: Shift) -> tuple[date, datetime, datetime]:
    zone = shift.line.organisation.zone
    first = shift.local_date().replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, datetime.combine(first, time(), tzinfo=zone), datetime.combine(following, time(), tzinfo=zone)


def _places_in(month_start: datetime, month_end: datetime) -> Coalesce:
    """A member's places (not on a cancelled shift) starting from `month_start` to `month_end`, as a subquery per
    member on the assignment index."""
    in_month = (
        Assignment.objects.active()
        .filter(
            member=OuterRef("pk"),
            shift__cancelled_at=None,
            shift__starts_at__gte=month_start,
            shift__starts_at__lt=month_end,
        )
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(in_month), 0)


def _with_month_count(members: MemberQuerySet, month_start: datetime, month_end: datetime) -> MemberQuerySet:
    """Each member with her places in the shift's month counted (so that the ranking and its LIMIT stay in the
    database)."""
    return members.only(*_MEMBER_FIELDS).annotate(shifts_in_month=_places_in(month_start, month_end))


def _to_weigh(shift: Shift, requirements: Requirements) -> MemberQuerySet:
    """Whom the rules weigh first: active members who take shifts and who are qualified for the line on the
    shift's date as trainings.qualification counts it (`_qualified_condition`, the rule of its `qualified_members`
    in a single query). It only chooses whom to weigh, so that a big shelter costs what a small one does; the
    rules decide."""
    organisation = shift.line.organisation
    qualified = _qualified_condition(organisation, _requirements_key(requirements), on=shift.local_date())
    return (
        Member.objects.for_organisation(organisation)
        .current()
        .filter(status=MemberStatus.ACTIVE)
        .filter(_takes_shifts())
        .filter(qualified)
    )


def _takes_shifts() -> Q:
    """Volunteers, and the coordinators and admins who are on a rota themselves (have had a place)."""
    has_had_a_place = Exists(Assignment.objects.active().filter(member=OuterRef("pk")))
    return Q(role=Role.VOLUNTEER) | Q(has_had_a_place)


def _name_filter(query: str) -> Q:
    words = query.split()[:SEARCH_WORDS]
    found = Q()
    for word in words:
        found &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return found


def candidates_for(
    shift: Shift,
    now: datetime,
    *,
    query: str = "",
    pick: int | None = None,
    shown: int = ELIGIBLE_SHOWN,
    weighed: int = WEIGHED,
    found_shown: int = FOUND_SHOWN,
    qualify: QualificationReasons | None = None,
    suggest: int = 0,
) -> AssignChoices:
    """The assign form's choices for `shift` (with line__organisation loaded) at `now`: the eligible first (the
    rules run over the `weighed` volunteers with the fewest shifts in the month), the search's hits for `query`
    and the member `pick`, each with her refusals. Three queries of its own (the volunteers, the search and the
    pick, the last two only when asked for) and the rules' loaders, whatever the shelter's size. With `suggest`,
    also the first `suggest` suggestions for the shift when it is a gap (`suggested`), their facts loaded with
    the others' (a few queries more, as many for any shelter)."""
    first, month_start, month_end = _month(shift)
    members = _with_month_count(
        Member.objects.for_organisation(shift.line.organisation).current(), month_start, month_end
    )
    # What the line asks: read once for the pool, the suggestions and the rules.
    requirements = requirements_by_line([shift.line])
    ordering = ("shifts_in_month", "first_name", "last_name", "pk")
    pool = list(
        _with_month_count(_to_weigh(shift, requirements[shift.line_id]), month_start, month_end).order_by(*ordering)[
            : weighed + 1
        ]
    )
    more_in_pool, pool = len(pool) > weighed, pool[:weighed]
    found_members: list[Member] = []
    query = query.strip()
    if query:
        found_members = list(
            members.filter(_name_filter(query)).order_by("first_name", "last_name", "pk")[: found_shown + 1]
        )
    picked_member: Member | None = None
    if pick is not None:
        picked_member = members.filter(pk=pick).first()
    everyone = [*pool, *found_members, *([picked_member] if picked_member else [])]
    suggesting = (
        _weigh([shift], now, SUGGESTION_POOL, requirements=requirements)
        if suggest and not closed_refusals(shift, now)
        else None
    )
    if suggesting is not None:
        everyone += suggesting.pools.get(shift.pk, [])
    facts = SignupFacts.for_members(shift, everyone, now=now, qualify=qualify, known=Known(requirements=requirements))

    def candidate(member: Member) -> Candidate:
        return Candidate(
            member=member,
            refusals=rules.signup_refusals(facts[member.pk]),
            shifts_in_month=getattr(member, "shifts_in_month", 0),  # annotated by _with_month_count
        )

    eligible: list[Candidate] = []
    more_eligible = False
    for member in pool:
        each = candidate(member)
        if each.eligible:
            if len(eligible) == shown:
                more_eligible = True
                break
            eligible.append(each)
    return AssignChoices(
        month=first,
        eligible=eligible,
        more_eligible=more_eligible or more_in_pool,
        query=query,
        found=[candidate(member) for member in found_members[:found_shown]],
        more_found=len(found_members) > found_shown,
        picked=candidate(picked_member) if picked_member else None,
        suggested=[]
        if suggesting is None
        else _suggested(shift, _fits(shift, suggesting, now), facts, suggest, suggesting, _Words()),
    )


# -- Suggestions for a gap (issue 17) ---------------------------------------------------------------------------

SUGGESTED_SHOWN = 5  # on the shift page of a gap, above the assign form
SUGGESTED_PER_GAP = 3  # in the gaps list
# For each line and month of the gaps asked about, the rules and the ranking weigh this many volunteers: those who
# wish the line first, then those with the fewest shifts in the month (chosen in one query over the qualified), so
# that a page of gaps costs the same in a big shelter as in a small one.
SUGGESTION_POOL = 8
# The rules run for a gap's best fits only, this many more than are shown (in case the rules refuse some).
SPARE = 2

_RequirementsKey = tuple[tuple[int, ...], bool, bool]


def _requirements_key(requirements: Requirements) -> _RequirementsKey:
    return tuple(requirements.courses), requirements.needs_pledge, requirements.needs_record_check


def _qualified_condition(organisation: Organisation, requirements: _RequirementsKey, on: date) -> Q:
    """Whether a member meets `requirements` on `on`, as a condition on the member (the rule of
    trainings.qualification, as its `qualified_members` asks it): every course of the shelter completed by then
    and not expired, the shelter's current pledge signed, a record extract valid then (an empty Q: no
    requirement). Only to choose whom to weigh; the rules decide."""
    courses, needs_pledge, needs_record_check = requirements
    condition = Q()
    for course_id in courses:
        valid = TrainingRecord.objects.filter(
            member=OuterRef("pk"), course_id=course_id, course__organisation=organisation, completed_on__lte=on
        )
        condition &= Q(Exists(valid.filter(Q(expires_on=None) | Q(expires_on__gte=on))))
    if needs_pledge:
        current = (
            PledgeText.objects.filter(organisation=organisation, published_at__isnull=False)
            .order_by("-version")
            .values("pk")[:1]
        )
        condition &= Q(Exists(PledgeSignature.objects.filter(member=OuterRef("pk"), pledge_text_id=Subquery(current))))
    if needs_record_check:
        checks = RecordCheck.objects.filter(member=OuterRef("pk"), seen_on__lte=on, valid_until__gte=on)
        condition &= Q(Exists(checks))
    return condition


def _qualified_on(organisation: Organisation, requirements: _RequirementsKey, on: date) -> BaseExpression:
    """`_qualified_condition` as a value (true or false) to annotate a member with."""
    condition = _qualified_condition(organisation, requirements, on)
    return ExpressionWrapper(condition, output_field=BooleanField()) if condition else Value(True)


@dataclass
class _Weighed:
    """Whom the suggestions weigh for some gaps, and what their ranking reads about them."""

    pools: dict[int, list[Member]]  # shift pk → the volunteers weighed for it (at most SUGGESTION_POOL)
    months: dict[int, date]  # shift pk → the first day of its month
    in_month: dict[tuple[int, date], int]  # (member pk, month) → her places in that month (not cancelled)
    wished_lines: set[tuple[int, int]]  # (member pk, line pk): she wishes the line
    wishes: dict[int, tuple[frozenset[int], frozenset[str]]]  # member pk → the weekdays and times of day she wishes
    own_limits: dict[int, OwnLimits]  # member pk → her own "at most N a week / a month" (those who set one)
    last_on_line: dict[tuple[int, int], datetime]  # (member pk, line pk) → the start of her last shift there
    requirements: dict[int, Requirements]  # line pk → what the line asks (for the rules, not read again)


def _weigh(
    shifts: list[Shift], now: datetime, size: int, *, requirements: dict[int, Requirements] | None = None
) -> _Weighed:
    """Choose whom to weigh for each of `shifts` (one shelter's, with line__organisation loaded) and load what
    the ranking reads about them: six queries (five when the caller has the lines' `requirements`), whatever the
    number of shifts and members. The pool of a line and month is the same whichever page asks, so the gaps list
    and the shift page suggest alike."""
    organisation = shifts[0].line.organisation
    today = now.astimezone(organisation.zone).date()
    lines = {shift.line_id: shift.line for shift in shifts}
    if requirements is None:
        requirements = requirements_by_line(list(lines.values()))
    keys = {pk: _requirements_key(each) for pk, each in requirements.items()}
    months = {shift.pk: _month(shift) for shift in shifts}
    # One count per month and one qualification per (requirements, month) of the gaps, in one query over the
    # shelter's active volunteers (qualified on the month's first day, or today for this month: the rules check
    # the shift's own date).
    month_alias: dict[date, str] = {}
    qualified_alias: dict[tuple[_RequirementsKey, date], str] = {}
    annotations: dict[str, BaseExpression] = {}
    for first, month_start, month_end in months.values():
        if first not in month_alias:
            month_alias[first] = f"in_month_{len(month_alias)}"
            annotations[month_alias[first]] = _places_in(month_start, month_end)
    for shift in shifts:
        key = (keys[shift.line_id], months[shift.pk][0])
        if key not in qualified_alias:
            qualified_alias[key] = f"qualified_{len(qualified_alias)}"
            annotations[qualified_alias[key]] = _qualified_on(organisation, key[0], on=max(key[1], today))
    column = {alias: n for n, alias in enumerate(annotations, start=1)}
    volunteers = (
        Member.objects.for_organisation(organisation)
        .current()
        .filter(status=MemberStatus.ACTIVE)
        .filter(_takes_shifts())
        .annotate(**annotations)
        .order_by()
        .values_list("pk", *annotations)
    )
    rows = {row[0]: row for row in volunteers}
    wishing: dict[int, list[int]] = {}
    for member_id, line_id in (
        Wishes.lines.through.objects.filter(line_id__in=lines, wishes__member__organisation=organisation)
        .order_by()
        .values_list("wishes__member_id", "line_id")
    ):
        wishing.setdefault(line_id, []).append(member_id)
    ranked: dict[str, list[int]] = {}  # a qualification's members, fewest shifts in its month first
    chosen: dict[tuple[int, date], list[int]] = {}
    for shift in shifts:
        first = months[shift.pk][0]
        if (shift.line_id, first) in chosen:
            continue
        alias = qualified_alias[keys[shift.line_id], first]
        qualified, counted = column[alias], column[month_alias[first]]

        def fewest(pk: int, counted: int = counted) -> tuple[int, int]:
            return rows[pk][counted], pk

        if alias not in ranked:
            ranked[alias] = sorted((pk for pk, row in rows.items() if row[qualified]), key=fewest)
        pool = sorted((pk for pk in wishing.get(shift.line_id, ()) if pk in rows and rows[pk][qualified]), key=fewest)
        pool = pool[:size]
        taken = set(pool)
        for pk in ranked[alias]:
            if len(pool) >= size:
                break
            if pk not in taken:
                pool.append(pk)
        chosen[shift.line_id, first] = pool
    everyone = sorted({pk for pool in chosen.values() for pk in pool})
    members = {member.pk: member for member in Member.objects.filter(pk__in=everyone).only(*_MEMBER_FIELDS)}
    wishes: dict[int, tuple[frozenset[int], frozenset[str]]] = {}
    own_limits: dict[int, OwnLimits] = {}
    for member_id, weekdays, times, per_week, per_month in Wishes.objects.filter(member__in=everyone).values_list(
        "member_id", "weekdays", "times_of_day", "max_per_week", "max_per_month"
    ):
        wishes[member_id] = (frozenset(weekdays or ()), frozenset(times or ()))
        if per_week is not None or per_month is not None:
            own_limits[member_id] = OwnLimits(per_week, per_month)
    last_rows = (
        Assignment.objects.active()
        .filter(member__in=everyone, shift__line__in=lines, shift__cancelled_at=None, shift__starts_at__lt=now)
        .order_by()
        .values("member", "shift__line")
        .annotate(last=Max("shift__starts_at"))
        .values_list("member", "shift__line", "last")
    )
    return _Weighed(
        pools={
            shift.pk: [members[pk] for pk in chosen[shift.line_id, months[shift.pk][0]] if pk in members]
            for shift in shifts
        },
        months={shift.pk: months[shift.pk][0] for shift in shifts},
        in_month={(pk, first): rows[pk][column[alias]] for pk in everyone for first, alias in month_alias.items()},
        wished_lines={(pk, line_id) for line_id, pks in wishing.items() for pk in pks},
        wishes=wishes,
        own_limits=own_limits,
        last_on_line={(member_id, line_id): last for member_id, line_id, last in last_rows},
        requirements=requirements,
    )


class _Words:
    """The reasons of a ranking in words, short and each phrase translated once per page."""

    def __init__(self) -> None:
        self.weekdays = [
            pgettext("wished", "Mondays"),
            pgettext("wished", "Tuesdays"),
            pgettext("wished", "Wednesdays"),
            pgettext("wished", "Thursdays"),
            pgettext("wished", "Fridays"),
            pgettext("wished", "Saturdays"),
            pgettext("wished", "Sundays"),
        ]
        self.times_of_day: dict[str, str] = {
            TimeOfDay.MORNING: pgettext("wished", "mornings"),
            TimeOfDay.DAY: pgettext("wished", "daytime"),
            TimeOfDay.EVENING: pgettext("wished", "evenings"),
            TimeOfDay.NIGHT: pgettext("wished", "nights"),
        }
        self.month_names: dict[date, str] = {}

    def wished(self, what: list[str]) -> str:
        return _("Wishes %(what)s") % {"what": ", ".join(what)}

    def in_month(self, count: int, month: date) -> str:
        if month not in self.month_names:
            self.month_names[month] = date_format(month, "F")
        return ngettext("%(counter)s shift in %(month_name)s", "%(counter)s shifts in %(month_name)s", count) % {
            "counter": count,
            "month_name": self.month_names[month],
        }

    def since(self, line: Line, since: timedelta | None) -> str:
        """Like "senast på Chatt för 6 veckor sedan": days up to two weeks, weeks up to nine, months, years."""
        name = line.name
        if since is None:
            return _("never on %(line)s before") % {"line": name}
        days = since.days
        if days < 1:
            return _("last on %(line)s today") % {"line": name}
        if days < 14:
            text = ngettext("last on %(line)s %(count)d day ago", "last on %(line)s %(count)d days ago", days)
            return text % {"line": name, "count": days}
        if days < 63:
            weeks = days // 7
            text = ngettext("last on %(line)s %(count)d week ago", "last on %(line)s %(count)d weeks ago", weeks)
            return text % {"line": name, "count": weeks}
        if days < 730:
            months = days // 30
            text = ngettext("last on %(line)s %(count)d month ago", "last on %(line)s %(count)d months ago", months)
            return text % {"line": name, "count": months}
        years = days // 365
        text = ngettext("last on %(line)s %(count)d year ago", "last on %(line)s %(count)d years ago", years)
        return text % {"line": name, "count": years}


class _Fit(NamedTuple):
    """One volunteer weighed for a gap, before the rules: how well the gap fits her."""

    key: tuple[int, int, float, str, str, int]  # the ranking: best first
    member: Member
    wished: tuple[bool, bool, bool]  # the gap is on a weekday, at a time of day, on a line she wishes
    in_month: int  # her places in the gap's month
    since: timedelta | None  # since the start of her last shift on the line (None: never on it)


def _fits(shift: Shift, weighed: _Weighed, now: datetime) -> list[_Fit]:
    """The volunteers weighed for `shift`, best fit first: the most wishes the shift matches (weekday, time of
    day, line), then the fewest shifts in its month, then the longest since her last shift on its line (never on
    it is longest), then by name. The rules are not asked here."""
    local = shift.starts_at.astimezone(shift.line.organisation.zone)
    weekday, part, month = local.weekday(), time_of_day(local.hour), weighed.months[shift.pk]
    fits = []
    for member in weighed.pools.get(shift.pk, []):
        weekdays, parts = weighed.wishes.get(member.pk, (frozenset(), frozenset()))
        wished = (weekday in weekdays, part in parts, (member.pk, shift.line_id) in weighed.wished_lines)
        count = weighed.in_month.get((member.pk, month), 0)
        last = weighed.last_on_line.get((member.pk, shift.line_id))
        since = None if last is None else now - last
        longest = math.inf if since is None else since.total_seconds()
        key = (-sum(wished), count, -longest, member.first_name, member.last_name, member.pk)
        fits.append(_Fit(key, member, wished, count, since))
    fits.sort(key=lambda fit: fit.key)
    return fits


def _over_her_own_limits(shift: Shift, facts: SignupFacts, limits: OwnLimits | None, in_month: int) -> bool:
    """Her own "at most N shifts a week / a month" (her wishes), which a suggestion respects even where the shelter
    does not enforce it as a rule: `within_own_limits` asked as if the shelter did (where it does, the sign-up
    rules have asked already). Her shifts in the week are read from her places around the shift."""
    if limits is None or facts.workload.enforce_own_limits:
        return False
    zone = shift.line.organisation.zone
    week = shift.starts_at.astimezone(zone).isocalendar()[:2]
    in_week = sum(
        1
        for place in facts.her_places
        if not place.cancelled
        and place.shift_id != shift.pk
        and place.starts_at.astimezone(zone).isocalendar()[:2] == week
    )
    asked = replace(
        facts,
        workload=replace(facts.workload, enforce_own_limits=True),
        own_limits=limits,
        shifts_in_week=in_week,
        shifts_in_month=in_month,
    )
    return bool(rules.refusals(asked, ((rules.within_own_limits,),)))


def _suggested(
    shift: Shift,
    fits: list[_Fit],
    facts: Mapping[int, SignupFacts],
    shown: int,
    weighed: _Weighed,
    words: _Words,
) -> list[Candidate]:
    """The first `shown` of `fits` whom no sign-up rule refuses and who are within their own limits (the rules
    run in the order of fit, until enough may take it), with the reasons in words; nobody when the shift is not
    a gap (at or above its minimum, cancelled, started). `facts` is keyed by member pk; a volunteer without
    facts is passed over."""
    month = weighed.months[shift.pk]
    fits = [fit for fit in fits if fit.member.pk in facts]
    if not fits or shown <= 0:
        return []
    sample = facts[fits[0].member.pk]
    if sample.confirmed >= shift.min_volunteers or rules.refusals(sample, rules.CLOSED_RULES):
        return []
    local = shift.starts_at.astimezone(shift.line.organisation.zone)
    suggested: list[Candidate] = []
    for fit in fits:
        if len(suggested) == shown:
            break
        each = facts[fit.member.pk]
        if rules.signup_refusals(each) or _over_her_own_limits(
            shift, each, weighed.own_limits.get(fit.member.pk), fit.in_month
        ):
            continue
        on_weekday, at_time, on_line = fit.wished
        what = [
            *([words.weekdays[local.weekday()]] if on_weekday else []),
            *([words.times_of_day[time_of_day(local.hour)]] if at_time else []),
            *([shift.line.name] if on_line else []),
        ]
        reasons = [
            *([words.wished(what)] if what else []),
            words.in_month(fit.in_month, month),
            words.since(shift.line, fit.since),
        ]
        suggested.append(Candidate(member=fit.member, refusals=[], shifts_in_month=fit.in_month, rank_reasons=reasons))
    return suggested


def gap_suggestions(
    shifts: Iterable[Shift],
    now: datetime,
    *,
    per_gap: int = SUGGESTED_PER_GAP,
    pool: int = SUGGESTION_POOL,
    qualify: QualificationReasons | None = None,
) -> dict[int, list[Candidate]]:
    """Suggestions for each of `shifts` (one shelter's, with line__organisation loaded) that is a gap, keyed by
    shift pk: at most `per_gap` volunteers whom no sign-up rule refuses, best fit first, each with `rank_reasons`.
    A fixed number of queries whatever the number of shifts and members: whom to weigh (`_weigh`), then one load
    of the rules' facts for each gap with its best `per_gap + SPARE` fits."""
    open_shifts = [shift for shift in shifts if not closed_refusals(shift, now)]
    if not open_shifts:
        return {}
    weighed = _weigh(open_shifts, now, pool)
    fits = {shift.pk: _fits(shift, weighed, now)[: per_gap + SPARE] for shift in open_shifts}
    pairs = {(shift_id, fit.member.pk) for shift_id, each in fits.items() for fit in each}
    if not pairs:
        return {}
    members = {fit.member.pk: fit.member for each in fits.values() for fit in each}
    facts = SignupFacts._load(
        open_shifts,
        members.values(),
        now=now,
        qualify=qualify,
        pairs=pairs,
        known=Known(requirements=weighed.requirements),
    )
    by_shift: dict[int, dict[int, SignupFacts]] = {}
    for (shift_id, member_id), each in facts.items():
        by_shift.setdefault(shift_id, {})[member_id] = each
    words = _Words()
    return {
        shift.pk: _suggested(shift, fits[shift.pk], by_shift.get(shift.pk, {}), per_gap, weighed, words)
        for shift in open_shifts
    }


def suggestions_for(
    shift: Shift, now: datetime, *, shown: int = SUGGESTED_SHOWN, qualify: QualificationReasons | None = None
) -> list[Candidate]:
    """The suggestions for one shift (with line__organisation loaded): the first `shown`, best fit first; empty
    when it is not a gap. The same ranking as the gaps list's."""
    return gap_suggestions([shift], now, per_gap=shown, qualify=qualify).get(shift.pk, [])


def rota_gap_suggestions(
    organisation: Organisation, gaps: Iterable[int], now: datetime, *, per_gap: int = SUGGESTED_PER_GAP
) -> dict[int, list[Candidate]]:
    """`gap_suggestions` for the gaps list's shifts, given by pk (the list's read model carries no models): one
    query for the shifts, then `gap_suggestions`'s."""
    shifts = Shift.objects.for_organisation(organisation).filter(pk__in=list(gaps)).select_related("line__organisation")
    return gap_suggestions(list(shifts), now, per_gap=per_gap)


# -- national-callouts (issue 20): whom a shelter's coordinator may ask for a national shift ----------------------


def national_candidates(shift: Shift, organisation: Organisation, now: datetime, *, weighed: int) -> list[Member]:
    """The volunteers of `organisation` let in on the national line of `shift` whom the sign-up rules allow to
    take it now: at most `weighed` weighed, those with the fewest shifts in the shift's month first. Only her own
    shelter's members are ever read (a national line's own organisation has none). One query and the rules'
    loaders, whatever the number of volunteers."""
    _first, month_start, month_end = _month(shift)
    pool = list(
        _with_month_count(
            Member.objects.for_organisation(organisation)
            .current()
            .filter(status=MemberStatus.ACTIVE, national_lines__line=shift.line_id),
            month_start,
            month_end,
        ).order_by("shifts_in_month", "first_name", "last_name", "pk")[:weighed]
    )
    facts = SignupFacts.for_members(shift, pool, now=now)
    refused = {member.pk: rules.signup_refusals(facts[member.pk]) for member in pool}
    return [member for member in pool if not refused[member.pk] or rules.full_only(refused[member.pk])]
