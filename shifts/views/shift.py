"""The coordinator's shift page and its actions: assign (with override), remove, cancel and change. Reads come
from shifts/selectors.py, writes from the services; the views only translate between the request and them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from members.access import coordinator_required, in_organisation_time

from ..changes import shift_change
from ..forms import AssignForm, ShiftChangeForm
from ..models import Assignment, Shift
from ..selectors import unpublished_count
from ..services import RotaError, SignupRefused, coordinator_assign, coordinator_remove, shift_cancel


def _shifts(request):
    return Shift.objects.for_organisation(request.organisation)


@coordinator_required
@in_organisation_time
def rota_shift(request, pk):
    shift = get_object_or_404(_shifts(request).select_related("line"), pk=pk)
    return _shift_page(request, shift, AssignForm(organisation=request.organisation))


def _shift_page(request, shift, form, refusals=None, status=200):
    shift = _shifts(request).with_staffing().select_related("line").get(pk=shift.pk)
    assignments = list(shift.assignments.active().select_related("member").order_by("created_at", "pk"))
    waiting = list(shift.waiting_list.select_related("member"))
    context = {
        "shift": shift,
        "assignments": assignments,
        "waiting": waiting,
        "form": form,
        "refusals": refusals or [],
        "unpublished": unpublished_count(request.organisation),
    }
    return render(request, "shifts/rota_shift.html", context, status=status)


@require_POST
@coordinator_required
@in_organisation_time
def rota_assign(request, pk):
    shift = get_object_or_404(_shifts(request).select_related("line"), pk=pk)
    form = AssignForm(request.POST, organisation=request.organisation)
    if not form.is_valid():
        return _shift_page(request, shift, form, status=200 if request.htmx else 400)
    member = form.cleaned_data["member"]
    override = "override" in request.POST
    try:
        coordinator_assign(
            shift=shift, member=member, by=request.member, override=override, reason=form.cleaned_data["reason"]
        )
    except SignupRefused as refused:
        # htmx swaps only 2xx answers; a plain POST gets 409 Conflict with the same page and its warning.
        return _shift_page(request, shift, form, refusals=refused.messages, status=200 if request.htmx else 409)
    except JourplanError as error:
        messages.error(request, error.message)
        return redirect("shifts:rota_shift", organisation=request.organisation.slug, pk=shift.pk)
    messages.success(
        request, _("%(name)s is on the shift. Publish the rota to tell her.") % {"name": member.first_name}
    )
    return redirect("shifts:rota_shift", organisation=request.organisation.slug, pk=shift.pk)


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
    return redirect("shifts:rota_shift", organisation=request.organisation.slug, pk=assignment.shift_id)


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
            return redirect("shifts:rota_shift", organisation=request.organisation.slug, pk=shift.pk)
    return render(request, "shifts/rota_shift_edit.html", {"form": form, "shift": shift})
