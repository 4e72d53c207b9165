"""The board (issue 19): a column for each step of the shelter's path, a card for each person on it; moving a card
on or back is a POST (htmx swaps the page's main part; without JavaScript the form posts and the board reloads)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from members.access import MemberRequest, coordinator_required, in_organisation_time
from members.models import Member

from ..forms import MoveForm
from ..models import PathStep
from ..selectors import board as board_of
from ..services import path_move_back, path_move_on


@coordinator_required
@in_organisation_time
def board(request: MemberRequest) -> HttpResponse:
    return render(request, "memberpath/board.html", {"board": board_of(request.organisation, request.member)})


def _back_to_board(request: MemberRequest, member: Member | None = None) -> HttpResponse:
    response = redirect("memberpath:board", organisation=request.organisation.slug)
    if member is not None:
        response["Location"] += f"#path-member-{member.pk}"
    return response


def _parse(request: MemberRequest) -> tuple[MoveForm, PathStep | None]:
    form = MoveForm(request.POST)
    if not form.is_valid():
        return form, None
    step = PathStep.objects.for_organisation(request.organisation).filter(pk=form.cleaned_data["step"]).first()
    return form, step


@coordinator_required
@in_organisation_time
@require_POST
def move_on(request: MemberRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.for_organisation(request.organisation), pk=pk, erased_at=None)
    form, step = _parse(request)
    if step is None:
        messages.error(request, _("The move could not be read: the step or a date is not valid. Nothing changed."))
        return _back_to_board(request, member)
    try:
        progress = path_move_on(
            member=member,
            to_step=step,
            by=request.member,
            evidence_on=form.cleaned_data["evidence_on"],
            valid_until=form.cleaned_data["valid_until"],
        )
    except JourplanError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("%(name)s moved on to %(step)s.") % {"name": member.full_name, "step": progress.step.name}
        )
    return _back_to_board(request, member)


@coordinator_required
@in_organisation_time
@require_POST
def move_back(request: MemberRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.for_organisation(request.organisation), pk=pk, erased_at=None)
    _form, step = _parse(request)
    if step is None:
        messages.error(request, _("The move could not be read: the step is not valid. Nothing changed."))
        return _back_to_board(request, member)
    try:
        now_at = path_move_back(member=member, from_step=step, by=request.member)
    except JourplanError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("%(name)s moved back to %(step)s.") % {"name": member.full_name, "step": now_at.name}
        )
    return _back_to_board(request, member)
