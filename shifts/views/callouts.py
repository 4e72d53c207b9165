"""Call-outs (shifts/callouts.py): the coordinator sends and closes them from the shift page; a volunteer answers
from her link, `/answer/<token>/`, outside any shelter and without a login (the signed token is the key)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.params import parse_int
from members.access import coordinator_required, in_organisation_time
from members.models import Member

from ..callouts import (
    MAX_ASKED,
    CallOutError,
    Outcome,
    answer_page_when,
    ask_for_token,
    ask_opened,
    ask_state,
    callout_answer,
    callout_close,
    callout_send,
)
from ..models import AskAnswer, Assignment, AssignmentStatus, CallOut, CallOutAsk, Line, Shift


def _back_to_shift(request, shift: Shift) -> HttpResponse:
    if shift.line.organisation.national:  # her page of the national line (views/national.py)
        response = redirect("shifts:national_line", organisation=request.organisation.slug, pk=shift.line_id)
        response["Location"] += f"#shift-{shift.pk}"
        return response
    response = redirect("shifts:rota_shift", organisation=request.organisation.slug, pk=shift.pk)
    response["Location"] += "?assign=1#callout"  # with whom to ask more (shifts/views/shift.py)
    return response


def _shift_of(request, pk: int) -> Shift:
    """Her shelter's shift, or a shift of a national line her shelter takes part in; else 404."""
    shifts = Shift.objects.filter(line__in=Line.objects.worked_for(request.organisation))
    return get_object_or_404(shifts.select_related("line__organisation"), pk=pk)


def _callout_of(request, pk: int) -> CallOut:
    """A call-out of her shelter's shift, or one on a national line's shift in which her shelter asks; else 404."""
    own_asks = CallOutAsk.objects.filter(callout=OuterRef("pk"), member__organisation=request.organisation)
    national = Q(shift__line__in=Line.objects.worked_for(request.organisation).national()) & Q(Exists(own_asks))
    callouts = CallOut.objects.filter(Q(shift__line__organisation=request.organisation) | national)
    return get_object_or_404(callouts.select_related("shift__line__organisation"), pk=pk)


@require_POST
@coordinator_required
@in_organisation_time
def callout_send_view(request, pk: int) -> HttpResponse:
    """Send a call-out (or ask more in the open one): the volunteers ticked, or everyone who may take it."""
    shift = _shift_of(request, pk)
    everyone = request.POST.get("everyone") == "1"
    chosen = (parse_int(value, None, lo=1, hi=2**62) for value in request.POST.getlist("member")[: MAX_ASKED + 1])
    ids = {member_id for member_id in chosen if member_id is not None}
    places = parse_int(request.POST.get("places"), None, lo=1, hi=shift.max_volunteers)
    if not everyone and not ids:
        messages.error(request, _("Choose whom to ask, or ask everyone who may take the shift."))
        return _back_to_shift(request, shift)
    members = None if everyone else list(Member.objects.for_organisation(request.organisation).filter(pk__in=ids))
    if members is not None and len(members) != len(ids):
        messages.error(request, _("Only current members of this shelter can be asked."))
        return _back_to_shift(request, shift)
    try:
        callout = callout_send(shift=shift, by=request.member, members=members, places=places)
    except CallOutError as refused:
        messages.error(request, refused.message)
    else:
        asks = callout.asks.all()
        if shift.line.organisation.national:  # her own shelter's asks: the others are not hers to count
            asks = asks.filter(member__organisation=request.organisation)
        asked = asks.count()
        messages.success(
            request,
            ngettext(
                "The call-out is sent: %(count)d volunteer is asked.",
                "The call-out is sent: %(count)d volunteers are asked.",
                asked,
            )
            % {"count": asked},
        )
    return _back_to_shift(request, shift)


@require_POST
@coordinator_required
def callout_close_view(request, pk: int) -> HttpResponse:
    """End a call-out early; those who have not answered are told they need not."""
    callout = _callout_of(request, pk)
    try:
        told = callout_close(callout=callout, by=request.member)
    except CallOutError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            ngettext(
                "The call-out is closed; %(count)d volunteer who had not answered is told.",
                "The call-out is closed; %(count)d volunteers who had not answered are told.",
                told,
            )
            % {"count": told},
        )
    return _back_to_shift(request, callout.shift)


def _private(response: HttpResponse) -> HttpResponse:
    """Her link's page is hers: never stored by a cache, never indexed, and the token never sent onwards."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def callout_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """Her answer page. A GET shows the shift's time and the two buttons (and records the first time it was
    opened, nothing else); a POST of one of the buttons answers. A forged or unknown link is a 404 page in words;
    any other POST changes nothing."""
    ask = ask_for_token(token)
    if ask is None:
        return _private(render(request, "shifts/callout_answer.html", {"state": "invalid"}, status=404))
    with translation.override(ask.member.language), timezone.override(ask.callout.shift.line.organisation.zone):
        now = timezone.now()
        shift = ask.callout.shift
        refusals: list[str] = []
        status = 200
        if request.method == "POST" and request.POST.get("answer") in ("take", "decline"):
            answer = callout_answer(ask=ask, take=request.POST["answer"] == "take", now=now)
            state = answer.outcome
            refusals = [refusal.message for refusal in answer.refusals]
            if state == Outcome.REFUSED:
                status = 409
            ask.refresh_from_db(fields=["answer"])
        else:
            if request.method == "GET":
                ask_opened(ask=ask, now=now)
            confirmed = Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED).count()
            state = ask_state(ask, now, confirmed=confirmed)
        context = {
            "state": str(state),
            "when": answer_page_when(shift),
            "refusals": refusals,
            "took_it": ask.answer == AskAnswer.TAKEN,
            "can_answer": state in (Outcome.OPEN, Outcome.REFUSED),
        }
        return _private(render(request, "shifts/callout_answer.html", context, status=status))
