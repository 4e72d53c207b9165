"""Coordinator pages for the rota's building blocks: lines, their shift patterns (and generating shifts from a
pattern), and one-off shifts."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
    slug = request.organisation.slug
    return pattern_page(
        request,
        line=line,
        pattern=pattern,
        generate=lambda saved: reverse("shifts:pattern_generate", kwargs={"organisation": slug, "pk": saved.pk}),
        done=reverse("shifts:line_list", kwargs={"organisation": slug}),
        shift_links=True,
    )


def pattern_page(request, *, line: Line, pattern: ShiftPattern | None, generate, done: str, shift_links: bool):
    """A pattern's form, for a shelter's line or a national one: a new pattern goes on to generating its shifts
    (`generate(pattern)`, a URL); a change moves the future shifts nobody has taken and goes back to `done`, or
    stays to list the shifts left as they were (linked to the rota when `shift_links`)."""
    form = PatternForm(request.POST or None, instance=pattern)
    left_alone: list[Shift] = []
    if request.method == "POST" and form.is_valid():
        if pattern is None:
            pattern = form.save(commit=False)
            pattern.line = line
            pattern.save()
            messages.success(request, _("The pattern is saved. Generate its shifts for a period."))
            return redirect(generate(pattern))
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        result = pattern_update(pattern=pattern, changes=changes)
        messages.success(
            request,
            _("The pattern is saved: %(updated)d shifts moved, %(created)d created, %(deleted)d removed.")
            % {"updated": result.updated, "created": result.created, "deleted": result.deleted},
        )
        if not result.left_alone:
            return redirect(done)
        left_alone = result.left_alone
    context = {
        "form": form,
        "line": line,
        "pattern": pattern,
        "left_alone": left_alone,
        "cancel_url": done,
        "shift_links": shift_links,
    }
    return render(request, "shifts/line_pattern_form.html", context)


@coordinator_required
@in_organisation_time
def pattern_generate(request, pk):
    pattern = get_object_or_404(
        ShiftPattern.objects.for_organisation(request.organisation).select_related("line"), pk=pk
    )
    return generate_page(
        request, pattern=pattern, back=reverse("shifts:line_list", kwargs={"organisation": request.organisation.slug})
    )


def generate_page(request, *, pattern: ShiftPattern, back: str):
    """Generate a pattern's shifts for a period (in the active time zone: the rota's), for a shelter's line or a
    national one; `back` is where the page's back link goes."""
    today = timezone.localdate()
    form = GenerateForm(request.POST or None, initial={"start": today, "end": today + timedelta(days=60)})
    result = None
    if request.method == "POST" and form.is_valid():
        result = shifts_generate(pattern=pattern, start=form.cleaned_data["start"], end=form.cleaned_data["end"])
    context = {"form": form, "pattern": pattern, "result": result, "back_url": back}
    return render(request, "shifts/line_generate.html", context)


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
