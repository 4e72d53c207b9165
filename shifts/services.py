"""Every write on the rota: keyword-only, one transaction each, the Shift row locked first (select_for_update)
so that two volunteers racing for the last place are served one after the other."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import JourplanError
from members.models import Member
from notices.outbox import notice_plan

from . import rules
from .models import Assignment, AssignmentStatus, RotaChangeKind, Shift, SwapOffer, WaitingListEntry
from .publishing import change_record
from .rules import Code, QualificationReasons, Refusal, SignupFacts


class SignupRefused(JourplanError):
    """Raised with the refusals (code + translated message) that stop a volunteer taking a shift."""

    def __init__(self, *refusals: Refusal):
        super().__init__(*(refusal.message for refusal in refusals))
        self.refusals = list(refusals)

    @property
    def full(self) -> bool:
        """The shift is full and nothing else stands in her way: the waiting list is the way in."""
        return rules.full_only(self.refusals)


class RotaError(JourplanError):
    """Another rota rule refused an action (release, swap, cancel)."""


def _lock(shift: Shift) -> Shift:
    return Shift.objects.select_for_update().select_related("line__organisation").get(pk=shift.pk)


def _same_shelter_coordinator(member: Member, shift: Shift) -> bool:
    return member.organisation_id == shift.line.organisation_id and member.is_coordinator and member.erased_at is None


def _her_coordinator(member: Member, shift: Shift, assignment: Assignment) -> bool:
    """The coordinator who may take her off the shift: of the shift's shelter, or on a national line's shift, of
    the volunteer's own shelter (issue 20: nobody acts on another shelter's volunteer)."""
    if shift.line.organisation.national:
        return (
            member.is_coordinator
            and member.erased_at is None
            and member.organisation_id == assignment.member.organisation_id
        )
    return _same_shelter_coordinator(member, shift)


@transaction.atomic
def shift_sign_up(
    *,
    shift: Shift,
    member: Member,
    now: datetime | None = None,
    qualify: QualificationReasons | None = None,
    accepted: Collection[Code] = (),
) -> Assignment:
    """Take a place on the shift, or raise SignupRefused (`full` when the waiting list is the way in). `accepted`:
    the codes she confirmed she passes herself (`rules.CONFIRMABLE`, "you are away then"), passed to the rules."""
    now = now or timezone.now()
    shift = _lock(shift)
    facts = SignupFacts.for_shift(shift, member, now=now, qualify=qualify)
    if refusals := rules.signup_refusals(facts, accepted=accepted):
        raise SignupRefused(*refusals)
    WaitingListEntry.objects.filter(shift=shift, member=member).delete()
    return Assignment.objects.create(shift=shift, member=member, status=AssignmentStatus.CONFIRMED, created_at=now)


@transaction.atomic
def waiting_list_join(
    *,
    shift: Shift,
    member: Member,
    now: datetime | None = None,
    qualify: QualificationReasons | None = None,
    accepted: Collection[Code] = (),
) -> WaitingListEntry:
    """Queue for a full shift. Refused when she could sign up right away or may not take it at all (`accepted` as
    in shift_sign_up)."""
    now = now or timezone.now()
    shift = _lock(shift)
    facts = SignupFacts.for_shift(shift, member, now=now, qualify=qualify)
    if refusals := rules.signup_refusals(facts, capacity=False, accepted=accepted):
        raise SignupRefused(*refusals)
    if not facts.full:
        raise SignupRefused(Refusal(Code.PLACES_FREE, _("The shift has free places: sign up instead.")))
    if WaitingListEntry.objects.filter(shift=shift, member=member).exists():
        raise SignupRefused(Refusal(Code.ALREADY_QUEUED, _("You are already on the waiting list.")))
    return WaitingListEntry.objects.create(shift=shift, member=member, created_at=now)


@transaction.atomic
def waiting_list_leave(*, entry: WaitingListEntry) -> None:
    WaitingListEntry.objects.filter(pk=entry.pk).delete()


def _promote_waiting(shift: Shift, now: datetime, qualify: QualificationReasons | None) -> list[Assignment]:
    """Fill free places from the waiting list in order; the first QUALIFIED ones get them (the others keep
    their place in the queue). Each promoted volunteer gets a notice. The shift must already be locked."""
    promoted = []
    entries = list(WaitingListEntry.objects.filter(shift=shift).select_related("member__organisation"))
    for entry in entries:
        facts = SignupFacts.for_shift(shift, entry.member, now=now, qualify=qualify)
        if facts.full:
            break
        if rules.signup_refusals(facts):
            continue
        entry.delete()
        assignment = Assignment.objects.create(
            shift=shift, member=entry.member, status=AssignmentStatus.CONFIRMED, created_at=now
        )
        notice_plan(recipient=entry.member, kind="waiting_list_promoted", subject=assignment, due_at=now)
        promoted.append(assignment)
    return promoted


def release_deadline(shift: Shift) -> datetime:
    """The last moment she may release the shift herself: N real hours (computed in UTC) before the start."""
    return shift.starts_at - timedelta(hours=shift.line.organisation.release_deadline_hours)


@transaction.atomic
def assignment_release(
    *,
    assignment: Assignment,
    by: Member,
    now: datetime | None = None,
    qualify: QualificationReasons | None = None,
    leaving: bool = False,
) -> list[Assignment]:
    """She releases her place (until the deadline, or until the start when she is `leaving` the shelter) or a
    coordinator removes her (always). A freed confirmed place goes to the first qualified volunteer on the waiting
    list; returns the promoted assignments."""
    now = now or timezone.now()
    shift = _lock(assignment.shift)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_active:
        raise RotaError(_("You are no longer on this shift."))
    coordinator = _her_coordinator(by, shift, assignment)
    if not coordinator:
        if by.pk != assignment.member_id:
            raise RotaError(_("Only a coordinator can remove someone else from a shift."))
        if shift.starts_at <= now:
            raise RotaError(_("The shift has already started."))
        if now > release_deadline(shift) and not leaving:
            hours = shift.line.organisation.release_deadline_hours
            raise RotaError(
                _(
                    "It is less than %(hours)d hours until the shift starts: you can only leave it through a swap "
                    "or by asking a coordinator."
                )
                % {"hours": hours}
            )
    was_confirmed = assignment.status == AssignmentStatus.CONFIRMED
    assignment.status = AssignmentStatus.RELEASED
    assignment.released_at = now
    assignment.released_by = by
    assignment.save(update_fields=["status", "released_at", "released_by"])
    SwapOffer.objects.filter(assignment=assignment, taken_at=None, withdrawn_at=None).update(withdrawn_at=now)
    if was_confirmed and shift.cancelled_at is None and shift.starts_at > now:
        return _promote_waiting(shift, now, qualify)
    return []


@transaction.atomic
def shadow_join(*, shift: Shift, member: Member, now: datetime | None = None) -> Assignment:
    """Join as a shadow (bisittning) beside an experienced volunteer; shadows do not count toward staffing."""
    now = now or timezone.now()
    shift = _lock(shift)
    if refusals := rules.shadow_refusals(SignupFacts.for_shift(shift, member, now=now)):
        raise SignupRefused(*refusals)
    return Assignment.objects.create(shift=shift, member=member, status=AssignmentStatus.SHADOW, created_at=now)


@transaction.atomic
def swap_offer(*, assignment: Assignment, by: Member, now: datetime | None = None) -> SwapOffer:
    """Offer her place to colleagues; she stays on the shift (and responsible) until someone takes it."""
    now = now or timezone.now()
    shift = _lock(assignment.shift)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if by.pk != assignment.member_id:
        raise RotaError(_("You can only offer your own shifts."))
    if assignment.status != AssignmentStatus.CONFIRMED:
        raise RotaError(_("Only a confirmed place can be offered."))
    if refusals := rules.refusals(SignupFacts.for_shift(shift, by, now=now), rules.OFFER_RULES):
        raise RotaError(*(refusal.message for refusal in refusals))
    if SwapOffer.objects.filter(assignment=assignment, taken_at=None, withdrawn_at=None).exists():
        raise RotaError(_("You have already offered this shift."))
    return SwapOffer.objects.create(assignment=assignment, created_at=now)


@transaction.atomic
def swap_withdraw(*, offer: SwapOffer, by: Member, now: datetime | None = None) -> None:
    now = now or timezone.now()
    offer = SwapOffer.objects.select_for_update().select_related("assignment").get(pk=offer.pk)
    if by.pk != offer.assignment.member_id:
        raise RotaError(_("You can only withdraw your own offers."))
    if offer.is_open:
        offer.withdrawn_at = now
        offer.save(update_fields=["withdrawn_at"])


@transaction.atomic
def swap_take(
    *,
    offer: SwapOffer,
    member: Member,
    now: datetime | None = None,
    qualify: QualificationReasons | None = None,
    accepted: Collection[Code] = (),
) -> Assignment:
    """Take a colleague's offered place: she must pass the sign-up rules (except the full shift, since the place
    is handed over; `accepted` as in shift_sign_up). Both rows are locked; the offerer is released and the taker
    confirmed in one transaction."""
    now = now or timezone.now()
    shift = _lock(offer.assignment.shift)
    offer = SwapOffer.objects.select_for_update().get(pk=offer.pk)
    given = Assignment.objects.select_for_update().select_related("member").get(pk=offer.assignment_id)
    if not offer.is_open or given.status != AssignmentStatus.CONFIRMED:
        raise SignupRefused(Refusal(Code.OFFER_GONE, _("This offer has already been taken or withdrawn.")))
    if given.member_id == member.pk:
        raise SignupRefused(Refusal(Code.OWN_OFFER, _("This is your own offer.")))
    if refusals := rules.signup_refusals(
        SignupFacts.for_shift(shift, member, now=now, qualify=qualify), capacity=False, accepted=accepted
    ):
        raise SignupRefused(*refusals)
    given.status = AssignmentStatus.RELEASED
    given.released_at = now
    given.released_by = given.member
    given.save(update_fields=["status", "released_at", "released_by"])
    taken = Assignment.objects.create(shift=shift, member=member, status=AssignmentStatus.CONFIRMED, created_at=now)
    offer.taken_by, offer.taken_at, offer.taken_assignment = member, now, taken
    offer.save(update_fields=["taken_by", "taken_at", "taken_assignment"])
    WaitingListEntry.objects.filter(shift=shift, member=member).delete()
    notice_plan(recipient=given.member, kind="swap_taken", subject=offer, due_at=now)
    return taken


def open_offers_for(
    member: Member, *, now: datetime | None = None, qualify: QualificationReasons | None = None
) -> list[SwapOffer]:
    """Open offers she could take: other people's, on shifts she is qualified for and that do not clash (a fixed
    number of queries, whatever the number of offers)."""
    now = now or timezone.now()
    offers = (
        SwapOffer.objects.for_organisation(member.organisation)
        .open(now)
        .exclude(assignment__member=member)
        .select_related("assignment__shift__line__organisation", "assignment__member")
        .order_by("assignment__shift__starts_at", "pk")
    )
    loaded = list(offers)
    facts = SignupFacts.for_shifts([offer.assignment.shift for offer in loaded], member, now=now, qualify=qualify)
    return [offer for offer in loaded if not rules.signup_refusals(facts[offer.assignment.shift_id], capacity=False)]


@transaction.atomic
def coordinator_assign(
    *,
    shift: Shift,
    member: Member,
    by: Member,
    override: bool = False,
    reason: str = "",
    now: datetime | None = None,
    qualify: QualificationReasons | None = None,
) -> Assignment:
    """A coordinator puts a volunteer on a shift. A broken rule refuses with its refusals unless she overrides
    (with a reason), which is recorded on the assignment (and in the audit log). The edit is noted as an
    unpublished rota change in the same transaction, so publishing tells her."""
    now = now or timezone.now()
    shift = _lock(shift)
    if not _same_shelter_coordinator(by, shift):
        raise RotaError(_("Only a coordinator of this shelter can assign volunteers."))
    if member.organisation_id != shift.line.organisation_id:
        raise SignupRefused(Refusal(Code.NOT_IN_SHELTER, _("She is not a member of this shelter.")))
    facts = SignupFacts.for_shift(shift, member, now=now, qualify=qualify)
    if facts.on_shift:
        raise SignupRefused(Refusal(Code.ALREADY_ON, _("She is already on this shift.")))
    if closed := rules.refusals(facts, rules.CLOSED_RULES):
        raise SignupRefused(*closed)  # a cancelled or started shift: no override opens it
    refusals = rules.signup_refusals(facts)
    if refusals and not override:
        raise SignupRefused(*refusals)
    if refusals and not reason.strip():
        raise SignupRefused(Refusal(Code.OVERRIDE_NEEDS_REASON, _("Give a reason for overriding the rules.")))
    WaitingListEntry.objects.filter(shift=shift, member=member).delete()
    assignment = Assignment.objects.create(
        shift=shift,
        member=member,
        status=AssignmentStatus.CONFIRMED,
        created_at=now,
        overridden_by=by if refusals else None,
        override_reason="\n".join([reason.strip(), *(refusal.to_coordinator for refusal in refusals)])
        if refusals
        else "",
    )
    change_record(shift=shift, member=member, kind=RotaChangeKind.ADDED, now=now)
    return assignment


@transaction.atomic
def coordinator_remove(
    *, assignment: Assignment, by: Member, now: datetime | None = None, qualify: QualificationReasons | None = None
) -> list[Assignment]:
    """A coordinator takes a volunteer off a shift (at any time): the release, the promotions from the waiting
    list and the unpublished rota change are one transaction. Returns the promoted assignments."""
    now = now or timezone.now()
    # Her membership is in the shift's shelter; assignment_release checks `by` again against the locked shift.
    if not (by.is_coordinator and by.erased_at is None and by.organisation_id == assignment.member.organisation_id):
        raise RotaError(_("Only a coordinator can remove someone else from a shift."))
    promoted = assignment_release(assignment=assignment, by=by, now=now, qualify=qualify)
    change_record(shift=assignment.shift, member=assignment.member, kind=RotaChangeKind.REMOVED, now=now)
    return promoted


@transaction.atomic
def shift_cancel(*, shift: Shift, by: Member, now: datetime | None = None) -> int:
    """Cancel the shift; everyone on it (confirmed or shadow) gets a notice. Returns the number planned."""
    now = now or timezone.now()
    shift = _lock(shift)
    if not _same_shelter_coordinator(by, shift):
        raise RotaError(_("Only a coordinator of this shelter can cancel a shift."))
    if shift.cancelled_at is not None:
        raise RotaError(_("The shift is already cancelled."))
    shift.cancelled_at = now
    shift.save(update_fields=["cancelled_at"])
    SwapOffer.objects.filter(assignment__shift=shift, taken_at=None, withdrawn_at=None).update(withdrawn_at=now)
    WaitingListEntry.objects.filter(shift=shift).delete()
    planned = 0
    for assignment in shift.assignments.active().select_related("member"):
        if notice_plan(recipient=assignment.member, kind="shift_cancelled", subject=shift, due_at=now) is not None:
            planned += 1
    return planned


def member_left_release_shifts(member: Member, now: datetime) -> None:
    """settings.MEMBER_LEAVE_HOOKS, inside members.services.member_leave_self's transaction: she leaves, so every
    place she holds on a shift that has not started is released through assignment_release (her swap offers are
    withdrawn and the waiting list moves up, with its notices), even inside the release deadline, and she leaves
    every waiting list. Shifts left short show as under-staffed to the coordinators as any other."""
    places = (
        Assignment.objects.active()
        .filter(member=member, shift__starts_at__gt=now, shift__cancelled_at=None)
        .select_related("shift__line__organisation")
        .order_by("shift__starts_at", "pk")
    )
    for assignment in places:
        assignment_release(assignment=assignment, by=member, now=now, leaving=True)
    WaitingListEntry.objects.filter(member=member).delete()
