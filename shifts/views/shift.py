"""The coordinator's shift page and its actions: assign (with override), remove, cancel and change. Reads come
from shifts/selectors.py and shifts/candidates.py, writes from the services; the views only translate between
the request and them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from core.params import pk_param
from members.access import coordinator_required, in_organisation_time

from ..callouts import shift_callouts
from ..candidates import FINAL, SUGGESTED_SHOWN, candidates_for, closed_refusals
from ..changes import shift_change
from ..forms import AssignForm, CandidateSearchForm, ShiftChangeForm
from ..models import Assignment, AssignmentStatus, Shift, Staffing
from ..reminders import held_away_on
from ..rules import Refusal
from ..selectors import unpublished_count
from ..services import RotaError, SignupRefused, coordinator_assign, coordinator_remove, shift_cancel


def _shifts(request):
    return Shift.objects.for_organisation(request.organisation)


# The assign list (who may take the shift, a gap's suggestions, whom a call-out asks) is the page's costly part:
# a plain visit gets the page without it, and htmx loads it at once into its place (#assign-choices, and the
# call-out's #callout-ask beside it) as a fragment of this same URL; without JavaScript a link asks for the page
# with it (?assign=1). A search (?q=), a pick from it (?pick=) and a refused assignment show it at once.
CHOICES_PARAMS = ("assign", "q", "pick")
CHOICES_TARGET = "assign-choices"


def _back_to_shift(request, pk: int):
    """After an action on the shift, its page with the assign list (a browser without JavaScript sees it at once,
    as before the action; htmx, following the redirect, swaps in the page's main part with it)."""
    response = redirect("shifts:rota_shift", organisation=request.organisation.slug, pk=pk)
    response["Location"] += "?assign=1"
    return response


@coordinator_required
@in_organisation_time
def rota_shift(request, pk):
    return _shift_page(request, pk, AssignForm(organisation=request.organisation))


def _set_staffing(shift: Shift, statuses: list[str]) -> None:
    """What ShiftQuerySet.with_staffing() annotates, from the statuses of the places on the shift."""
    confirmed = statuses.count(AssignmentStatus.CONFIRMED)
    shift.confirmed_count = confirmed  # type: ignore[attr-defined]
    shift.shadow_count = statuses.count(AssignmentStatus.SHADOW)  # type: ignore[attr-defined]
    if confirmed < shift.min_volunteers:
        shift.staffing = Staffing.UNDER  # type: ignore[attr-defined]
    elif confirmed >= shift.max_volunteers:
        shift.staffing = Staffing.FULL  # type: ignore[attr-defined]
    else:
        shift.staffing = Staffing.OK  # type: ignore[attr-defined]


def _choices_fragment(request) -> bool:
    """htmx asks for the assign list alone (the page's placeholder loading it), not for a page."""
    htmx = request.htmx
    return bool(htmx) and htmx.target == CHOICES_TARGET and not htmx.history_restore_request


def _shift_page(request, pk, form, *, refusals: list[Refusal] | None = None, after_post=False, status=200):
    """The shift page. After a refused assignment (`refusals`) the form keeps her chosen and shows the reason box;
    so does a pick from the search (?pick=) of someone the rules refuse. The reason box is never there at first.
    The assign list comes with the page only when asked for (`CHOICES_PARAMS`, a refusal, a form with errors);
    otherwise the page has a placeholder for it, and htmx's request for it gets the list alone."""
    now = timezone.now()
    fragment = _choices_fragment(request) and not after_post
    shift = get_object_or_404(_shifts(request).select_related("line"), pk=pk)
    shift.line.organisation = request.organisation  # the shift is the shelter's (_shifts)
    # Who is on it: the page lists them, and their count is the shift's staffing (as with_staffing() counts it).
    places = shift.assignments.active()
    assignments = [] if fragment else list(places.select_related("member").order_by("created_at", "pk"))
    statuses = list(places.values_list("status", flat=True)) if fragment else [each.status for each in assignments]
    _set_staffing(shift, statuses)
    closed = closed_refusals(shift, now)
    with_choices = fragment or refusals is not None or form.is_bound or any(k in request.GET for k in CHOICES_PARAMS)
    search = CandidateSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    choices = None
    warnings: list[str] = []
    checked = picked_apart = None
    if not closed and with_choices:
        pick = form.cleaned_data["member"].pk if refusals else pk_param(request, "pick")
        # A gap also gets its suggestions, best fit first, above the assign form (coordinators only: this page).
        suggest = SUGGESTED_SHOWN if shift.confirmed_count < shift.min_volunteers else 0
        choices = candidates_for(shift, now, query=query, pick=pick, suggest=suggest)
        if refusals:
            warnings = [refusal.to_coordinator for refusal in refusals]
        elif choices.picked and choices.picked.refusals and choices.picked.overridable:
            warnings = choices.picked.messages
        if choices.picked:
            checked = choices.picked.member.pk
            picked_apart = all(each.member.pk != checked for each in choices.eligible)
    shift_url = reverse("shifts:rota_shift", kwargs={"organisation": request.organisation.slug, "pk": shift.pk})
    context = {
        "shift": shift,
        "missing": max(shift.min_volunteers - shift.confirmed_count, 0),
        "form": form,
        "search": search,
        "query": query,
        "choices": choices,
        "choices_later": not closed and not with_choices,
        "checked": checked,
        "picked_apart": picked_apart,
        "month_name": date_format(choices.month, "F") if choices else "",
        "closed": [refusal.message for refusal in closed],
        "after_post": after_post,
        "warnings": warnings,
        "shift_url": shift_url,
        "callouts": shift_callouts(shift, now),
    }
    if fragment:
        response = render(request, "shifts/partials/shift_choices.html", context, status=status)
    else:
        context.update(
            assignments=assignments,
            waiting=list(shift.waiting_list.select_related("member")),
            unpublished=unpublished_count(request.organisation),
            # Places held by someone who has since marked herself away (issue 17): "Borta" beside her, the shift at
            # risk.
            away=set() if closed else {held.assignment_id for held in held_away_on(shift)},
        )
        response = render(request, "shifts/rota_shift.html", context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


@require_POST
@coordinator_required
@in_organisation_time
def rota_assign(request, pk):
    shift = get_object_or_404(_shifts(request).select_related("line__organisation"), pk=pk)
    form = AssignForm(request.POST, organisation=request.organisation)
    # htmx swaps only 2xx answers; a plain POST gets 400 or 409 with the same page and its warning.
    if not form.is_valid():
        return _shift_page(request, pk, form, status=200 if request.htmx else 400)
    if closed_refusals(shift, timezone.now()):
        return _shift_page(request, pk, form, after_post=True, status=200 if request.htmx else 409)
    member = form.cleaned_data["member"]
    override = "override" in request.POST
    try:
        coordinator_assign(
            shift=shift, member=member, by=request.member, override=override, reason=form.cleaned_data["reason"]
        )
    except SignupRefused as refused:
        if final := [refusal.to_coordinator for refusal in refused.refusals if refusal.code in FINAL]:
            messages.error(request, " ".join(final))
            return _back_to_shift(request, shift.pk)
        return _shift_page(request, pk, form, refusals=refused.refusals, status=200 if request.htmx else 409)
    except JourplanError as error:
        messages.error(request, error.message)
        return _back_to_shift(request, shift.pk)
    messages.success(
        request, _("%(name)s is on the shift. Publish the rota to tell her.") % {"name": member.first_name}
    )
    return _back_to_shift(request, shift.pk)


@require_POST
@coordinator_required
def rota_remove(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.for_organisation(request.organisation).select_related("member", "shift"), pk=pk
    )
    try:
        promoted = coordinator_remove(assignment=assignment, by=request.member)
    except JourplanError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is no longer on the shift.") % {"name": assignment.member.first_name})
        for each in promoted:
            messages.info(request, _("%(name)s moved up from the waiting list.") % {"name": each.member.first_name})
    return _back_to_shift(request, assignment.shift_id)


@coordinator_required
@in_organisation_time
def rota_cancel(request, pk):
    shift = get_object_or_404(_shifts(request).select_related("line"), pk=pk)
    if request.method == "POST":
        try:
            told = shift_cancel(shift=shift, by=request.member)
        except JourplanError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "The shift is cancelled; %(count)d volunteer is told.",
                    "The shift is cancelled; %(count)d volunteers are told.",
                    told,
                )
                % {"count": told},
            )
        return redirect("shifts:rota_shift", organisation=request.organisation.slug, pk=shift.pk)
    on_it = shift.assignments.active().count()
    return render(request, "shifts/rota_cancel.html", {"shift": shift, "on_it": on_it})


@coordinator_required
def shift_edit(request, pk):
    shift = get_object_or_404(_shifts(request).select_related("line").filter(cancelled_at=None), pk=pk)
    form = ShiftChangeForm(request.POST or None, organisation=request.organisation, shift=shift)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            told = shift_change(
                shift=shift, by=request.member, starts_at=starts_at, ends_at=ends_at, line=form.cleaned_data["line"]
            )
        except RotaError as refused:
            form.add_error(None, refused.message)
        else:
            if told:
                messages.success(
                    request,
                    ngettext(
                        "The shift is changed; %(count)d volunteer will be told.",
                        "The shift is changed; %(count)d volunteers will be told.",
                        told,
                    )
                    % {"count": told},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return _back_to_shift(request, shift.pk)
    return render(request, "shifts/rota_shift_edit.html", {"form": form, "shift": shift})
