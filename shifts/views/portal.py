"""The volunteer portal (phone first): her shifts, open shifts and offers, and the one-tap actions on them.

Each action is a normal POST that redirects with a message; when htmx sends it, the view answers with the
shift card alone (showing the outcome), which htmx swaps in place of the old card."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from members.access import volunteer_required

from ..formatting import shift_when
from ..models import Assignment, Shift, SwapOffer, WaitingListEntry
from ..portal import Card, mine_page, next_shifts, open_page
from ..services import (
    SignupRefused,
    assignment_release,
    shadow_join,
    shift_sign_up,
    swap_offer,
    swap_take,
    swap_withdraw,
    waiting_list_join,
    waiting_list_leave,
)


@volunteer_required
def portal_mine(request):
    page = mine_page(request.member, timezone.now())
    return render(request, "shifts/portal_mine.html", {"page": page})


@volunteer_required
def portal_open(request):
    page = open_page(request.member, timezone.now())
    return render(request, "shifts/portal_open.html", {"page": page})


def _outcome(request, *, shift: Shift, kind: str, ok: str, error: JourplanError | None, target: str, **card_extra):
    """Tell her what happened: the card alone for htmx, otherwise a message and a redirect to the page."""
    if error is None:
        note, note_kind = ok, "success"
    else:
        note, note_kind = error.message, "error"
    if not request.htmx:
        (messages.success if error is None else messages.error)(request, note)
        return redirect(target, organisation=request.organisation.slug)
    shift = Shift.objects.with_staffing().select_related("line__organisation").get(pk=shift.pk)
    card = Card(
        shift=shift,
        when=shift_when(shift),
        kind=kind,
        staffing_known=True,
        note=note,
        note_kind=note_kind,
        **{"done": error is None, **card_extra},
    )
    return render(request, "shifts/partials/shift_card.html", {"card": card})


def _shift(request, pk) -> Shift:
    return get_object_or_404(Shift.objects.for_organisation(request.organisation).select_related("line"), pk=pk)


@volunteer_required
@require_POST
def portal_take(request, pk):
    shift = _shift(request, pk)
    try:
        shift_sign_up(shift=shift, member=request.member)
    except SignupRefused as refused:
        # A full shift keeps the card open with the waiting-list button.
        extra = {"refusals": refused.refusals} if refused.full else {}
        return _outcome(request, shift=shift, kind="open", ok="", error=refused, target="shifts:portal_open", **extra)
    return _outcome(
        request, shift=shift, kind="open", ok=_("The shift is yours."), error=None, target="shifts:portal_open"
    )


@volunteer_required
@require_POST
def portal_queue(request, pk):
    shift = _shift(request, pk)
    try:
        waiting_list_join(shift=shift, member=request.member)
    except SignupRefused as refused:
        return _outcome(request, shift=shift, kind="open", ok="", error=refused, target="shifts:portal_open")
    return _outcome(
        request,
        shift=shift,
        kind="open",
        ok=_("You are on the waiting list. We will tell you if a place frees up."),
        error=None,
        target="shifts:portal_open",
        queued=True,
    )


@volunteer_required
@require_POST
def portal_leave(request, pk):
    entry = get_object_or_404(
        WaitingListEntry.objects.for_organisation(request.organisation).filter(member=request.member), pk=pk
    )
    waiting_list_leave(entry=entry)
    return _outcome(
        request,
        shift=entry.shift,
        kind="waiting",
        ok=_("You have left the waiting list."),
        error=None,
        target="shifts:portal_mine",
    )


def _assignment(request, pk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.for_organisation(request.organisation).filter(member=request.member).select_related("shift"),
        pk=pk,
    )


def _on_my_assignment(request, pk, action, ok: str):
    """Run `action(assignment=…, by=…)` on one of her own assignments and answer like every portal action."""
    assignment = _assignment(request, pk)
    try:
        action(assignment=assignment, by=request.member)
    except JourplanError as refused:
        return _outcome(
            request,
            shift=assignment.shift,
            kind="mine",
            ok="",
            error=refused,
            target="shifts:portal_mine",
            assignment=assignment,
        )
    return _outcome(request, shift=assignment.shift, kind="mine", ok=ok, error=None, target="shifts:portal_mine")


@volunteer_required
@require_POST
def portal_release(request, pk):
    return _on_my_assignment(request, pk, assignment_release, _("You have released the shift."))


@volunteer_required
@require_POST
def portal_offer(request, pk):
    return _on_my_assignment(
        request,
        pk,
        swap_offer,
        _("Your shift is offered to your colleagues. It stays yours until someone takes it."),
    )


@volunteer_required
@require_POST
def portal_offer_take(request, pk):
    offer = get_object_or_404(
        SwapOffer.objects.for_organisation(request.organisation).select_related("assignment__shift"), pk=pk
    )
    shift = offer.assignment.shift
    try:
        swap_take(offer=offer, member=request.member)
    except JourplanError as refused:
        return _outcome(
            request, shift=shift, kind="offer", ok="", error=refused, target="shifts:portal_open", offer=offer
        )
    return _outcome(
        request,
        shift=shift,
        kind="offer",
        ok=_("You have taken over the shift."),
        error=None,
        target="shifts:portal_open",
    )


@volunteer_required
@require_POST
def portal_shadow(request, pk):
    """Join a shift she is not yet qualified for as a shadow (bisittning) beside an experienced volunteer."""
    shift = _shift(request, pk)
    try:
        assignment = shadow_join(shift=shift, member=request.member)
    except SignupRefused as refused:
        return _outcome(request, shift=shift, kind="blocked", ok="", error=refused, target="shifts:portal_open")
    return _outcome(
        request,
        shift=shift,
        kind="blocked",
        ok=_("You are on the shift as a shadow, beside an experienced volunteer."),
        error=None,
        target="shifts:portal_open",
        assignment=assignment,
    )


@volunteer_required
@require_POST
def portal_offer_withdraw(request, pk):
    offer = get_object_or_404(
        SwapOffer.objects.for_organisation(request.organisation)
        .filter(assignment__member=request.member)
        .select_related("assignment__shift"),
        pk=pk,
    )
    assignment = offer.assignment
    if not offer.is_open:
        refused = JourplanError(_("This offer has already been taken or withdrawn."))
    else:
        try:
            swap_withdraw(offer=offer, by=request.member)
            refused = None
        except JourplanError as error:
            refused = error
    if refused is not None:
        # No buttons on the refused card: the page itself shows what she may still do.
        return _outcome(
            request, shift=assignment.shift, kind="mine", ok="", error=refused, target="shifts:portal_mine", done=True
        )
    return _outcome(
        request,
        shift=assignment.shift,
        kind="mine",
        ok=_("Your offer is withdrawn. The shift is still yours."),
        error=None,
        target="shifts:portal_mine",
    )


@volunteer_required
def portal_next(request):
    """Her next shifts as a small list, loaded by htmx into the card on her start page."""
    return render(request, "shifts/portal_next.html", {"cards": next_shifts(request.member, timezone.now())})
