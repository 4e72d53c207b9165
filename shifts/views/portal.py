"""The volunteer portal (phone first): her shifts, open shifts and offers, and the one-tap actions on them.

Each action is a normal POST that redirects with a message; when htmx sends it, the view answers with the
shift card alone (showing the outcome), which htmx swaps in place of the old card. The open shifts page shows a
week; its week links, line filter and toggle are plain links and a GET form, which htmx turns into a swap of
the week's part of the page (with the address pushed to the history)."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from core.params import date_param, int_param, pk_param
from core.pwa import mark_for_offline
from members.access import volunteer_required

from .. import rules
from ..formatting import shift_when
from ..models import Assignment, Shift, SwapOffer, WaitingListEntry
from ..portal import (
    Card,
    Cursor,
    Links,
    OpenQuery,
    may_release,
    mine_page,
    next_shifts,
    open_page,
    release_sentence,
    shift_times,
    words,
)
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
    # Kept on her device for offline use (the service worker's "Mina pass" copy, shown with a stale-copy banner).
    return mark_for_offline(render(request, "shifts/portal_mine.html", {"page": page}))


def _open_query(request) -> OpenQuery:
    """?week=YYYY-MM-DD&line=<pk>&all=1&after=<cursor>; anything unusable is the default."""
    return OpenQuery(
        week=date_param(request, None, "week"),
        line=pk_param(request, "line"),
        show_all=int_param(request, "all", 0, lo=0, hi=1) == 1,
        after=Cursor.parse(request.GET.get("after", "").strip()),
    )


@volunteer_required
def portal_open(request):
    page = open_page(request.member, timezone.now(), _open_query(request))
    open_url = reverse("shifts:portal_open", kwargs={"organisation": request.organisation.slug})
    context = {"page": page, "open_url": open_url}
    if request.htmx and request.htmx.target == "open-shifts" and not request.htmx.history_restore_request:
        response = render(request, "shifts/partials/portal_open_week.html", context)
    else:
        response = render(request, "shifts/portal_open.html", context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _outcome(request, *, shift: Shift, kind: str, ok: str, error: JourplanError | None, target: str, **card_extra):
    """Tell her what happened: the card alone for htmx, otherwise a message and a redirect to the page (the
    open shifts at the week she was on). Refused only for what she may pass herself (she is away then), the card
    asks her to confirm; without JavaScript the open shifts page shows that card (with the shifts she cannot take,
    where it is)."""
    if error is None:
        note, note_kind = ok, "success"
    else:
        note, note_kind = error.message, "error"
    query = _open_query(request)
    if card_extra.get("confirm"):
        # The card's reasons say it beside the button that asks her; without JavaScript the message says which
        # button, and the page shows the card among the shifts she cannot take.
        query = replace(query, show_all=True)
        said = words()
        button = said.take_over_anyway if kind == "offer" else said.take_anyway
        asking = _("%(reason)s If you can come after all, choose “%(button)s”.")
        note = "" if request.htmx else asking % {"reason": note, "button": button}
    back = query.encode() if target == "shifts:portal_open" else ""
    if not request.htmx:
        (messages.success if error is None else messages.error)(request, note)
        return redirect(reverse(target, kwargs={"organisation": request.organisation.slug}) + back)
    shift = Shift.objects.with_staffing().select_related("line__organisation").get(pk=shift.pk)
    card = Card(
        shift=shift,
        when=shift_times(shift) if kind in ("open", "blocked") else shift_when(shift),
        kind=kind,
        staffing_known=True,
        note=note,
        note_kind=note_kind,
        release_open=may_release(shift, request.member, timezone.now()),
        links=Links(request.organisation.slug, back=back),
        **{"done": error is None, **card_extra},
    )
    return render(request, "shifts/partials/shift_card.html", {"card": card})


def _shift(request, pk) -> Shift:
    """A shift of her shelter, or of a national line she has been let in on (else 404)."""
    return get_object_or_404(Shift.objects.open_to(request.member).select_related("line__organisation"), pk=pk)


def _taken(first: str, shift: Shift, member) -> str:
    """ "The shift is yours." and until when she may release it (or that a swap is the way out)."""
    return " ".join(part for part in (first, release_sentence(shift, member, timezone.now())) if part)


CONFIRMED = "away"  # the value of the field "confirm" of "Take the shift anyway"


def _accepted(request) -> frozenset[rules.Code]:
    """What she confirmed she passes herself ("Take the shift anyway": she is away then), as the rules' codes."""
    return rules.CONFIRMABLE if request.POST.get("confirm") == CONFIRMED else frozenset()


def _refused_card(refused: SignupRefused) -> dict:
    """What the card keeps of a refusal: a full shift its waiting-list button; a refusal she may pass herself the
    question ("Take the shift anyway")."""
    if refused.full:
        return {"refusals": refused.refusals}
    if rules.confirmable(refused.refusals):
        return {"refusals": refused.refusals, "confirm": True}
    return {}


@volunteer_required
@require_POST
def portal_take(request, pk):
    shift = _shift(request, pk)
    try:
        shift_sign_up(shift=shift, member=request.member, accepted=_accepted(request))
    except SignupRefused as refused:
        extra = _refused_card(refused)
        return _outcome(request, shift=shift, kind="open", ok="", error=refused, target="shifts:portal_open", **extra)
    return _outcome(
        request,
        shift=shift,
        kind="open",
        ok=_taken(_("The shift is yours."), shift, request.member),
        error=None,
        target="shifts:portal_open",
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
    entry = get_object_or_404(WaitingListEntry.objects.filter(member=request.member), pk=pk)
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
        Assignment.objects.filter(member=request.member).select_related("shift"),
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
        SwapOffer.objects.for_organisation(request.organisation).select_related(
            "assignment__shift__line__organisation"
        ),
        pk=pk,
    )
    shift = offer.assignment.shift
    try:
        swap_take(offer=offer, member=request.member, accepted=_accepted(request))
    except JourplanError as refused:
        # A handed-over place is never full for her; only "you are away then" makes the card ask.
        asks = isinstance(refused, SignupRefused) and rules.confirmable(refused.refusals)
        extra = {"refusals": refused.refusals, "confirm": True} if asks else {}
        return _outcome(
            request, shift=shift, kind="offer", ok="", error=refused, target="shifts:portal_open", offer=offer, **extra
        )
    return _outcome(
        request,
        shift=shift,
        kind="offer",
        ok=_taken(_("You have taken over the shift."), shift, request.member),
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
