"""Coordinator pages for the rota's building blocks: lines, their shift patterns (and generating shifts from a
pattern), and one-off shifts."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import coordinator_required, in_organisation_time

from ..forms import GenerateForm, LineForm, PatternForm, ShiftForm
from ..generation import pattern_update, shifts_generate
from ..models import Line, Shift, ShiftPattern


def _lines(request):
    return Line.objects.for_organisation(request.organisation)


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
        return redirect("shifts:line_list", organisation=request.organisation.slug)
    return render(request, "shifts/line_form.html", {"form": form, "line": line})


@coordinator_required
@in_organisation_time
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
            return redirect("shifts:pattern_generate", organisation=request.organisation.slug, pk=pattern.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        result = pattern_update(pattern=pattern, changes=changes)
        messages.success(
            request,
            _("The pattern is saved: %(updated)d shifts moved, %(created)d created, %(deleted)d removed.")
            % {"updated": result.updated, "created": result.created, "deleted": result.deleted},
        )
        if not result.left_alone:
            return redirect("shifts:line_list", organisation=request.organisation.slug)
        left_alone = result.left_alone
    return render(
        request,
        "shifts/line_pattern_form.html",
        {"form": form, "line": line, "pattern": pattern, "left_alone": left_alone},
    )


@coordinator_required
@in_organisation_time
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
@in_organisation_time
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
        return redirect("shifts:rota_shift", organisation=request.organisation.slug, pk=shift.pk)
    return render(request, "shifts/rota_shift_form.html", {"form": form})
