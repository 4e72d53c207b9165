"""The volunteer portal's read model: her shifts, the open shifts and offers she may take, her history.

Every page is built with a fixed number of queries whatever the number of shifts. The open page shows one week
at a time and at most `OPEN_PAGE_CAP` cards: it decides in Python, once per line and day, what depends only on
her and the line (membership, trainings, shadow shifts: `rules.LINE_DAY_RULES`), lets SQL pick the week's
shifts on those lines that do not clash with hers, and runs the full rules (`SignupFacts.for_shifts`, the same
as the services) only on the page's shifts. A card's buttons follow from its refusal codes.

A card is cheap to render: its words (staffing, badges, button labels) and its action URLs are computed here,
the URLs from one `reverse` per action and page (`Links`).
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from core.params import MAX_PK, parse_int
from members.models import Member, co_volunteer_contact

from . import rules
from .formatting import shift_when
from .models import Absence, Assignment, AssignmentStatus, Line, Shift, SwapOffer, WaitingListEntry
from .national import colleague_label
from .rules import Refusal, SignupFacts
from .services import release_deadline

# At most this many shift cards on one open-shifts page (a busy week continues on the next page): bounded HTML
# and render time whatever the shelter's density.
OPEN_PAGE_CAP = 40
# The colleagues' offers shown above the week: the soonest ones.
OFFERS_CAP = 10
WEEK = timedelta(days=7)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_LAST_MICROSECOND = (datetime(2200, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_CURSOR = re.compile(r"([0-9]{1,19})-([0-9]{1,19})")
_SENTINEL_PK = 987654321


@dataclass
class CoVolunteer:
    first_name: str
    phone: str
    shadow: bool


@dataclass(frozen=True)
class Action:
    """One button on a card: a POST to `url`."""

    url: str
    label: str
    primary: bool = False
    confirm: bool = False  # she confirms what she may pass herself (rules.CONFIRMABLE: "you are away then")


@dataclass(frozen=True)
class Badge:
    """A word on a card; `css` is its class ("badge badge-ok"), empty for plain text."""

    text: str
    css: str


class Links:
    """The portal's action URLs for one shelter, each view reversed once per page; a card fills in its pk.
    `back` (a query string) goes on every URL so that, without JavaScript, she returns to the week she was on."""

    def __init__(self, organisation_slug: str, back: str = ""):
        self.slug = organisation_slug
        self.back = back
        self._parts: dict[str, tuple[str, str]] = {}

    def __call__(self, view: str, pk: int) -> str:
        if view not in self._parts:
            url = reverse(view, kwargs={"organisation": self.slug, "pk": _SENTINEL_PK})
            head, _sentinel, tail = url.rpartition(str(_SENTINEL_PK))
            self._parts[view] = (head, tail + self.back)
        head, tail = self._parts[view]
        return f"{head}{pk}{tail}"


@dataclass(frozen=True)
class Words:
    """The card's labels in the active language, translated once per process and language."""

    take: str
    take_anyway: str
    queue: str
    take_over: str
    take_over_anyway: str
    release: str
    withdraw: str
    offer: str
    sit_beside: str
    leave: str
    on_waiting_list: str
    offered_for_swap: str
    shadow_shift: str
    full: str
    full_queue: str
    needs_more: str
    done: str
    not_possible: str
    with_label: str
    shadow: str
    national: str


@lru_cache(maxsize=8)
def _words_in(language: str) -> Words:
    return Words(
        take=_("Take the shift"),
        take_anyway=_("Take the shift anyway"),
        queue=_("Join the queue"),
        take_over=_("Take over"),
        take_over_anyway=_("Take over anyway"),
        release=_("Release"),
        withdraw=_("Withdraw the offer"),
        offer=_("Offer for swap"),
        sit_beside=_("Sit beside"),
        leave=_("Leave the queue"),
        on_waiting_list=_("On the waiting list"),
        offered_for_swap=_("Offered for swap"),
        shadow_shift=pgettext("portal badge", "Shadow shift"),
        full=pgettext("staffing", "Full"),
        full_queue=_("Full – you can join the queue"),
        needs_more=_("Needs more"),
        done=_("Done"),
        not_possible=_("Not possible"),
        with_label=_("With:"),
        shadow=_("shadow"),
        national=pgettext("portal badge", "National line"),
    )


def words() -> Words:
    return _words_in(get_language() or "")


def places_free(free: int) -> str:
    return ngettext("%(count)d place free", "%(count)d places free", free) % {"count": free}


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def shift_times(shift: Shift) -> str:
    """Only the wall-clock times ("20:00–23:00"), for a card under its day's heading."""
    zone = shift.line.organisation.zone
    return f"{shift.starts_at.astimezone(zone):%H:%M}–{shift.ends_at.astimezone(zone):%H:%M}"


def may_release(shift: Shift, member: Member, now: datetime) -> bool:
    """Whether releasing her place herself can succeed now (assignment_release's rule): before the shelter's
    release deadline; a coordinator of the shelter may always."""
    if member.is_coordinator and member.organisation_id == shift.line.organisation_id:
        return True
    return shift.starts_at > now and now <= release_deadline(shift)


def release_sentence(shift: Shift, member: Member, now: datetime) -> str:
    """What she can do later, said when she takes a shift: until when she may release it, or that only a swap
    is left (empty for a coordinator, who may always release)."""
    if member.is_coordinator and member.organisation_id == shift.line.organisation_id:
        return ""
    if may_release(shift, member, now):
        deadline = release_deadline(shift).astimezone(shift.line.organisation.zone)
        moment = _("%(day)s at %(time)s") % {"day": dateformat.format(deadline, "D j F"), "time": f"{deadline:%H:%M}"}
        return _("You can release it until %(deadline)s; after that you can offer it for swap.") % {"deadline": moment}
    hours = shift.line.organisation.release_deadline_hours
    return ngettext(
        "It starts within %(hours)d hour, so you cannot release it yourself: offer it for swap if you cannot come.",
        "It starts within %(hours)d hours, so you cannot release it yourself: offer it for swap if you cannot come.",
        hours,
    ) % {"hours": hours}


@dataclass
class Card:
    """One shift card of the portal; every attribute is always present for the template."""

    shift: Shift
    when: str
    kind: str  # open, blocked, offer, mine, waiting, history
    assignment: Assignment | None = None
    entry: WaitingListEntry | None = None
    offer: SwapOffer | None = None
    staffing_known: bool = False
    queued: bool = False
    offered: bool = False
    refusals: list[Refusal] = field(default_factory=list)  # why she may not take it (open and blocked cards)
    co_volunteers: list[CoVolunteer] = field(default_factory=list)
    hours: float = 0.0
    note: str = ""
    note_kind: str = ""
    done: bool = False
    can_shadow: bool = False
    release_open: bool = True  # her own card: releasing it herself can still succeed (before the deadline)
    # Only what she may pass herself stands in her way ("you are away then", rules.confirmable) and, once she
    # confirms, nothing else: the card asks her ("Take the shift anyway", a POST with the confirmation).
    confirm: bool = False
    links: Links | None = None

    @property
    def full(self) -> bool:
        """Full, and nothing else stands in her way: the waiting list is the way in."""
        return rules.full_only(self.refusals)

    @property
    def words(self) -> Words:
        return words()

    @cached_property
    def starts_iso(self) -> str:
        return self.shift.starts_at.astimezone(self.shift.line.organisation.zone).isoformat()

    @cached_property
    def reasons(self) -> list[str]:
        """The refusals shown on the card (a full shift says so with its staffing and the queue button)."""
        return [] if self.full else [refusal.message for refusal in self.refusals]

    @cached_property
    def staffing(self) -> str:
        """Staffing in words: "1 plats ledig", "2 platser lediga", "Fullt – kö möjlig" or "Fullt"."""
        if not self.staffing_known:
            return ""
        shift, said = self.shift, words()
        confirmed = shift.confirmed_count  # type: ignore[attr-defined]  # with_staffing() or open_page
        if confirmed < shift.max_volunteers:
            return places_free(shift.max_volunteers - confirmed)
        queue = self.kind == "open" and self.full and not self.queued and not self.done
        return said.full_queue if queue else said.full

    @cached_property
    def needs_more(self) -> str:
        """ "Behöver fler" beside the staffing when the shift is below its minimum."""
        if not self.staffing_known or self.shift.confirmed_count >= self.shift.min_volunteers:  # type: ignore[attr-defined]
            return ""
        return words().needs_more

    @cached_property
    def badges(self) -> list[Badge]:
        """Her standing on the shift: in the queue, offered, a shadow shift; the hours of a past one."""
        said = words()
        badges = []
        if self.queued:
            badges.append(Badge(said.on_waiting_list, "badge badge-warning"))
        if self.offered:
            badges.append(Badge(said.offered_for_swap, "badge badge-warning"))
        if self.assignment is not None and self.assignment.status == AssignmentStatus.SHADOW:
            badges.append(Badge(said.shadow_shift, "badge badge-shadow"))
        if self.kind == "history":
            badges.append(Badge(_("%(hours)s h") % {"hours": floatformat(self.hours, -1)}, ""))
        if self.shift.line.organisation.national:
            badges.insert(0, Badge(said.national, "badge badge-national"))
        return badges

    @cached_property
    def note_label(self) -> str:
        return words().done if self.note_kind == "success" else words().not_possible

    @cached_property
    def release_note(self) -> str:
        """Her own card inside the release deadline: how she can still get out of it."""
        if self.kind != "mine" or self.release_open or self.done or self.note or self.assignment is None:
            return ""
        hours = self.shift.line.organisation.release_deadline_hours
        if not self.offered and self.assignment.status == AssignmentStatus.CONFIRMED:
            return ngettext(
                "Less than %(hours)d hour to go: offer it for swap, or contact your coordinator if you cannot come.",
                "Less than %(hours)d hours to go: offer it for swap, or contact your coordinator if you cannot come.",
                hours,
            ) % {"hours": hours}
        return ngettext(
            "Less than %(hours)d hour to go: contact your coordinator if you cannot come.",
            "Less than %(hours)d hours to go: contact your coordinator if you cannot come.",
            hours,
        ) % {"hours": hours}

    @cached_property
    def actions(self) -> list[Action]:
        """The buttons: from the refusal codes on open and blocked cards, from her place on her own."""
        if self.done:
            return []
        said = words()
        link = self.links or Links(self.shift.line.organisation.slug)
        shift, assignment, offer = self.shift, self.assignment, self.offer
        if self.confirm and self.kind in ("open", "blocked"):
            return [Action(link("shifts:portal_take", shift.pk), said.take_anyway, primary=True, confirm=True)]
        if self.confirm and self.kind == "offer" and offer is not None:
            return [
                Action(link("shifts:portal_offer_take", offer.pk), said.take_over_anyway, primary=True, confirm=True)
            ]
        if self.kind == "open" and not self.refusals:
            return [Action(link("shifts:portal_take", shift.pk), said.take, primary=True)]
        if self.kind == "open" and self.full and not self.queued:
            return [Action(link("shifts:portal_queue", shift.pk), said.queue)]
        if self.kind == "offer" and offer is not None:
            return [Action(link("shifts:portal_offer_take", offer.pk), said.take_over, primary=True)]
        if self.kind == "mine" and assignment is not None:
            actions = []
            if self.release_open:
                actions.append(Action(link("shifts:portal_release", assignment.pk), said.release))
            if self.offered and offer:
                actions.append(Action(link("shifts:portal_offer_withdraw", offer.pk), said.withdraw))
            if not self.offered and assignment.status == AssignmentStatus.CONFIRMED:
                actions.append(Action(link("shifts:portal_offer", assignment.pk), said.offer))
            return actions
        if self.kind == "blocked" and self.can_shadow:
            return [Action(link("shifts:portal_shadow", shift.pk), said.sit_beside)]
        if self.kind == "waiting" and self.entry is not None:
            return [Action(link("shifts:portal_leave", self.entry.pk), said.leave)]
        return []


@dataclass
class ShadowTally:
    """Her completed shadow shifts (bisittningar) on one line."""

    line: str
    count: int


def shift_hours(shift: Shift) -> float:
    """Real elapsed time (UTC arithmetic), so a shift over a daylight-saving night has its true length."""
    return (shift.ends_at - shift.starts_at).total_seconds() / 3600


def _her_assignments(member: Member, now: datetime) -> list[Assignment]:
    """Her coming places: on her shelter's shifts and on national lines' shifts."""
    return list(
        Assignment.objects.active()
        .filter(member=member, shift__cancelled_at=None, shift__ends_at__gt=now)
        .select_related("shift__line__organisation")
        .order_by("shift__starts_at", "pk")
    )


# -- open shifts --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a long week continues: after this shift (keyset on starts_at, pk)."""

    starts_at: datetime
    pk: int

    @property
    def token(self) -> str:
        return f"{(self.starts_at - _EPOCH) // timedelta(microseconds=1)}-{self.pk}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """A token from `token`, or None for anything else (the page then starts at the week's beginning)."""
        match = _CURSOR.fullmatch(text or "")
        if match is None:
            return None
        micros = parse_int(match.group(1), None, lo=0, hi=_LAST_MICROSECOND)
        pk = parse_int(match.group(2), None, lo=1, hi=MAX_PK)
        if micros is None or pk is None:
            return None
        return cls(_EPOCH + timedelta(microseconds=micros), pk)


@dataclass(frozen=True)
class OpenQuery:
    """What the open-shifts page shows: a week (any day of it), one line or all, only what she may take or
    everything, and where a long week continues."""

    week: date | None = None
    line: int | None = None
    show_all: bool = False
    after: Cursor | None = None

    def encode(self) -> str:
        """As a query string ("?week=2026-03-09&line=3"), empty for the default page."""
        params: dict[str, str] = {}
        if self.week is not None:
            params["week"] = f"{self.week:%Y-%m-%d}"
        if self.line is not None:
            params["line"] = str(self.line)
        if self.show_all:
            params["all"] = "1"
        if self.after is not None:
            params["after"] = self.after.token
        return f"?{urlencode(params)}" if params else ""


@dataclass
class Day:
    day: date
    heading: str  # "tisdag 9 december"
    cards: list[Card]


@dataclass
class OpenPage:
    query: OpenQuery  # as shown: the week's Monday, a line of the shelter or None
    week_label: str
    days: list[Day]
    offers: list[Card]
    lines: list[Line]  # the line filter's choices
    previous_week: date | None
    next_week: date | None
    more: Cursor | None  # the week goes on after the last card
    cards: int
    next_day: date | None = None  # an empty week: the day of the next shift she could take (or any, show_all)
    next_day_heading: str = ""
    nothing_at_all: bool = False  # her first look found no shift to show in the whole sign-up window

    @property
    def week(self) -> date:
        assert self.query.week is not None
        return self.query.week

    @property
    def continued(self) -> bool:
        return self.query.after is not None

    @property
    def show_all(self) -> bool:
        return self.query.show_all

    def _with(self, **changes) -> str:
        return replace(self.query, **changes).encode()

    @property
    def previous_query(self) -> str:
        return self._with(week=self.previous_week, after=None)

    @property
    def next_query(self) -> str:
        return self._with(week=self.next_week, after=None)

    @property
    def next_day_query(self) -> str:
        return self._with(week=self.next_day, after=None)

    @property
    def more_query(self) -> str:
        return self._with(after=self.more)

    @property
    def first_query(self) -> str:
        return self._with(after=None)


def week_label(monday: date) -> str:
    """ "Vecka 11: 9–15 mars" (the month once when the week stays in it)."""
    sunday = monday + timedelta(days=6)
    first = dateformat.format(monday, "j" if monday.month == sunday.month else "j F")
    return _("Week %(number)d: %(first)s–%(last)s") % {
        "number": monday.isocalendar().week,
        "first": first,
        "last": dateformat.format(sunday, "j F"),
    }


def _line_days(member: Member, lines: list[Line], days: list[date]) -> list[Shift]:
    """One stand-in shift per line and day (the whole day, a pk of its own below zero), for the rules that depend
    only on her, the line and the day."""
    return _probes(member, [(line, day) for line in lines for day in days])


def _probes(member: Member, line_days: list[tuple[Line, date]]) -> list[Shift]:
    """A stand-in shift for each (line, day): the whole day, a pk of its own below zero (copies of one shift per
    line: a page may need 30 lines × 7 days)."""
    zone = member.organisation.zone
    bounds: dict[date, tuple[datetime, datetime]] = {}
    templates: dict[int, Shift] = {}
    probes: list[Shift] = []
    for line, day in line_days:
        if day not in bounds:
            bounds[day] = (_local_midnight(day, zone), _local_midnight(day + timedelta(days=1), zone))
        if line.pk not in templates:
            templates[line.pk] = Shift(line=line, min_volunteers=1, max_volunteers=1)
        probe = _copy_of(templates[line.pk])
        probe.pk = -(len(probes) + 1)
        probe.starts_at, probe.ends_at = bounds[day]
        probes.append(probe)
    return probes


def _copy_of(shift: Shift) -> Shift:
    """What copy.copy(shift) makes (its own _state and cached relations), without pickling's detour: a page may
    need 30 lines × 7 days of them."""
    probe = Shift.__new__(Shift)
    probe.__dict__.update(shift.__dict__)
    probe._state = copy.copy(shift._state)
    probe._state.fields_cache = shift._state.fields_cache.copy()
    return probe


def _away_periods(member: Member, first: date) -> list[tuple[date, date]]:
    """Her absences on `first` or after, merged into separate periods (first, last day): one query."""
    rows = (
        Absence.objects.filter(member=member, ends_on__gte=first)
        .order_by("starts_on", "ends_on")
        .values_list("starts_on", "ends_on")
    )
    periods: list[tuple[date, date]] = []
    for starts_on, ends_on in rows:
        if periods and starts_on <= periods[-1][1] + timedelta(days=1):
            periods[-1] = (periods[-1][0], max(periods[-1][1], ends_on))
        else:
            periods.append((starts_on, ends_on))
    return periods


def _not_starting_away(periods: list[tuple[date, date]], zone: ZoneInfo) -> Q:
    """Shifts that do not start on a day she is away (the page's filter; the rules then check every day a shift
    touches)."""
    condition = Q()
    for first, last in periods:
        condition &= ~Q(
            starts_at__gte=_local_midnight(first, zone), starts_at__lt=_local_midnight(last + timedelta(days=1), zone)
        )
    return condition


def _on_open_lines(open_on: dict[date, list[int]], zone: ZoneInfo) -> Q:
    """Shifts on the lines open to her on their day: one condition when they are the same every day (the
    usual week), else one per day."""
    if len({tuple(line_ids) for line_ids in open_on.values()}) == 1:
        return Q(line_id__in=next(iter(open_on.values())))
    condition = Q(pk__in=[])
    for day, line_ids in open_on.items():
        starts, ends = _local_midnight(day, zone), _local_midnight(day + timedelta(days=1), zone)
        condition |= Q(starts_at__gte=starts, starts_at__lt=ends, line_id__in=line_ids)
    return condition


def open_page(member: Member, now: datetime, query: OpenQuery | None = None, *, cap: int = OPEN_PAGE_CAP) -> OpenPage:
    """One week of open shifts: the week `query` asks for (kept inside the sign-up window), else the week of the
    next shift she could take. The shifts she may take now (and full ones she may queue for), or with
    `show_all` every shift with its reasons; at most `cap` cards, cut at a day's end where one fits; and the
    soonest swap offers she may take."""
    query = query or OpenQuery()
    show_all = query.show_all
    organisation = member.organisation
    zone = organisation.zone
    window_end = now + timedelta(days=organisation.signup_window_days)
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    last_day = window_end.astimezone(zone).date()
    last_monday = last_day - timedelta(days=last_day.weekday())
    # Her shelter's lines, and the national lines she has been let in on (issue 20), after them.
    lines = list(
        Line.objects.open_to(member).select_related("organisation").order_by("organisation__national", "name", "pk")
    )
    for line in lines:
        if line.organisation_id == organisation.pk:
            line.organisation = organisation
    by_pk = {line.pk: line for line in lines}
    line_id = query.line if query.line in by_pk else None
    qualify = rules.qualifier(member, _line_days(member, lines, [today]))
    # Her absences: a day she is away has no line open to her (rules.LINE_DAY_RULES), and looking for her next
    # shift passes over those days. All of them from today on, so that the rules of the page's shifts (and of
    # offers beyond the window) read them from here; her shadow shifts on every line likewise.
    absences = _away_periods(member, today)
    away = [period for period in absences if period[0] <= last_monday + timedelta(days=6)]
    back = _not_starting_away(away, zone)
    shadow_done = rules.her_shadow_shifts(member, lines, now)
    loaded = rules.Known(
        absences={member.pk: absences},
        absences_from=today,
        absences_until=date.max,
        shadow_done=shadow_done,
        shadow_members=frozenset({member.pk}),
        shadow_lines=frozenset(by_pk),
    )

    known: dict[date, list[int]] = {}
    unless_away: dict[date, list[int]] = {}  # the lines that would be open to her if she were not away

    def open_lines(days: list[date]) -> dict[date, list[int]]:
        """The lines open to her on each day (rules.LINE_DAY_RULES), each day decided once, and once for all the
        lines that ask the same of her that day (what she lacks for it, the shadow shifts it asks, those she has
        done on it): a shelter's many lines of one kind are one question."""
        if missing := [day for day in days if day not in known]:
            asked: dict[tuple[int, date], tuple] = {}  # (line pk, day) → the question it asks of her
            asking: dict[tuple, tuple[Line, date]] = {}  # a question → the first line and day that asks it
            for line in lines:
                done = shadow_done.get((member.pk, line.pk), 0)
                for day in missing:
                    question = (tuple(qualify(member, line, day)), line.required_shadow_shifts, done, day)
                    asked[line.pk, day] = question
                    asking.setdefault(question, (line, day))
            probes = _probes(member, list(asking.values()))
            facts = rules.line_day_facts(
                member, probes, now=now, qualify=qualify, absences=away, shadow_done=shadow_done
            )
            answers: dict[tuple, tuple[bool, bool]] = {}  # a question → (open to her, open if she were not away)
            for question, probe in zip(asking, probes, strict=True):
                if not rules.refusals(facts[probe.pk], rules.LINE_DAY_RULES):
                    answers[question] = (True, True)
                else:
                    passed = not rules.refusals(facts[probe.pk], rules.LINE_DAY_RULES, accepted=rules.CONFIRMABLE)
                    answers[question] = (False, passed)
            known.update({day: [] for day in missing})
            unless_away.update({day: [] for day in missing})
            for line in lines:
                for day in missing:
                    is_open, open_unless_away = answers[asked[line.pk, day]]
                    if is_open:
                        known[day].append(line.pk)
                    if open_unless_away:
                        unless_away[day].append(line.pk)
        return {day: known[day] for day in days}

    def week_days(monday: date) -> list[date]:
        """The days of the week she can still see: from today, and inside the window unless `show_all`."""
        week = (monday + timedelta(days=i) for i in range(7))
        return [day for day in week if day >= today and (show_all or day <= last_day)]

    # Every shift the page could list, in any week (not hers: those are on "my shifts").
    listed = Shift.objects.filter(
        line__in=list(by_pk),
        cancelled_at=None,
        starts_at__gt=now,
        starts_at__lt=_local_midnight(last_monday + WEEK, zone),
    ).exclude(pk__in=Assignment.objects.active().filter(member=member).values("shift_id"))
    if line_id is not None:
        listed = listed.filter(line_id=line_id)
    if not query.show_all:
        listed = listed.filter(starts_at__lte=window_end)

    asked, first = query.week, None
    if asked is None:
        # Her first look: the week of the next shift she could take, else of the next shift at all (a new
        # volunteer then sees why, and where she may sit beside), else this week.
        if query.show_all:
            hers = Q(line_id__in=[])
        else:
            open_lines(week_days(this_monday))
            hers = Q(line_id__in=unless_away[today]) & back
        first = (
            listed.annotate(hers=Case(When(hers, then=Value(0)), default=Value(1)))
            .order_by("hers", "starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        asked = first.astimezone(zone).date() if first else today
    nothing_at_all = query.week is None and first is None
    monday = min(max(asked - timedelta(days=asked.weekday()), this_monday), last_monday)
    week_start, week_end = _local_midnight(monday, zone), _local_midnight(monday + WEEK, zone)
    query = replace(query, week=monday, line=line_id)
    days = week_days(monday)
    shifts = listed.filter(starts_at__gte=week_start, starts_at__lt=week_end).annotate(
        queued=Exists(WaitingListEntry.objects.filter(shift=OuterRef("pk"), member=member))
    )
    later = Q(line_id__in=list(by_pk))
    if not query.show_all:
        open_on = open_lines(days)
        later = Q(line_id__in=unless_away[days[-1]]) & back
        busy = Assignment.objects.active().filter(
            member=member,
            shift__cancelled_at=None,
            shift__starts_at__lt=OuterRef("ends_at"),
            shift__ends_at__gt=OuterRef("starts_at"),
        )
        shifts = shifts.filter(_on_open_lines(open_on, zone)).exclude(Exists(busy))
    if query.after is not None:
        after = query.after
        shifts = shifts.filter(Q(starts_at__gt=after.starts_at) | Q(starts_at=after.starts_at, pk__gt=after.pk))
    rows = list(shifts.order_by("starts_at", "pk")[: cap + 1])
    for shift in rows:
        shift.line = by_pk[shift.line_id]

    more = None
    page_shifts = rows[:cap]
    if len(rows) > cap:
        last = page_shifts[-1].local_date()
        if rows[cap].local_date() == last:
            first_of_day = next(i for i, shift in enumerate(page_shifts) if shift.local_date() == last)
            if first_of_day > 0:
                page_shifts = page_shifts[:first_of_day]
        more = Cursor(page_shifts[-1].starts_at, page_shifts[-1].pk)

    offers = list(
        SwapOffer.objects.for_organisation(organisation)
        .open(now)
        .filter(assignment__shift__line__in=list(by_pk))
        .exclude(assignment__member=member)
        .select_related("assignment__shift")
        .order_by("assignment__shift__starts_at", "pk")[:OFFERS_CAP]
    )
    for offer in offers:
        offer.assignment.shift.line = by_pk[offer.assignment.shift.line_id]
    facts = SignupFacts.for_shifts(
        page_shifts + [o.assignment.shift for o in offers], member, now=now, qualify=qualify, known=loaded
    )
    for shift in page_shifts:
        shift.confirmed_count = facts[shift.pk].confirmed  # type: ignore[attr-defined]  # as with_staffing() would
    links = Links(organisation.slug, back=query.encode())

    offer_cards = []
    for o in offers:
        # An offer she could take only by confirming (she is away then) shows with the shifts she cannot take.
        refused = rules.signup_refusals(facts[o.assignment.shift_id], capacity=False)
        confirm = rules.confirmable(refused) and not rules.signup_refusals(
            facts[o.assignment.shift_id], capacity=False, accepted=rules.CONFIRMABLE
        )
        if not refused or (query.show_all and confirm):
            shift = o.assignment.shift
            offer_cards.append(
                Card(
                    shift=shift,
                    when=shift_when(shift),
                    kind="offer",
                    offer=o,
                    refusals=refused,
                    confirm=confirm,
                    links=links,
                )
            )
    # A full shift a colleague offers her is shown once, as the offer: "take over", not "join the queue".
    offered = {card.shift.pk for card in offer_cards}
    by_day: dict[date, list[Card]] = defaultdict(list)
    count = 0
    for shift in page_shifts:
        refusals = rules.signup_refusals(facts[shift.pk])
        card = Card(
            shift=shift,
            when=shift_times(shift),
            kind="open",
            staffing_known=True,
            queued=shift.queued,  # annotated above
            refusals=refusals,
            confirm=rules.confirmable(refusals)
            and not rules.signup_refusals(facts[shift.pk], accepted=rules.CONFIRMABLE),
            links=links,
        )
        if refusals and not card.full:
            if not query.show_all:
                continue
            card.kind = "blocked"
            card.can_shadow = not rules.shadow_refusals(facts[shift.pk])
        elif card.full and shift.pk in offered:
            continue
        by_day[shift.local_date()].append(card)
        count += 1

    next_day = None
    if not count and query.after is None:
        # An empty week says when the next one comes (on the lines open to her at the week's end, not while away).
        coming = listed.filter(later, starts_at__gte=week_end).order_by("starts_at").values_list("starts_at", flat=True)
        next_start = coming.first()
        next_day = next_start.astimezone(zone).date() if next_start else None

    return OpenPage(
        query=query,
        week_label=week_label(monday),
        days=[Day(day, dateformat.format(day, "l j F"), cards) for day, cards in by_day.items()],
        offers=offer_cards,
        lines=[line for line in lines if line.active or line.pk == line_id],
        previous_week=monday - WEEK if monday > this_monday else None,
        next_week=monday + WEEK if monday < last_monday else None,
        more=more,
        cards=count,
        next_day=next_day,
        nothing_at_all=nothing_at_all,
        next_day_heading=dateformat.format(next_day, "l j F") if next_day else "",
    )


# -- her shifts ---------------------------------------------------------------------------------------------


@dataclass
class MinePage:
    cards: list[Card]
    waiting: list[Card]
    history: list[Card]
    hours_month: float
    hours_year: float
    shifts_month: int
    shifts_year: int
    shadow_tallies: list[ShadowTally] = field(default_factory=list)


def _co_volunteers(assignments: list[Assignment], member: Member) -> dict[int, list[CoVolunteer]]:
    """First names of the others on her shifts; a phone only when that colleague chose to share it (never
    for a member under protected identity: co_volunteer_contact decides)."""
    others: dict[int, list[CoVolunteer]] = defaultdict(list)
    rows = (
        Assignment.objects.active()
        .filter(shift__in=[a.shift_id for a in assignments])
        .exclude(member=member)
        .select_related("member")
        .order_by("created_at", "pk")
    )
    for a in rows:
        # On a national line's shift, a colleague from another shelter is never named (nor her phone given).
        own = a.member.organisation_id == member.organisation_id
        others[a.shift_id].append(
            CoVolunteer(
                first_name=colleague_label(a.member, member),
                phone=co_volunteer_contact(a.member) if own else "",
                shadow=a.status != "confirmed",
            )
        )
    return others


def mine_page(member: Member, now: datetime) -> MinePage:
    organisation = member.organisation
    links = Links(organisation.slug)
    mine = [a for a in _her_assignments(member, now) if a.shift.starts_at > now]
    others = _co_volunteers(mine, member)
    offered = {
        o.assignment_id: o
        for o in SwapOffer.objects.filter(assignment__in=[a.pk for a in mine], taken_at=None, withdrawn_at=None)
    }
    cards = [
        Card(
            shift=a.shift,
            when=shift_when(a.shift),
            kind="mine",
            assignment=a,
            offered=a.pk in offered,
            offer=offered.get(a.pk),
            co_volunteers=others.get(a.shift_id, []),
            release_open=may_release(a.shift, member, now),
            links=links,
        )
        for a in mine
    ]
    entries = (
        WaitingListEntry.objects.filter(member=member, shift__starts_at__gt=now, shift__cancelled_at=None)
        .select_related("shift__line__organisation")
        .order_by("shift__starts_at", "pk")
    )
    waiting = [Card(shift=e.shift, when=shift_when(e.shift), kind="waiting", entry=e, links=links) for e in entries]
    local_now = now.astimezone(organisation.zone)
    year_start = local_now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    month_start = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    done = (
        Assignment.objects.confirmed()
        .completed(now)
        .filter(member=member, shift__starts_at__gte=year_start)
        .select_related("shift__line__organisation")
        .order_by("-shift__starts_at", "-pk")
    )
    history = [
        Card(shift=a.shift, when=shift_when(a.shift), kind="history", assignment=a, hours=shift_hours(a.shift))
        for a in done
    ]
    in_month = [c for c in history if c.shift.starts_at >= month_start]
    tallies = (
        Assignment.objects.shadows()
        .completed(now)
        .filter(member=member)
        .order_by()
        .values("shift__line", "shift__line__name")
        .annotate(n=Count("pk"))
        .order_by("shift__line__name", "shift__line")
        .values_list("shift__line__name", "n")
    )
    return MinePage(
        cards=cards,
        waiting=waiting,
        history=history,
        hours_month=sum(c.hours for c in in_month),
        hours_year=sum(c.hours for c in history),
        shifts_month=len(in_month),
        shifts_year=len(history),
        shadow_tallies=[ShadowTally(line=name, count=n) for name, n in tallies],
    )


def next_shifts(member: Member, now: datetime, limit: int = 3) -> list[Card]:
    """Her next few shifts for the compact card on her start page (one query)."""
    links = Links(member.organisation.slug)  # her shelter's address, for a national line's shift too
    return [
        Card(shift=a.shift, when=shift_when(a.shift), kind="mine", assignment=a, links=links)
        for a in _her_assignments(member, now)
        if a.shift.starts_at > now
    ][:limit]
