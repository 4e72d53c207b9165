"""Coordinator pages of the rota: lines, patterns, month/week views, gaps, the shift page, publishing."""

from __future__ import annotations

import calendar
from datetime import date, time, timedelta
from functools import wraps

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from core.errors import JourplanError
from core.params import int_param, month_param, pk_param, week_param
from members.access import coordinator_required

from .forms import AssignForm, GenerateForm, LineForm, PatternForm, ShiftForm
from .generation import pattern_update, shifts_generate, wall_clock
from .models import Assignment, Line, RotaChangeKind, Shift, ShiftPattern
from .publishing import change_record, rota_publish, unpublished_count
from .services import SignupRefused, assignment_release, coordinator_assign, shift_cancel


def in_shelter_time(view):
    """Show and read times in the shelter's time zone."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(request.organisation.zone):
            return view(request, *args, **kwargs)

    return wrapped


def _lines(request):
    return Line.objects.for_organisation(request.organisation)


def _shifts(request):
    return Shift.objects.for_organisation(request.organisation)


def _rota_shifts(request, start: date, end: date, line: Line | None):
    """Shifts starting on the local dates start..end (inclusive) with staffing and confirmed first names:
    a fixed number of queries whatever the number of shifts."""
    zone = request.organisation.zone
    shifts = (
        _shifts(request)
        .filter(
            starts_at__gte=wall_clock(start, time(0), zone),
            starts_at__lt=wall_clock(end + timedelta(days=1), time(0), zone),
        )
        .with_staffing()
        .select_related("line")
        .prefetch_related(
            Prefetch(
                "assignments",
                # Ordered by shift_id, not the default ("shift" → the shift's start), which joins every shift of
                # the federation into this query; the prefetch groups by shift anyway.
                queryset=Assignment.objects.confirmed()
                .select_related("member")
                .only("shift_id", "member__first_name")
                .order_by("shift_id", "created_at", "pk"),
                to_attr="confirmed_list",
            )
        )
        .order_by("starts_at", "line__name", "pk")
    )
    if line is not None:
        shifts = shifts.filter(line=line)
    return list(shifts)


def _by_day(request, shifts) -> dict[date, list[Shift]]:
    """Group by local start date; precompute what the calendar shows so the template stays cheap per shift."""
    zone = request.organisation.zone
    base = reverse("shifts:rota_shift", kwargs={"shelter": request.organisation.slug, "pk": 0})[:-2]
    labels = {"under": _("Under-staffed"), "ok": pgettext("staffing", "OK"), "full": pgettext("staffing", "Full")}
    days: dict[date, list[Shift]] = {}
    for shift in shifts:
        starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
        shift.href = f"{base}{shift.pk}/"
        shift.times = f"{starts:%H:%M}–{ends:%H:%M}"
        shift.count_text = _("%(count)s of %(max)s") % {"count": shift.confirmed_count, "max": shift.max_volunteers}
        shift.staffing_label = labels[shift.staffing]
        shift.names = ", ".join(a.member.first_name for a in shift.confirmed_list)
        days.setdefault(starts.date(), []).append(shift)
    return days


def _chosen_line(request) -> Line | None:
    pk = pk_param(request, "line")
    if pk is None:
        return None
    return get_object_or_404(_lines(request), pk=pk)


def _rota_context(request, line, **extra):
    return {
        "lines": list(_lines(request).active()),
        "line": line,
        "line_query": f"&line={line.pk}" if line else "",
        "unpublished": unpublished_count(request.organisation),
        **extra,
    }


@coordinator_required
@in_shelter_time
def rota_month(request):
    today = timezone.localdate()
    first = month_param(request, today.replace(day=1))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    line = _chosen_line(request)
    by_day = _by_day(request, _rota_shifts(request, grid_start, grid_end, line))
    days = []
    day = grid_start
    while day <= grid_end:
        days.append(
            {"date": day, "outside": day.month != first.month, "today": day == today, "shifts": by_day.get(day, [])}
        )
        day += timedelta(days=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    context = _rota_context(
        request,
        line,
        first=first,
        days=days,
        weekdays=[grid_start + timedelta(days=i) for i in range(7)],
        previous=f"{previous:%Y-%m}",
        following=f"{following:%Y-%m}",
        week=f"{first - timedelta(days=first.weekday()):%Y-%m-%d}",
        month_value=f"{first:%Y-%m}",
    )
    return render(request, "shifts/rota_month.html", context)


@coordinator_required
@in_shelter_time
def rota_week(request):
    today = timezone.localdate()
    chosen = week_param(request, today)
    monday = chosen - timedelta(days=chosen.weekday())
    line = _chosen_line(request)
    by_day = _by_day(request, _rota_shifts(request, monday, monday + timedelta(days=6), line))
    days = [{"date": monday + timedelta(days=i), "today": monday + timedelta(days=i) == today} for i in range(7)]
    for each in days:
        each["shifts"] = by_day.get(each["date"], [])
    context = _rota_context(
        request,
        line,
        monday=monday,
        days=days,
        previous=f"{monday - timedelta(days=7):%Y-%m-%d}",
        following=f"{monday + timedelta(days=7):%Y-%m-%d}",
        month=f"{monday:%Y-%m}",
        week_value=f"{monday:%Y-%m-%d}",
    )
    return render(request, "shifts/rota_week.html", context)


@coordinator_required
@in_shelter_time
def rota_gaps(request):
    """Under-staffed shifts in the next N weeks."""
    weeks = int_param(request, "weeks", 4, lo=1, hi=52, clamp=True)
    now = timezone.now()
    line = _chosen_line(request)
    shifts = (
        _shifts(request)
        .not_cancelled()
        .filter(starts_at__gt=now, starts_at__lt=now + timedelta(weeks=weeks))
        .with_staffing()
        .filter(staffing="under")
        .select_related("line")
        .order_by("starts_at", "pk")
    )
    if line is not None:
        shifts = shifts.filter(line=line)
    return render(
        request,
        "shifts/rota_gaps.html",
        _rota_context(request, line, shifts=list(shifts), weeks=weeks, weeks_value=str(weeks)),
    )


@coordinator_required
@in_shelter_time
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
@in_shelter_time
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
        return redirect("shifts:rota_shift", shelter=request.organisation.slug, pk=shift.pk)
    change_record(shift=shift, member=member, kind=RotaChangeKind.ADDED)
    messages.success(
        request, _("%(name)s is on the shift. Publish the rota to tell her.") % {"name": member.first_name}
    )
    return redirect("shifts:rota_shift", shelter=request.organisation.slug, pk=shift.pk)


@require_POST
@coordinator_required
def rota_remove(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.for_organisation(request.organisation).select_related("member", "shift"), pk=pk
    )
    try:
        promoted = assignment_release(assignment=assignment, by=request.member)
    except JourplanError as error:
        messages.error(request, error.message)
    else:
        change_record(shift=assignment.shift, member=assignment.member, kind=RotaChangeKind.REMOVED)
        messages.success(request, _("%(name)s is no longer on the shift.") % {"name": assignment.member.first_name})
        for each in promoted:
            messages.info(request, _("%(name)s moved up from the waiting list.") % {"name": each.member.first_name})
    return redirect("shifts:rota_shift", shelter=request.organisation.slug, pk=assignment.shift_id)


@coordinator_required
@in_shelter_time
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
        return redirect("shifts:rota_shift", shelter=request.organisation.slug, pk=shift.pk)
    on_it = shift.assignments.active().count()
    return render(request, "shifts/rota_cancel.html", {"shift": shift, "on_it": on_it})


@require_POST
@coordinator_required
def rota_publish_view(request):
    told = rota_publish(organisation=request.organisation)
    if told:
        messages.success(
            request,
            ngettext(
                "Published: %(count)d volunteer gets a notice of her changes.",
                "Published: %(count)d volunteers get a notice of their changes.",
                told,
            )
            % {"count": told},
        )
    else:
        messages.info(request, _("There were no unpublished changes."))
    return redirect("shifts:rota_month", shelter=request.organisation.slug)


# -- lines and patterns -------------------------------------------------------------------------------
@coordinator_required
def line_list(request):
    lines = _lines(request).prefetch_related("patterns", "required_courses")
    return render(request, "shifts/line_list.html", {"lines": list(lines)})


@coordinator_required
def line_edit(request, pk=None):
    line = get_object_or_404(_lines(request), pk=pk) if pk else None
    form = LineForm(request.POST or None, instance=line, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        line = form.save()
        messages.success(request, _("The line is saved."))
        return redirect("shifts:line_list", shelter=request.organisation.slug)
    return render(request, "shifts/line_form.html", {"form": form, "line": line})


@coordinator_required
@in_shelter_time
def pattern_edit(request, line_pk=None, pk=None):
    if pk:
        pattern = get_object_or_404(ShiftPattern.objects.for_organisation(request.organisation), pk=pk)
        line = pattern.line
    else:
        line = get_object_or_404(_lines(request), pk=line_pk)
        pattern = None
    form = PatternForm(request.POST or None, instance=pattern)
    left_alone = []
    if request.method == "POST" and form.is_valid():
        if pattern is None:
            pattern = form.save(commit=False)
            pattern.line = line
            pattern.save()
            messages.success(request, _("The pattern is saved. Generate its shifts for a period."))
            return redirect("shifts:pattern_generate", shelter=request.organisation.slug, pk=pattern.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        result = pattern_update(pattern=pattern, changes=changes)
        messages.success(
            request,
            _("The pattern is saved: %(updated)d shifts moved, %(created)d created, %(deleted)d removed.")
            % {"updated": result.updated, "created": result.created, "deleted": result.deleted},
        )
        if not result.left_alone:
            return redirect("shifts:line_list", shelter=request.organisation.slug)
        left_alone = result.left_alone
    return render(
        request,
        "shifts/line_pattern_form.html",
        {"form": form, "line": line, "pattern": pattern, "left_alone": left_alone},
    )


@coordinator_required
@in_shelter_time
def pattern_generate(request, pk):
    pattern = get_object_or_404(
        ShiftPattern.objects.for_organisation(request.organisation).select_related("line"), pk=pk
    )
    today = timezone.localdate()
    form = GenerateForm(request.POST or None, initial={"start": today, "end": today + timedelta(days=60)})
    result = None
    if request.method == "POST" and form.is_valid():
        result = shifts_generate(pattern=pattern, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    return render(request, "shifts/line_generate.html", {"form": form, "pattern": pattern, "result": result})


@coordinator_required
@in_shelter_time
def shift_create(request):
    form = ShiftForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        shift = Shift.objects.create(
            line=form.cleaned_data["line"],
            starts_at=starts_at,
            ends_at=ends_at,
            min_volunteers=form.cleaned_data["min_volunteers"],
            max_volunteers=form.cleaned_data["max_volunteers"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("The shift is created."))
        return redirect("shifts:rota_shift", shelter=request.organisation.slug, pk=shift.pk)
    return render(request, "shifts/rota_shift_form.html", {"form": form})
