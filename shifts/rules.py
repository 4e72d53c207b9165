"""May this member take this shift? The one rule engine of the rota.

Each rule is a small function over a `SignupFacts` value that yields the `Refusal`s (code + translated message)
it finds, nothing when she passes. The facts are loaded by `SignupFacts.for_shifts`: for one shift inside a
service (after the shift row is locked) or for a whole portal page, with the same, fixed number of queries
whatever the number of shifts. Services and pages run the same rule sets (`SIGNUP_RULES`, `HANDOVER_RULES`,
`SHADOW_RULES`); what to do next (offer the waiting list, show a button) is read from the codes.

A rule set is a tuple of stages. The stages run in order and the first one that refuses gives the answer:
someone outside the shelter hears only that, and "full" is said only when nothing else stands in her way.
Adding a rule: docs/rules.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, MemberStatus

from .models import Assignment, AssignmentStatus, Line, Shift

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
    # Refused by a service around the rules, not by a rule.
    PLACES_FREE = "places_free"
    ALREADY_QUEUED = "already_queued"
    OFFER_GONE = "offer_gone"
    OWN_OFFER = "own_offer"
    OVERRIDE_NEEDS_REASON = "override_needs_reason"


@dataclass(frozen=True)
class Refusal:
    code: Code
    message: str


@dataclass(frozen=True)
class Place:
    """One of her active places (confirmed or shadow)."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    cancelled: bool


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
        cls, shifts: Iterable[Shift], member: Member, *, now: datetime, qualify: QualificationReasons | None = None
    ) -> dict[int, SignupFacts]:
        """The facts for many shifts and one member, keyed by shift pk, in a fixed number of queries: her places,
        the lines' courses and her trainings (without `qualify`), her shadow shifts (when a line asks for them),
        who is on the shifts, and who is experienced (when it can matter)."""
        shifts = list({shift.pk: shift for shift in shifts}.values())
        if not shifts:
            return {}
        places = _her_places(member, shifts)
        missing = qualify or _qualifier(member, shifts)
        shadow_done = _shadow_shifts_done(member, shifts, now)
        confirmed, shadows = _people_on(shifts)
        completed = _completed_shifts(member, shifts, confirmed, now)

        def experienced(member_id: int, line: Line) -> bool:
            return completed.get((member_id, line.pk), 0) >= line.experienced_after_shifts

        return {
            shift.pk: cls(
                shift=shift,
                member=member,
                now=now,
                her_places=tuple(
                    p for p in places if p.starts_at < shift.ends_at + WEEK and p.ends_at > shift.starts_at - WEEK
                ),
                missing=tuple(missing(member, shift.line, shift.local_date())),
                shadow_shifts_done=shadow_done.get(shift.line_id, 0),
                confirmed=len(confirmed[shift.pk]),
                shadows=shadows[shift.pk],
                experienced_on_shift=sum(experienced(m, shift.line) for m in confirmed[shift.pk]),
                experienced=experienced(member.pk, shift.line),
            )
            for shift in shifts
        }


# -- loading, each once for all the shifts ------------------------------------------------------------


def _her_places(member: Member, shifts: list[Shift]) -> list[Place]:
    rows = (
        Assignment.objects.active()
        .filter(member=member)
        .filter(
            Q(shift__in=[s.pk for s in shifts])
            | Q(
                shift__starts_at__lt=max(s.ends_at for s in shifts) + WEEK,
                shift__ends_at__gt=min(s.starts_at for s in shifts) - WEEK,
            )
        )
        .values_list("shift_id", "shift__starts_at", "shift__ends_at", "shift__cancelled_at")
    )
    return [Place(shift_id, starts, ends, cancelled is not None) for shift_id, starts, ends, cancelled in rows]


def _qualifier(member: Member, shifts: list[Shift]) -> QualificationReasons:
    """The trainings check (courses, pledge, record extract on the shift's date) for these shifts' lines, with
    the lines' courses in one query and her trainings loaded once per shelter."""
    from trainings.qualification import QualificationChecker

    from .requirements import requirements_by_line

    lines = {s.line_id: s.line for s in shifts}
    requirements = requirements_by_line(list(lines.values()))
    dates = {s.local_date() for s in shifts}
    checkers: dict[int, QualificationChecker] = {}

    def reasons(member: Member, line: Line, on_date: date) -> list[str]:
        if line.organisation_id not in checkers:
            checkers[line.organisation_id] = QualificationChecker(line.organisation, [member], on_dates=dates)
        return checkers[line.organisation_id].reasons(member, requirements[line.pk], on=on_date)

    return reasons


def _shadow_shifts_done(member: Member, shifts: list[Shift], now: datetime) -> dict[int, int]:
    rows = (
        Assignment.objects.shadows()
        .completed(now)
        .filter(member=member, shift__line__in={s.line_id for s in shifts})
        .order_by()
        .values("shift__line")
        .annotate(n=Count("pk"))
        .values_list("shift__line", "n")
    )
    return dict(rows)


def _people_on(shifts: list[Shift]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Who has a confirmed place on each shift, and how many shadows sit there."""
    confirmed: dict[int, list[int]] = defaultdict(list)
    shadows: dict[int, int] = defaultdict(int)
    rows = (
        Assignment.objects.active()
        .filter(shift__in=[s.pk for s in shifts])
        .values_list("shift_id", "member_id", "status")
    )
    for shift_id, member_id, status in rows:
        if status == AssignmentStatus.CONFIRMED:
            confirmed[shift_id].append(member_id)
        else:
            shadows[shift_id] += 1
    return confirmed, shadows


def _completed_shifts(
    member: Member, shifts: list[Shift], confirmed: dict[int, list[int]], now: datetime
) -> dict[tuple[int, int], int]:
    """Completed confirmed shifts per (member, line), of her and of those on the shifts (who is experienced)."""
    members = {m for s in shifts for m in confirmed[s.pk]} | {member.pk}
    rows = (
        Assignment.objects.confirmed()
        .completed(now)
        .filter(member__in=members, shift__line__in={s.line_id for s in shifts})
        .order_by()
        .values("member", "shift__line")
        .annotate(n=Count("pk"))
        .values_list("member", "shift__line", "n")
    )
    return {(m, line): n for m, line, n in rows}


# -- one rule each ---------------------------------------------------------------------------------

Rule = Callable[[SignupFacts], Iterator[Refusal]]


def member_of_shelter(facts: SignupFacts) -> Iterator[Refusal]:
    member = facts.member
    if member.organisation_id != facts.shift.line.organisation_id or member.erased_at is not None:
        yield Refusal(Code.NOT_IN_SHELTER, _("You are not a member of this shelter."))


def membership_active(facts: SignupFacts) -> Iterator[Refusal]:
    if facts.member.status in (MemberStatus.LEFT, MemberStatus.PAUSED):
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


# -- the rule sets, in one place ---------------------------------------------------------------------

Stages = tuple[tuple[Rule, ...], ...]

_MEMBERSHIP: Stages = ((member_of_shelter,), (membership_active,))
_SHIFT_OPEN = (not_cancelled, not_started, inside_signup_window, not_on_it_already, no_overlap)

# Taking an open place.
SIGNUP_RULES: Stages = (
    *_MEMBERSHIP,
    (*_SHIFT_OPEN, qualified, shadow_shifts_done),
    (place_free, last_place_for_experienced),
)
# Taking a place handed over (a swap) or queueing for one: the same, but the place is not hers to count.
HANDOVER_RULES: Stages = SIGNUP_RULES[:-1]
# Sitting beside an experienced volunteer (bisittning): no training needed, but a free seat beside one.
SHADOW_RULES: Stages = (*_MEMBERSHIP, _SHIFT_OPEN, (experienced_to_sit_beside,))
# Offering her own place for a swap.
OFFER_RULES: Stages = ((not_cancelled, not_started),)


def refusals(facts: SignupFacts, rules: Stages) -> list[Refusal]:
    """Every refusal of the first stage that refuses (empty: she may)."""
    for stage in rules:
        if found := [refusal for rule in stage for refusal in rule(facts)]:
            return found
    return []


def signup_refusals(facts: SignupFacts, *, capacity: bool = True) -> list[Refusal]:
    """Why she may not take the shift now (empty: she may); `capacity=False` leaves out a full shift and the
    last place (a handed-over place, the waiting list)."""
    return refusals(facts, SIGNUP_RULES if capacity else HANDOVER_RULES)


def shadow_refusals(facts: SignupFacts) -> list[Refusal]:
    return refusals(facts, SHADOW_RULES)


def codes(found: Iterable[Refusal]) -> list[Code]:
    return [refusal.code for refusal in found]


def full_only(found: Iterable[Refusal]) -> bool:
    """The shift is full and nothing else stands in her way: the waiting list is the way in."""
    return codes(found) == [Code.FULL]
