"""The coordinator's training matrix (members × courses on a date), as a page and as CSV."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import export_response
from members.access import coordinator_required
from members.models import Member

from ..forms import MatrixFilterForm
from ..models import Course
from ..qualification import QualificationChecker, Requirements, requirement_choices


def _matrix(request):
    """Members × courses for a date, filtered by required courses and/or a line's requirements (from the
    registered requirement sources); a fixed number of queries at any size."""
    choices = requirement_choices(request.organisation)
    form = MatrixFilterForm(request.GET or None, organisation=request.organisation, lines=choices)
    on = timezone.localdate()
    required: list[Course] = []
    line = None  # (key, label, Requirements) of the chosen line
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"] or on
        required = list(form.cleaned_data["courses"])
        line = next((c for c in choices if c[0] == form.cleaned_data.get("line")), None)
    courses = list(Course.objects.for_organisation(request.organisation).trainings().active())
    members = list(
        Member.objects.for_organisation(request.organisation)
        .current()
        .order_by("first_name", "last_name", "pk")
        .only("pk", "first_name", "last_name", "organisation_id")
    )
    checker = QualificationChecker(request.organisation, members, on_dates=[on])
    requirements = Requirements(courses=[c.pk for c in required])
    if line is not None:
        line_requirements = line[2]
        requirements = Requirements(
            courses=sorted(set(requirements.courses) | set(line_requirements.courses)),
            needs_pledge=line_requirements.needs_pledge,
            needs_record_check=line_requirements.needs_record_check,
        )
    rows = [
        {"member": member, "cells": [(course, checker.standing(member, course.pk, on)) for course in courses]}
        for member in members
        if (not required and line is None) or checker.is_qualified(member, requirements, on=on)
    ]
    return form, on, courses, rows, required, line


@coordinator_required
def matrix(request):
    form, on, courses, rows, required, line = _matrix(request)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "on": on,
        "courses": courses,
        "rows": rows,
        "required": required,
        "line_label": line[1] if line else None,
        "query": query,
    }
    return render(request, "trainings/matrix.html", context)


@coordinator_required
def matrix_csv(request):
    """The matrix as CSV (names only, no contact data: an export must never carry a protected address)."""
    _form, on, courses, rows, _required, _line = _matrix(request)

    def cell(standing) -> str:
        text = standing.state.label
        if standing.expires_on:
            text = f"{text} ({_('valid until')} {standing.expires_on.isoformat()})"
        return text

    return export_response(
        request,
        what="training_matrix_csv",
        filename=f"utbildningar-{on.isoformat()}.csv",
        header=[_("Member"), *[course.name for course in courses]],
        rows=[[row["member"].full_name, *[cell(standing) for _course, standing in row["cells"]]] for row in rows],
    )
