"""Call-outs (förfrågan om pass): a coordinator asks chosen volunteers, discreetly, to take a gap.

One call-out per shift at a time, asking for `places` places (the missing ones by default: minimum − confirmed,
at least 1, at most the free ones). Each volunteer asked gets a `CallOutAsk` and one notice through the outbox
(`callout_ask`, planned in the call-out's own transaction, so it is sent exactly once): "Ett pass behöver dig:
tors 20–23. Svara i Jourplan." and her link. The link names no shelter: `/answer/<token>/`, the token signed
(django.core.signing, salt `SALT`) over the ask's pk and its random key, so it answers that one ask only, works
without a login, and can do no more than take or decline that one shift for her.

Taking the place goes through `shift_sign_up` (the same rules, the same lock on the shift row), so the first to
accept get the places; when they are filled the call-out ends and the others still unanswered are told
(`callout_filled`). An ask expires at the shift's start. Lock order everywhere: the shift, the call-out, the ask.

A national line's shift (issue 20) has one call-out at a time too, shared by the shelters taking part: each
shelter's coordinator asks only her own volunteers let in on the line (`_may_call_out`, `_eligible_members`), at
most MAX_ASKED of them, and sees only her own shelter's asks (`national_callout_counts`). When one shelter closes
its part early while others still ask, its asks move to a call-out of their own, closed (`_close_own_part`); the
shared one goes on. A filled shift ends it for every shelter.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.core import signing
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from core.errors import JourplanError
from core.models import Organisation
from members.models import Member
from notices.outbox import notice_plan_many, site_url

from . import rules
from .candidates import candidates_for, closed_refusals, national_candidates
from .models import (
    AskAnswer,
    Assignment,
    AssignmentStatus,
    CallOut,
    CallOutAsk,
    CallOutEnd,
    NationalParticipation,
    Shift,
)
from .rules import QualificationReasons, Refusal, SignupFacts
from .services import SignupRefused, _lock, _same_shelter_coordinator, shift_sign_up

SALT = "shifts.callouts.answer"
# A call-out asks at most this many volunteers ("everyone who may take it" included): a call-out is a few
# discreet asks, not a mass mailing, and the coordinator's list of answers stays bounded.
MAX_ASKED = 40
# The shift page shows the open call-out and at most this many earlier ones.
EARLIER_SHOWN = 3


class CallOutError(JourplanError):
    """A call-out could not be sent or closed (the reason in words)."""


class Outcome(StrEnum):
    """Where an ask stands, or what answering it did: the answer page reads these."""

    OPEN = "open"  # she may answer
    TAKEN = "taken"  # she took the place now
    DECLINED = "declined"  # she said she cannot now
    ANSWERED = "answered"  # she had already answered (a reused link)
    STARTED = "started"  # the shift has started: the ask expired
    CANCELLED = "cancelled"
    FILLED = "filled"  # the call-out's places (or the shift) are filled
    CLOSED = "closed"  # a coordinator closed the call-out early
    REFUSED = "refused"  # a rule refuses her now (with the reasons)


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    refusals: tuple[Refusal, ...] = ()


# -- her link ------------------------------------------------------------------------------------------------


def answer_token(ask: CallOutAsk) -> str:
    """The signed token of her link: this ask's pk and random key (the key keeps a token from ever answering a
    later row that got the same pk). Deterministic, so the notice renders the same link at send time."""
    return signing.Signer(salt=SALT).sign(f"{ask.pk}.{ask.key}")


def answer_url(ask: CallOutAsk) -> str:
    """Her link, absolute and without the shelter's name: /answer/<token>/."""
    return site_url(reverse("callout_answer", kwargs={"token": answer_token(ask)}))


def ask_for_token(token: str) -> CallOutAsk | None:
    """The ask a token answers, with its call-out, shift, line, shelter and member loaded (one query); None for a
    forged, altered or unknown token."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    pk, _dot, key = value.partition(".")
    if not pk.isdigit():
        return None
    ask = (
        CallOutAsk.objects.select_related("callout__shift__line__organisation", "member__organisation")
        .filter(pk=int(pk))
        .first()
    )
    if ask is None or not constant_time_compare(ask.key, key):
        return None
    return ask


# -- how a shift is written in the ask -------------------------------------------------------------------------


def _clock(moment: datetime) -> str:
    """ "20" for 20:00, "20:30" otherwise."""
    return str(moment.hour) if moment.minute == 0 else f"{moment:%H:%M}"


def ask_when(shift: Shift, now: datetime) -> str:
    """The short form for the message, in the active language: "tors 20–23" for a shift in the coming week,
    "tors 18 dec 20–23" further ahead (the weekday alone would be ambiguous)."""
    zone = shift.line.organisation.zone
    starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    soon = (starts.date() - now.astimezone(zone).date()).days < 7
    day = dateformat.format(starts, "D" if soon else "D j b")
    return f"{day} {_clock(starts)}–{_clock(ends)}"


def answer_page_when(shift: Shift) -> str:
    """The answer page's long form: "torsdag 11 december 20:00–23:00"."""
    zone = shift.line.organisation.zone
    starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return f"{dateformat.format(starts, 'l j F')} {starts:%H:%M}–{ends:%H:%M}"


# -- where an ask stands ---------------------------------------------------------------------------------------


def _confirmed(shift: Shift) -> int:
    return Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED).count()


def ask_state(ask: CallOutAsk, now: datetime, *, confirmed: int | None = None) -> Outcome:
    """Whether she may still answer (OPEN) or why not, from the ask, its call-out and its shift as loaded; with
    `confirmed` (the shift's confirmed places) a full shift reads as FILLED."""
    callout, shift = ask.callout, ask.callout.shift
    if ask.answer:
        return Outcome.ANSWERED
    if shift.cancelled_at is not None:
        return Outcome.CANCELLED
    if shift.starts_at <= now:
        return Outcome.STARTED
    if callout.ended == CallOutEnd.FILLED or (confirmed is not None and confirmed >= shift.max_volunteers):
        return Outcome.FILLED
    if callout.closed_at is not None:
        return Outcome.CLOSED
    return Outcome.OPEN


def ask_opened(*, ask: CallOutAsk, now: datetime | None = None) -> None:
    """Record the first time her link was opened (a GET changes nothing else). A mail scanner that fetches links
    before she reads them records it too: docs/notices.md."""
    now = now or timezone.now()
    if ask.opened_at is None:
        CallOutAsk.objects.filter(pk=ask.pk, opened_at=None).update(opened_at=now)
        ask.opened_at = now


# -- writes ----------------------------------------------------------------------------------------------------


def _end(callout: CallOut, how: str, now: datetime, *, by: Member | None = None, sparing: int | None = None) -> int:
    """End the (locked) call-out and tell those asked who have not answered (all but the ask `sparing`, who is on
    the page). Returns the number of notices planned."""
    callout.closed_at, callout.ended, callout.closed_by = now, how, by
    callout.save(update_fields=["closed_at", "ended", "closed_by"])
    waiting = CallOutAsk.objects.filter(callout=callout, answer="").select_related("member")
    if sparing is not None:
        waiting = waiting.exclude(pk=sparing)
    rows = [
        {"recipient": ask.member, "kind": "callout_filled", "subject": ask, "variant": how, "due_at": now}
        for ask in waiting
    ]
    return notice_plan_many(rows)


def _may_call_out(by: Member, shift: Shift) -> bool:
    """A coordinator (or admin) of the shift's shelter; on a national line's shift, of a shelter taking part."""
    if _same_shelter_coordinator(by, shift):
        return True
    return bool(
        shift.line.organisation.national
        and by.is_coordinator
        and by.erased_at is None
        and NationalParticipation.objects.filter(
            line=shift.line_id, organisation=by.organisation_id, accepted_at__isnull=False
        ).exists()
    )


def _eligible_members(shift: Shift, members: Sequence[Member], now: datetime, *, by: Member) -> list[Member]:
    """The chosen members, checked: members of the shift's shelter now (on a national line's shift: of her own
    shelter and let in on the line), and allowed by the sign-up rules."""
    ids = {member.pk for member in members}
    if shift.line.organisation.national:
        found = list(
            Member.objects.for_organisation(by.organisation)
            .current()
            .filter(pk__in=ids, national_lines__line=shift.line_id)
        )
        if len(found) != len(ids):
            raise CallOutError(_("Only volunteers of your shelter who are let in on this national line can be asked."))
    else:
        found = list(Member.objects.for_organisation(shift.line.organisation).current().filter(pk__in=ids))
        if len(found) != len(ids):
            raise CallOutError(_("Only current members of this shelter can be asked."))
    facts = SignupFacts.for_members(shift, found, now=now)
    refused = []
    for member in found:
        found_refusals = rules.signup_refusals(facts[member.pk])
        if found_refusals and not rules.full_only(found_refusals):
            reasons = " ".join(refusal.to_coordinator for refusal in found_refusals)
            refused.append(f"{member.full_name}: {reasons}")
    if refused:
        raise CallOutError(_("Only those who may take the shift can be asked.") + " " + " ".join(refused))
    return found


@transaction.atomic
def callout_send(
    *,
    shift: Shift,
    by: Member,
    members: Sequence[Member] | None = None,
    places: int | None = None,
    now: datetime | None = None,
) -> CallOut:
    """Ask `members` (each must be allowed to take the shift now) or, with None, everyone the rules allow (at most
    MAX_ASKED, those with the fewest shifts in the month first) to take the shift. Asking again while a call-out
    is open adds the new names to it. The call-out, its asks and their notices are one transaction. Raises
    CallOutError when she is no coordinator of the shelter, the shift is closed or full, or nobody is left."""
    now = now or timezone.now()
    if members is not None and not members:
        raise CallOutError(_("Choose whom to ask, or ask everyone who may take the shift."))
    shift = _lock(shift)
    if not _may_call_out(by, shift):
        raise CallOutError(_("Only a coordinator of this shelter can send a call-out."))
    national = shift.line.organisation.national
    if closed := closed_refusals(shift, now):
        raise CallOutError(" ".join(refusal.message for refusal in closed))
    confirmed = _confirmed(shift)
    free = shift.max_volunteers - confirmed
    if free <= 0:
        raise CallOutError(_("The shift is full."))
    callout = CallOut.objects.select_for_update().filter(shift=shift, closed_at=None).first()
    earlier = CallOutAsk.objects.filter(callout=callout)
    if national:  # each shelter asks its own volunteers, at most MAX_ASKED of them
        earlier = earlier.filter(member__organisation=by.organisation_id)
    asked = set(earlier.values_list("member_id", flat=True)) if callout else set()
    if members is None:
        if national:
            found = national_candidates(shift, by.organisation, now, weighed=2 * MAX_ASKED)
        else:
            found = [
                each.member for each in candidates_for(shift, now, shown=MAX_ASKED, weighed=2 * MAX_ASKED).eligible
            ]
        chosen = [member for member in found if member.pk not in asked]
        chosen = chosen[: MAX_ASKED - len(asked)]
    else:
        chosen = [member for member in _eligible_members(shift, members, now, by=by) if member.pk not in asked]
        if len(asked) + len(chosen) > MAX_ASKED:
            raise CallOutError(_("A call-out can ask at most %(count)d volunteers.") % {"count": MAX_ASKED})
    if not chosen:
        raise CallOutError(
            _("Everyone chosen has already been asked.") if members else _("Nobody may take the shift now.")
        )
    if callout is None:
        places = places or max(shift.min_volunteers - confirmed, 1)
        if not 1 <= places <= free:
            raise CallOutError(
                ngettext("The shift has %(count)d free place.", "The shift has %(count)d free places.", free)
                % {"count": free}
            )
        callout = CallOut.objects.create(shift=shift, places=places, created_by=by, created_at=now)
    asks = CallOutAsk.objects.bulk_create(
        CallOutAsk(callout=callout, member=member, key=secrets.token_urlsafe(6), created_at=now) for member in chosen
    )
    notice_plan_many({"recipient": ask.member, "kind": "callout_ask", "subject": ask, "due_at": now} for ask in asks)
    return callout


@transaction.atomic
def callout_close(*, callout: CallOut, by: Member, now: datetime | None = None) -> int:
    """A coordinator ends the call-out early; those asked who have not answered are told (the number planned)."""
    now = now or timezone.now()
    shift = _lock(callout.shift)
    if not _may_call_out(by, shift):
        raise CallOutError(_("Only a coordinator of this shelter can close a call-out."))
    callout = CallOut.objects.select_for_update().get(pk=callout.pk)
    if callout.closed_at is not None:
        raise CallOutError(_("The call-out has already ended."))
    if shift.line.organisation.national:
        return _close_own_part(callout, by, now)
    return _end(callout, CallOutEnd.CLOSED, now, by=by)


def _close_own_part(callout: CallOut, by: Member, now: datetime) -> int:
    """On a national line's shift, a shelter's coordinator closes her shelter's part of the (locked) shared
    call-out: when no other shelter asks in it, the call-out ends; otherwise her shelter's asks move to a call-out
    of their own, ended, and the shared one goes on for the others (asking for the places her volunteers did not
    take). Those of hers who have not answered are told; nobody of another shelter is."""
    asks = CallOutAsk.objects.filter(callout=callout)
    own = asks.filter(member__organisation=by.organisation_id)
    if not own.exists():
        raise CallOutError(_("Your shelter has asked nobody in this call-out."))
    if not asks.exclude(member__organisation=by.organisation_id).exists():
        return _end(callout, CallOutEnd.CLOSED, now, by=by)
    taken = own.filter(answer=AskAnswer.TAKEN).count()
    part = CallOut.objects.create(
        shift=callout.shift,
        places=max(taken, 1),
        created_by=by,
        created_at=min(own.values_list("created_at", flat=True)),
        closed_at=now,
        ended=CallOutEnd.CLOSED,
        closed_by=by,
    )
    own.update(callout=part)
    if taken:
        callout.places = max(callout.places - taken, 1)
        callout.save(update_fields=["places"])
    return _end(part, CallOutEnd.CLOSED, now, by=by)


@transaction.atomic
def callout_answer(
    *, ask: CallOutAsk, take: bool, now: datetime | None = None, qualify: QualificationReasons | None = None
) -> Answer:
    """Her answer from her link. "Take" signs her up through `shift_sign_up` (the same rules, the same lock): the
    first to accept get the call-out's places; the one who fills them ends the call-out and the others still
    unanswered are told. A refusal by a rule is recorded (the coordinator sees why) and she may try again; an
    ask that no longer applies (answered, started, cancelled, filled, closed) changes nothing."""
    now = now or timezone.now()
    shift = _lock(ask.callout.shift)
    callout = CallOut.objects.select_for_update().get(pk=ask.callout_id)
    ask = CallOutAsk.objects.select_for_update().select_related("member__organisation").get(pk=ask.pk)
    callout.shift, ask.callout = shift, callout
    if (state := ask_state(ask, now)) != Outcome.OPEN:
        return Answer(state)
    if ask.opened_at is None:  # she answered, so she opened it (from a form kept open, or without a GET)
        ask.opened_at = now
        ask.save(update_fields=["opened_at"])
    if not take:
        ask.answer, ask.answered_at = AskAnswer.DECLINED, now
        ask.save(update_fields=["answer", "answered_at"])
        return Answer(Outcome.DECLINED)
    try:
        assignment = shift_sign_up(shift=shift, member=ask.member, now=now, qualify=qualify)
    except SignupRefused as refused:
        if refused.full:  # filled by other ways in: nothing left to ask for
            _end(callout, CallOutEnd.FILLED, now, sparing=ask.pk)
            return Answer(Outcome.FILLED)
        ask.refused_at = now
        ask.refusal = " ".join(refusal.to_coordinator for refusal in refused.refusals)[:500]
        ask.save(update_fields=["refused_at", "refusal"])
        return Answer(Outcome.REFUSED, tuple(refused.refusals))
    ask.answer, ask.answered_at, ask.assignment = AskAnswer.TAKEN, now, assignment
    ask.save(update_fields=["answer", "answered_at", "assignment"])
    if CallOutAsk.objects.filter(callout=callout, answer=AskAnswer.TAKEN).count() >= callout.places:
        _end(callout, CallOutEnd.FILLED, now)
    return Answer(Outcome.TAKEN)


# -- what the coordinator reads --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskLine:
    """One volunteer asked, as the coordinator sees her: who, when she opened the link, what she answered."""

    name: str
    member_id: int
    opened_at: datetime | None
    answer: str  # AskAnswer, or "" (no answer yet)
    answered_at: datetime | None
    refused_at: datetime | None
    refusal: str

    @property
    def answer_text(self) -> str:
        if self.answer == AskAnswer.TAKEN:
            return _("Took the shift")
        if self.answer == AskAnswer.DECLINED:
            return _("Cannot")
        if self.refused_at is not None:
            return _("Tried, but was refused")
        return _("No answer yet")


@dataclass(frozen=True)
class CallOutSummary:
    pk: int
    places: int
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    ended: str  # CallOutEnd or ""
    is_open: bool
    asks: tuple[AskLine, ...]

    @property
    def taken(self) -> int:
        return sum(ask.answer == AskAnswer.TAKEN for ask in self.asks)

    @property
    def declined(self) -> int:
        return sum(ask.answer == AskAnswer.DECLINED for ask in self.asks)

    @property
    def opened(self) -> int:
        return sum(ask.opened_at is not None for ask in self.asks)

    @property
    def status_text(self) -> str:
        if self.is_open:
            return pgettext("call-out", "Open")
        if self.ended == CallOutEnd.FILLED:
            return pgettext("call-out", "Filled")
        if self.ended == CallOutEnd.CLOSED:
            return pgettext("call-out", "Closed")
        return pgettext("call-out", "Expired")

    @property
    def summary(self) -> str:
        """ "1 of 2 places taken · 5 asked, 3 opened, 1 cannot"."""
        return answers_in_words(self.taken, self.places, len(self.asks), self.opened, self.declined)


def answers_in_words(taken: int, places: int, asked: int, opened: int, declined: int) -> str:
    parts = [
        ngettext("%(taken)d of %(places)d place taken", "%(taken)d of %(places)d places taken", places)
        % {"taken": taken, "places": places},
        ngettext("%(count)d asked", "%(count)d asked", asked) % {"count": asked},
        ngettext("%(count)d opened", "%(count)d opened", opened) % {"count": opened},
        ngettext("%(count)d cannot", "%(count)d cannot", declined) % {"count": declined},
    ]
    return " · ".join(parts)


@dataclass(frozen=True)
class ShiftCallOuts:
    """The shift page's call-out section: the open call-out (or the form to send one) and the last few."""

    current: CallOutSummary | None
    earlier: tuple[CallOutSummary, ...]
    can_ask: bool  # the shift is open and has a free place
    missing: int  # the places a new call-out asks for by default
    place_choices: tuple[int, ...]  # 1 … the free places
    asked_ids: frozenset[int]  # members already asked in the open call-out


def _summary(callout: CallOut, now: datetime) -> CallOutSummary:
    shift = callout.shift
    return CallOutSummary(
        pk=callout.pk,
        places=callout.places,
        created_at=callout.created_at,
        created_by=callout.created_by.full_name if callout.created_by else "",
        closed_at=callout.closed_at,
        ended=callout.ended,
        is_open=callout.closed_at is None and shift.cancelled_at is None and shift.starts_at > now,
        asks=tuple(
            AskLine(
                name=ask.member.full_name,
                member_id=ask.member_id,
                opened_at=ask.opened_at,
                answer=ask.answer,
                answered_at=ask.answered_at,
                refused_at=ask.refused_at,
                refusal=ask.refusal,
            )
            for ask in callout.asks.all()
        ),
    )


def _with_asks() -> Prefetch:
    return Prefetch("asks", queryset=CallOutAsk.objects.select_related("member").order_by("created_at", "pk"))


def shift_callouts(shift: Shift, now: datetime) -> ShiftCallOuts:
    """The call-outs of one shift for its page: two queries (the call-outs, their asks), whatever their number
    (the open one and at most EARLIER_SHOWN earlier; a call-out has at most MAX_ASKED asks). `shift` carries
    `confirmed_count` (ShiftQuerySet.with_staffing) or it is counted."""
    callouts = list(
        CallOut.objects.filter(shift=shift)
        .select_related("created_by")
        .prefetch_related(_with_asks())
        .order_by("-created_at", "-pk")[: EARLIER_SHOWN + 1]
    )
    for callout in callouts:
        callout.shift = shift
    summaries = [_summary(callout, now) for callout in callouts]
    current = next((each for each in summaries if each.is_open), None)
    confirmed = getattr(shift, "confirmed_count", None)
    if confirmed is None:
        confirmed = _confirmed(shift)
    free = max(shift.max_volunteers - confirmed, 0)
    closed = shift.cancelled_at is not None or shift.starts_at <= now
    return ShiftCallOuts(
        current=current,
        earlier=tuple(each for each in summaries if each is not current)[:EARLIER_SHOWN],
        can_ask=not closed and free > 0,
        missing=min(max(shift.min_volunteers - confirmed, 1), max(free, 1)),
        place_choices=tuple(range(1, free + 1)),
        asked_ids=frozenset(ask.member_id for ask in current.asks) if current else frozenset(),
    )


def open_callouts(organisation: Organisation, now: datetime, *, limit: int) -> tuple[int, list[CallOut]]:
    """The shelter's open call-outs for the start page: how many, and the first `limit` by the shift's start with
    their answers counted (`asked`, `opened`, `taken`, `declined`): two queries."""
    callouts = CallOut.objects.for_organisation(organisation).open(now)
    count = callouts.count()
    first = list(
        callouts.select_related("shift__line")
        .annotate(
            asked=Count("asks"),
            opened=Count("asks", filter=Q(asks__opened_at__isnull=False)),
            taken=Count("asks", filter=Q(asks__answer=AskAnswer.TAKEN)),
            declined=Count("asks", filter=Q(asks__answer=AskAnswer.DECLINED)),
        )
        .order_by("shift__starts_at", "pk")[:limit]
    )
    return count, first


# -- a national line's shifts, as one shelter's coordinator sees their call-outs (issue 20) ---------------------


@dataclass(frozen=True)
class ShelterCallOut:
    """Her shelter's asks on one national shift, as counts (another shelter's asks are never counted here): how
    many of hers were asked, opened their link, answered, took the place; `open_pk`, the open call-out in which
    some of hers still have not answered (she may close her part)."""

    asked: int = 0
    opened: int = 0
    answered: int = 0
    taken: int = 0
    waiting: int = 0
    open_pk: int | None = None


def national_callout_counts(shifts: Sequence[Shift], organisation_id: int) -> dict[int, ShelterCallOut]:
    """For each of `shifts` her shelter has asked for, its asks counted (one query, whatever the number of shifts,
    call-outs and asks)."""
    rows = (
        CallOutAsk.objects.filter(
            callout__shift__in=[shift.pk for shift in shifts], member__organisation=organisation_id
        )
        .order_by()
        .values("callout__shift_id", "callout_id", "callout__closed_at")
        .annotate(
            asked=Count("pk"),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            answered=Count("pk", filter=~Q(answer="")),
            taken=Count("pk", filter=Q(answer=AskAnswer.TAKEN)),
        )
    )
    found: dict[int, ShelterCallOut] = {}
    for row in rows:
        shift_id = row["callout__shift_id"]
        before = found.get(shift_id, ShelterCallOut())
        waiting = row["asked"] - row["answered"] if row["callout__closed_at"] is None else 0
        found[shift_id] = ShelterCallOut(
            asked=before.asked + row["asked"],
            opened=before.opened + row["opened"],
            answered=before.answered + row["answered"],
            taken=before.taken + row["taken"],
            waiting=before.waiting + waiting,
            open_pk=row["callout_id"] if waiting else before.open_pk,
        )
    return found
