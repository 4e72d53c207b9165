"""Her absences and wishes ("Absence and wishes", phone first), a coordinator's view of a member's absences, and
the shelter's workload rules (admins change them; coordinators read them). Thin: parse, call a service in
shifts/availability.py, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from members.access import coordinator_required, in_organisation_time, volunteer_required
from members.models import Member
from members.rank import RankRefused, may_manage

from ..availability import (
    absence_add,
    absence_remove,
    availability_of,
    held_count_message,
    wishes_save,
    workload_rules_save,
)
from ..availability_forms import AbsenceForm, WishesForm, WorkloadRulesForm
from ..forms import WEEKDAYS
from ..models import Absence, TimeOfDay, WorkloadRules

# -- her own page -------------------------------------------------------------------------------------------


def _my_page(request, *, absence_form=None, wishes_form=None, status=200):
    member = request.member
    availability = availability_of(member)
    context = {
        "availability": availability,
        "absence_form": absence_form or AbsenceForm(),
        "wishes_form": wishes_form
        or WishesForm(organisation=request.organisation, wishes=availability.wishes, auto_id="wish_%s"),
    }
    return render(request, "shifts/availability.html", context, status=status)


@volunteer_required
@in_organisation_time
def my_availability(request):
    return _my_page(request)


@require_POST
@volunteer_required
@in_organisation_time
def my_absence_add(request):
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            absence_add(
                member=request.member,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                by=request.member,
            )
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("You are marked away."))
            held = availability_of(request.member).held
            if held:
                messages.warning(request, held_count_message(held))
            return redirect("shifts:availability", organisation=request.organisation.slug)
    return _my_page(request, absence_form=form)


@require_POST
@volunteer_required
def my_absence_remove(request, pk: int):
    absence = get_object_or_404(Absence.objects.filter(member=request.member), pk=pk)
    absence_remove(absence=absence, by=request.member)
    messages.success(request, _("The absence is removed."))
    return redirect("shifts:availability", organisation=request.organisation.slug)


@require_POST
@volunteer_required
@in_organisation_time
def my_wishes(request):
    form = WishesForm(request.POST, organisation=request.organisation, auto_id="wish_%s")
    if form.is_valid():
        wishes_save(member=request.member, by=request.member, **{"lines": [], **form.cleaned_data})
        messages.success(request, _("Your wishes are saved."))
        return redirect("shifts:availability", organisation=request.organisation.slug)
    return _my_page(request, wishes_form=form)


# -- a coordinator and a member ------------------------------------------------------------------------------


def _member_or_404(request, pk: int) -> Member:
    return get_object_or_404(
        Member.objects.for_organisation(request.organisation).filter(erased_at=None).select_related("organisation"),
        pk=pk,
    )


def _member_page(request, member: Member, *, absence_form=None, status=200):
    availability = availability_of(member)
    wishes = availability.wishes
    days, times = dict(WEEKDAYS), dict(TimeOfDay.choices)
    context = {
        "subject": member,
        "availability": availability,
        "wish_days": ", ".join(str(days[d]) for d in wishes.weekdays if d in days) if wishes else "",
        "wish_times": ", ".join(str(times[t]) for t in wishes.times_of_day if t in times) if wishes else "",
        "can_manage": may_manage(request.member, member),
        "absence_form": absence_form or AbsenceForm(),
    }
    return render(request, "shifts/availability_member.html", context, status=status)


@coordinator_required
@in_organisation_time
def member_availability(request, pk: int):
    """A member's absences (that she is away and when, never why) and her wishes, for a coordinator."""
    return _member_page(request, _member_or_404(request, pk))


@require_POST
@coordinator_required
@in_organisation_time
def member_absence_add(request, pk: int):
    member = _member_or_404(request, pk)
    if not may_manage(request.member, member):
        raise PermissionDenied
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            absence_add(
                member=member,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                by=request.member,
            )
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("%(name)s is marked away.") % {"name": member.first_name})
            return redirect("shifts:member_availability", organisation=request.organisation.slug, pk=member.pk)
    return _member_page(request, member, absence_form=form)


@require_POST
@coordinator_required
def member_absence_remove(request, pk: int):
    absence = get_object_or_404(
        Absence.objects.for_organisation(request.organisation).filter(member__erased_at=None).select_related("member"),
        pk=pk,
    )
    try:
        absence_remove(absence=absence, by=request.member)
    except RankRefused as refused:
        raise PermissionDenied from refused
    messages.success(request, _("The absence is removed."))
    return redirect("shifts:member_availability", organisation=request.organisation.slug, pk=absence.member_id)


# -- the shelter's workload rules ---------------------------------------------------------------------------


@coordinator_required
def workload_rules(request):
    """Admins change the rules; coordinators read them (they see them as warnings when they assign)."""
    is_admin = request.member.is_admin
    rules = WorkloadRules.for_organisation(request.organisation)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        form = WorkloadRulesForm(request.POST, instance=rules)
        if form.is_valid():
            try:
                workload_rules_save(organisation=request.organisation, by=request.member, **form.cleaned_data)
            except JourplanError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The workload rules are saved."))
                return redirect("shifts:workload_rules", organisation=request.organisation.slug)
    else:
        form = WorkloadRulesForm(instance=rules, read_only=not is_admin)
    return render(request, "shifts/workload_rules.html", {"form": form, "is_admin": is_admin})
