"""Her page "My time": log time (kind, date, hours), her entries with their status and a returned entry's reason,
her year's hours (shifts counted by themselves, other time once approved); change or withdraw an entry that waits
or was returned."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import page_param
from members.access import MemberRequest, in_organisation_time, volunteer_required

from ..forms import TimeEntryForm
from ..models import TimeEntry
from ..selectors import her_entries, her_year
from ..services import OPEN_STATUSES, TimeLogError, time_entry_change, time_entry_log, time_entry_withdraw

PAGE_SIZE = 30


@volunteer_required
@in_organisation_time
def mine(request: MemberRequest) -> HttpResponse:
    """GET: the form, her year and her entries. POST: log an entry (a wrong field keeps what she wrote)."""
    organisation, member = request.organisation, request.member
    form = TimeEntryForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            time_entry_log(member=member, kind=data["kind"], day=data["day"], hours=data["hours"])
        except TimeLogError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Your time is logged. A coordinator approves it."))
            return redirect("timelog:mine", organisation=organisation.slug)
    page = Paginator(her_entries(member), PAGE_SIZE).get_page(page_param(request))
    context = {
        "form": form,
        "page": page,
        "entries": list(page.object_list),
        "year": her_year(member),
        "has_kinds": len(form.kinds) > 0,
        "open_statuses": OPEN_STATUSES,
    }
    return render(request, "timelog/mine.html", context)


def _her_entry(request: MemberRequest, pk: int) -> TimeEntry:
    """Her own entry: anyone else's (a colleague's, or a coordinator asking for hers) is a 404."""
    return get_object_or_404(her_entries(request.member), pk=pk)


@volunteer_required
@in_organisation_time
def change(request: MemberRequest, pk: int) -> HttpResponse:
    entry = _her_entry(request, pk)
    organisation = request.organisation
    if entry.status not in OPEN_STATUSES:
        messages.error(request, _("Approved time can no longer be changed."))
        return redirect("timelog:mine", organisation=organisation.slug)
    initial = {"kind": entry.kind_id, "day": entry.day, "hours": f"{entry.hours.normalize():f}"}
    form = TimeEntryForm(request.POST or None, organisation=organisation, current=entry.kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            time_entry_change(
                entry=entry, member=request.member, kind=data["kind"], day=data["day"], hours=data["hours"]
            )
        except TimeLogError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Your time is changed and waits for approval again."))
            return redirect("timelog:mine", organisation=organisation.slug)
    return render(request, "timelog/change.html", {"form": form, "entry": entry})


@require_POST
@volunteer_required
def withdraw(request: MemberRequest, pk: int) -> HttpResponse:
    entry = _her_entry(request, pk)
    try:
        time_entry_withdraw(entry=entry, member=request.member)
    except TimeLogError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The time is taken back."))
    return redirect("timelog:mine", organisation=request.organisation.slug)
