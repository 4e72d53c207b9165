"""The federation operator's pages for the national rota (issue 20): national lines, their patterns and shifts,
the shelters invited, and the gaps with counts per shelter. Operators only (reports.views.access.operator_required:
User.is_staff; a 404 for everyone else). The operator never sees a volunteer's name: counts per shelter only
(shifts.national.counts_by_shelter)."""

from __future__ import annotations

from datetime import time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from core.models import Organisation
from core.params import date_param, int_param
from reports.views.access import operator_required

from ..generation import wall_clock
from ..models import Line, NationalParticipation, NationalVolunteer, Shift, ShiftPattern, Staffing
from ..national import (
    counts_by_shelter,
    national_invite,
    national_line_create,
    national_organisation_if_any,
    national_settings_update,
)
from ..national_forms import InviteForm, NationalLineEditForm, NationalLineForm, NationalSettingsForm
from .lines import generate_page, pattern_page

NEXT_SHIFTS = 3  # upcoming shifts shown per line on the list
GAP_WEEKS = 13  # the gap view's default period
MAX_WEEKS = 52


def _national_line(pk: int) -> Line:
    return get_object_or_404(Line.objects.national().select_related("organisation"), pk=pk)


@operator_required
def national_lines(request):
    """The national lines with their shelters, volunteers let in and next shifts; a form to create one."""
    form = NationalLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = national_line_create(by=request.user, **form.cleaned_data)
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The national line is created. Add its shift patterns."))
            return redirect("national:line", pk=line.pk)
    now = timezone.now()
    upcoming = Shift.objects.filter(starts_at__gt=now, cancelled_at=None).with_staffing().order_by("starts_at", "pk")
    lines = (
        Line.objects.national()
        .annotate(
            invited=Count("participations", distinct=True),
            taking_part=Count("participations", filter=Q(participations__accepted_at__isnull=False), distinct=True),
            let_in=Count("national_volunteers", distinct=True),
        )
        .prefetch_related(Prefetch("shifts", queryset=upcoming[:NEXT_SHIFTS], to_attr="next_shifts"))
        .order_by("name", "pk")
    )
    national = national_organisation_if_any()
    rules = NationalSettingsForm(organisation=national) if national else None
    # Times in the national organisation's zone (the default zone before the first line creates it).
    with timezone.override(national.zone if national else ZoneInfo(settings.TIME_ZONE)):
        return render(
            request,
            "shifts/national/operator_lines.html",
            {"form": form, "lines": list(lines), "rules_form": rules},
        )


@require_POST
@operator_required
def national_settings(request):
    """Save the national lines' sign-up window and release deadline; a bad value says why and changes nothing."""
    national = national_organisation_if_any()
    if national is None:  # no national line yet: nothing to set
        return redirect("national:lines")
    form = NationalSettingsForm(request.POST, organisation=national)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        messages.error(request, _("Nothing was changed."))
        return redirect("national:lines")
    try:
        changed = national_settings_update(by=request.user, **form.cleaned_data)
    except JourplanError as refused:
        messages.error(request, refused.message)
    else:
        if changed:
            messages.success(request, _("The settings have been saved."))
        else:
            messages.info(request, _("Nothing was changed."))
    return redirect("national:lines")


def _shelter_rows(line: Line) -> list[dict]:
    """Each shelter invited: when, taking part since, how many of its volunteers are let in (counts only)."""
    let_in = dict(
        NationalVolunteer.objects.filter(line=line)
        .order_by()
        .values("member__organisation")
        .annotate(n=Count("pk"))
        .values_list("member__organisation", "n")
    )
    participations = NationalParticipation.objects.filter(line=line).select_related("organisation")
    return [
        {
            "name": p.organisation.name,
            "invited_at": p.invited_at,
            "accepted_at": p.accepted_at,
            "let_in": let_in.get(p.organisation_id, 0),
        }
        for p in participations.order_by("organisation__name", "pk")
    ]


def _line_page(request, line: Line, *, form, invite_form, status: int = 200):
    context = {
        "line": line,
        "form": form,
        "invite_form": invite_form,
        "can_invite": Organisation.objects.shelters().exclude(national_participations__line=line).exists(),
        "patterns": list(line.patterns.order_by("start_time", "pk")),
        "shelters": _shelter_rows(line),
        "signup_window_days": line.organisation.signup_window_days,
    }
    with timezone.override(line.organisation.zone):
        return render(request, "shifts/national/operator_line.html", context, status=status)


@operator_required
def national_line(request, pk):
    """The line: its fields (POST saves them), its patterns, the shelters invited and a form to invite more."""
    line = _national_line(pk)
    form = NationalLineEditForm(request.POST or None, instance=line)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The line is saved."))
            return redirect("national:line", pk=line.pk)
        line.refresh_from_db()  # the page shows the line as it is, the form what she typed
    return _line_page(request, line, form=form, invite_form=InviteForm(line=line))


@require_POST
@operator_required
def national_line_invite(request, pk):
    line = _national_line(pk)
    invite_form = InviteForm(request.POST, line=line)
    if not invite_form.is_valid():
        return _line_page(request, line, form=NationalLineEditForm(instance=line), invite_form=invite_form)
    try:
        invited = national_invite(line=line, organisations=invite_form.cleaned_data["shelters"], by=request.user)
    except JourplanError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(count)d shelters invited. Each takes part once one of its coordinators accepts.") % {"count": invited},
        )
    return redirect("national:line", pk=line.pk)


@operator_required
def national_pattern_edit(request, line_pk=None, pk=None):
    """A new pattern for the line, or a change to one (its future shifts nobody has taken follow it)."""
    if pk:
        pattern = get_object_or_404(
            ShiftPattern.objects.filter(line__organisation__national=True).select_related("line__organisation"), pk=pk
        )
        line = pattern.line
    else:
        line = _national_line(line_pk)
        pattern = None
    with timezone.override(line.organisation.zone):
        return pattern_page(
            request,
            line=line,
            pattern=pattern,
            generate=lambda saved: reverse("national:pattern_generate", kwargs={"pk": saved.pk}),
            done=reverse("national:line", kwargs={"pk": line.pk}),
            shift_links=False,  # the rota's shift pages are a shelter's
        )


@operator_required
def national_pattern_generate(request, pk):
    pattern = get_object_or_404(
        ShiftPattern.objects.filter(line__organisation__national=True).select_related("line__organisation"), pk=pk
    )
    with timezone.override(pattern.line.organisation.zone):
        return generate_page(request, pattern=pattern, back=reverse("national:line", kwargs={"pk": pattern.line_id}))


@operator_required
def national_gaps(request, pk):
    """The line's shifts in a period (?from=YYYY-MM-DD, ?weeks=N; ?gaps=1 for the under-staffed only), each with
    its staffing and who is on it as counts per shelter: the same number of queries whatever the number of
    shifts, and no volunteer's name."""
    line = _national_line(pk)
    zone = line.organisation.zone
    with timezone.override(zone):
        today = timezone.localdate()
        start = date_param(request, today, "from")
        weeks = int_param(request, "weeks", GAP_WEEKS, lo=1, hi=MAX_WEEKS, clamp=True)
        only_gaps = request.GET.get("gaps", "").strip() == "1"
        end = start + timedelta(weeks=weeks)
        midnight = time(0)
        shifts = (
            Shift.objects.filter(line=line, cancelled_at=None)
            .between(wall_clock(start, midnight, zone), wall_clock(end, midnight, zone))
            .with_staffing()
            .order_by("starts_at", "pk")
        )
        if only_gaps:
            shifts = shifts.filter(staffing=Staffing.UNDER)
        shifts = list(shifts)
        counts = counts_by_shelter(shifts)
        rows = [{"shift": shift, "shelters": counts.get(shift.pk, [])} for shift in shifts]

        def period_url(first, *, gaps: bool = only_gaps) -> str:
            query = {"from": first.isoformat(), "weeks": weeks}
            if gaps:
                query["gaps"] = 1
            return "?" + urlencode(query)

        context = {
            "line": line,
            "rows": rows,
            "start": start,
            "last_day": end - timedelta(days=1),
            "weeks": weeks,
            "only_gaps": only_gaps,
            "under_count": sum(1 for shift in shifts if shift.staffing == Staffing.UNDER),
            "previous_url": period_url(start - timedelta(weeks=weeks)),
            "next_url": period_url(end),
            "toggle_url": period_url(start, gaps=not only_gaps),
        }
        return render(request, "shifts/national/operator_gaps.html", context)
