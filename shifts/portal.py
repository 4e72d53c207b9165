"""The volunteer portal's read model: her shifts, the open shifts and offers she may take, her history.

Every page is built with a fixed number of queries whatever the number of shifts. `signup_refusals` runs a few
queries per shift, so this module batches the same rules: it loads her assignments once (already on, overlap),
the trainings data once (`qualifier_for`), her completed shadow shifts per line once, and staffing through
`with_staffing()`. The cheap per-shift checkers of shifts/eligibility.py are called as they are; the messages of
the batched rules are the same sentences as theirs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, co_volunteer_contact

from . import eligibility
from .formatting import shift_when
from .models import Assignment, AssignmentStatus, Shift, SwapOffer, WaitingListEntry


@dataclass
class CoVolunteer:
    first_name: str
    phone: str
    shadow: bool


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
    full: bool = False
    queued: bool = False
    offered: bool = False
    reasons: list[str] = field(default_factory=list)
    co_volunteers: list[CoVolunteer] = field(default_factory=list)
    hours: float = 0.0
    note: str = ""
    note_kind: str = ""
    done: bool = False
    can_shadow: bool = False


@dataclass
class ShadowTally:
    """Her completed shadow shifts (bisittningar) on one line."""

    line: str
    count: int


def shift_hours(shift: Shift) -> float:
    """Real elapsed time (UTC arithmetic), so a shift over a daylight-saving night has its true length."""
    return (shift.ends_at - shift.starts_at).total_seconds() / 3600


def _her_assignments(member: Member, now: datetime) -> list[Assignment]:
    return list(
        Assignment.objects.for_organisation(member.organisation)
        .active()
        .filter(member=member, shift__cancelled_at=None, shift__ends_at__gt=now)
        .select_related("shift__line__organisation")
        .order_by("shift__starts_at", "pk")
    )


class BatchedRefusals:
    """`signup_refusals` for one member over many shifts with a fixed number of queries."""

    def __init__(self, member: Member, shifts: list[Shift], now: datetime, her_assignments: list[Assignment]):
        self.member, self.now = member, now
        self.on_shift = {a.shift_id for a in her_assignments}
        self.busy = [(a.shift_id, a.shift.starts_at, a.shift.ends_at) for a in her_assignments]
        self.qualify = eligibility.qualifier_for(member.organisation, [member], {s.local_date() for s in shifts})
        rows = (
            Assignment.objects.shadows()
            .completed(now)
            .filter(member=member)
            .order_by()
            .values("shift__line")
            .annotate(n=Count("pk"))
            .values_list("shift__line", "n")
        )
        self.shadow_done = dict(rows)
        self._experience(shifts)

    def _experience(self, shifts: list[Shift]) -> None:
        """Who is experienced on the lines that keep the last place for one (two queries, only when needed)."""
        self.takers: dict[int, list[int]] = defaultdict(list)
        self.completed: dict[tuple[int, int], int] = {}
        last_place = [
            s
            for s in shifts
            if s.line.needs_experienced and getattr(s, "confirmed_count", None) == s.max_volunteers - 1
        ]
        if not last_place:
            return
        for shift_id, member_id in (
            Assignment.objects.confirmed()
            .filter(shift__in=[s.pk for s in last_place])
            .values_list("shift_id", "member_id")
        ):
            self.takers[shift_id].append(member_id)
        members = {m for ids in self.takers.values() for m in ids} | {self.member.pk}
        rows = (
            Assignment.objects.confirmed()
            .completed(self.now)
            .filter(member__in=members, shift__line__in={s.line_id for s in last_place})
            .order_by()
            .values("member", "shift__line")
            .annotate(n=Count("pk"))
            .values_list("member", "shift__line", "n")
        )
        self.completed = {(m, line): n for m, line, n in rows}

    def _experienced(self, member_id: int, shift: Shift) -> bool:
        return self.completed.get((member_id, shift.line_id), 0) >= shift.line.experienced_after_shifts

    def reasons(self, shift: Shift, *, check_capacity: bool = True) -> list[str]:
        """The same reasons, in the same order, as eligibility.signup_refusals."""
        member, now = self.member, self.now
        if reason := eligibility.reason_not_in_shelter(shift, member):
            return [reason]
        reasons = [
            r
            for r in (
                eligibility.reason_cancelled(shift),
                eligibility.reason_started(shift, now),
                eligibility.reason_outside_window(shift, now),
            )
            if r
        ]
        if shift.pk in self.on_shift:
            reasons.append(_("You are already on this shift."))
        if any(sid != shift.pk and s < shift.ends_at and e > shift.starts_at for sid, s, e in self.busy):
            reasons.append(_("You already have a shift at that time."))
        reasons += self.qualify(member, shift.line, shift.local_date())
        needed = shift.line.required_shadow_shifts
        done = self.shadow_done.get(shift.line_id, 0)
        if needed and done < needed:
            reasons.append(
                ngettext(
                    "You need %(needed)d completed shadow shift on this line (you have %(done)d).",
                    "You need %(needed)d completed shadow shifts on this line (you have %(done)d).",
                    needed,
                )
                % {"needed": needed, "done": done}
            )
        if check_capacity and not reasons:
            if shift.confirmed_count >= shift.max_volunteers:
                reasons.append(_("The shift is full. You can join the waiting list."))
            elif (
                shift.line.needs_experienced
                and shift.confirmed_count + 1 >= shift.max_volunteers
                and not self._experienced(member.pk, shift)
                and not any(self._experienced(t, shift) for t in self.takers.get(shift.pk, []))
            ):
                reasons.append(_("The last place is kept for an experienced volunteer."))
        return reasons

    def shadow_open(self, shifts: list[Shift]) -> set[int]:
        """The shifts she may join as a shadow: `eligibility.shadow_refusals` gives no reason (two queries at
        most, whatever the number of shifts)."""
        member, now = self.member, self.now
        candidates = []
        for shift in shifts:
            if eligibility.reason_not_in_shelter(shift, member):
                continue
            if (
                eligibility.reason_cancelled(shift)
                or eligibility.reason_started(shift, now)
                or eligibility.reason_outside_window(shift, now)
            ):
                continue
            if shift.pk in self.on_shift:
                continue
            if any(sid != shift.pk and s < shift.ends_at and e > shift.starts_at for sid, s, e in self.busy):
                continue
            candidates.append(shift)
        if not candidates:
            return set()
        confirmed: dict[int, list[int]] = defaultdict(list)
        shadows: dict[int, int] = defaultdict(int)
        for shift_id, member_id, status in (
            Assignment.objects.active()
            .filter(shift__in=[s.pk for s in candidates])
            .values_list("shift_id", "member_id", "status")
        ):
            if status == AssignmentStatus.CONFIRMED:
                confirmed[shift_id].append(member_id)
            else:
                shadows[shift_id] += 1
        members = {m for ids in confirmed.values() for m in ids}
        done: dict[tuple[int, int], int] = {}
        if members:
            rows = (
                Assignment.objects.confirmed()
                .completed(now)
                .filter(member__in=members, shift__line__in={s.line_id for s in candidates})
                .order_by()
                .values("member", "shift__line")
                .annotate(n=Count("pk"))
                .values_list("member", "shift__line", "n")
            )
            done = {(m, line): n for m, line, n in rows}
        result = set()
        for shift in candidates:
            experienced = [
                m
                for m in confirmed.get(shift.pk, [])
                if done.get((m, shift.line_id), 0) >= shift.line.experienced_after_shifts
            ]
            if experienced and shadows.get(shift.pk, 0) < len(experienced):
                result.add(shift.pk)
        return result


def full_reason() -> str:
    return _("The shift is full. You can join the waiting list.")


@dataclass
class OpenPage:
    cards: list[Card]
    blocked: list[Card]
    offers: list[Card]


def open_page(member: Member, now: datetime) -> OpenPage:
    """Open shifts in the sign-up window (those she may take, and the others with their reasons) and the swap
    offers she may take."""
    organisation = member.organisation
    shifts = list(
        Shift.objects.for_organisation(organisation)
        .not_cancelled()
        .filter(starts_at__gt=now, starts_at__lte=now + timedelta(days=organisation.signup_window_days))
        .with_staffing()
        .select_related("line__organisation")
        .order_by("starts_at", "pk")
    )
    offers = list(
        SwapOffer.objects.for_organisation(organisation)
        .open(now)
        .exclude(assignment__member=member)
        .select_related("assignment__shift__line__organisation")
        .order_by("assignment__shift__starts_at", "pk")
    )
    mine = _her_assignments(member, now)
    queued = set(
        WaitingListEntry.objects.for_organisation(organisation)
        .filter(member=member, shift__starts_at__gt=now)
        .values_list("shift_id", flat=True)
    )
    refusals = BatchedRefusals(member, shifts + [o.assignment.shift for o in offers], now, mine)
    full = full_reason()
    cards, blocked = [], []
    for shift in shifts:
        if shift.pk in refusals.on_shift:
            continue
        reasons = refusals.reasons(shift)
        card = Card(shift=shift, when=shift_when(shift), kind="open", staffing_known=True, queued=shift.pk in queued)
        if reasons and reasons != [full]:
            card.kind, card.reasons = "blocked", reasons
            blocked.append(card)
        else:
            card.full = bool(reasons)
            cards.append(card)
    can_shadow = refusals.shadow_open([c.shift for c in blocked])
    for card in blocked:
        card.can_shadow = card.shift.pk in can_shadow
    offer_cards = [
        Card(shift=o.assignment.shift, when=shift_when(o.assignment.shift), kind="offer", offer=o)
        for o in offers
        if not refusals.reasons(o.assignment.shift, check_capacity=False)
    ]
    # A full shift a colleague offers her is shown once, as the offer: "take over", not "join the queue".
    offered = {card.shift.pk for card in offer_cards}
    cards = [card for card in cards if not (card.full and card.shift.pk in offered)]
    return OpenPage(cards=cards, blocked=blocked, offers=offer_cards)


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
        others[a.shift_id].append(
            CoVolunteer(
                first_name=a.member.first_name,
                phone=co_volunteer_contact(a.member),
                shadow=a.status != "confirmed",
            )
        )
    return others


def mine_page(member: Member, now: datetime) -> MinePage:
    organisation = member.organisation
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
        )
        for a in mine
    ]
    entries = (
        WaitingListEntry.objects.for_organisation(organisation)
        .filter(member=member, shift__starts_at__gt=now, shift__cancelled_at=None)
        .select_related("shift__line__organisation")
        .order_by("shift__starts_at", "pk")
    )
    waiting = [Card(shift=e.shift, when=shift_when(e.shift), kind="waiting", entry=e) for e in entries]
    local_now = now.astimezone(organisation.zone)
    year_start = local_now.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    month_start = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    done = (
        Assignment.objects.for_organisation(organisation)
        .confirmed()
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
        Assignment.objects.for_organisation(organisation)
        .shadows()
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
    return [
        Card(shift=a.shift, when=shift_when(a.shift), kind="mine", assignment=a)
        for a in _her_assignments(member, now)
        if a.shift.starts_at > now
    ][:limit]
