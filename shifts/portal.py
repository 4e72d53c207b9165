"""The volunteer portal's read model: her shifts, the open shifts and offers she may take, her history.

Every page is built with a fixed number of queries whatever the number of shifts: the open page loads the
facts for all its shifts at once (`SignupFacts.for_shifts`) and runs the same rules as the services
(shifts/rules.py); a card's buttons follow from its refusal codes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count
from django.utils.translation import gettext as _

from members.models import Member, co_volunteer_contact

from . import rules
from .formatting import shift_when
from .models import Assignment, AssignmentStatus, Shift, SwapOffer, WaitingListEntry
from .rules import Refusal, SignupFacts


@dataclass
class CoVolunteer:
    first_name: str
    phone: str
    shadow: bool


@dataclass(frozen=True)
class Action:
    """One button on a card: a POST to the URL named `view` (with the shelter and `pk`)."""

    view: str
    pk: int
    label: str
    primary: bool = False


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

    @property
    def full(self) -> bool:
        """Full, and nothing else stands in her way: the waiting list is the way in."""
        return rules.full_only(self.refusals)

    @property
    def reasons(self) -> list[str]:
        """The refusals shown on the card (a full shift says so with its staffing and the queue button)."""
        return [] if self.full else [refusal.message for refusal in self.refusals]

    @property
    def actions(self) -> list[Action]:
        """The buttons: from the refusal codes on open and blocked cards, from her place on her own."""
        if self.done:
            return []
        shift, assignment, offer = self.shift, self.assignment, self.offer
        if self.kind == "open" and not self.refusals:
            return [Action("shifts:portal_take", shift.pk, _("Take the shift"), primary=True)]
        if self.kind == "open" and self.full and not self.queued:
            return [Action("shifts:portal_queue", shift.pk, _("Join the queue"))]
        if self.kind == "offer" and offer is not None:
            return [Action("shifts:portal_offer_take", offer.pk, _("Take over"), primary=True)]
        if self.kind == "mine" and assignment is not None:
            actions = [Action("shifts:portal_release", assignment.pk, _("Release"))]
            if self.offered and offer:
                actions.append(Action("shifts:portal_offer_withdraw", offer.pk, _("Withdraw the offer")))
            if not self.offered and assignment.status == AssignmentStatus.CONFIRMED:
                actions.append(Action("shifts:portal_offer", assignment.pk, _("Offer for swap")))
            return actions
        if self.kind == "blocked" and self.can_shadow:
            return [Action("shifts:portal_shadow", shift.pk, _("Sit beside"))]
        if self.kind == "waiting" and self.entry is not None:
            return [Action("shifts:portal_leave", self.entry.pk, _("Leave the queue"))]
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
    return list(
        Assignment.objects.for_organisation(member.organisation)
        .active()
        .filter(member=member, shift__cancelled_at=None, shift__ends_at__gt=now)
        .select_related("shift__line__organisation")
        .order_by("shift__starts_at", "pk")
    )


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
    queued = set(
        WaitingListEntry.objects.for_organisation(organisation)
        .filter(member=member, shift__starts_at__gt=now)
        .values_list("shift_id", flat=True)
    )
    facts = SignupFacts.for_shifts(shifts + [o.assignment.shift for o in offers], member, now=now)
    cards, blocked = [], []
    for shift in shifts:
        if facts[shift.pk].on_shift:
            continue
        card = Card(
            shift=shift,
            when=shift_when(shift),
            kind="open",
            staffing_known=True,
            queued=shift.pk in queued,
            refusals=rules.signup_refusals(facts[shift.pk]),
        )
        if card.refusals and not card.full:
            card.kind = "blocked"
            card.can_shadow = not rules.shadow_refusals(facts[shift.pk])
            blocked.append(card)
        else:
            cards.append(card)
    offer_cards = [
        Card(shift=o.assignment.shift, when=shift_when(o.assignment.shift), kind="offer", offer=o)
        for o in offers
        if not rules.signup_refusals(facts[o.assignment.shift_id], capacity=False)
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
