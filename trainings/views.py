"""Thin views: parse the request, call a queryset or service, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exports import export_response
from core.request_limits import accepts_upload
from members.access import coordinator_required, volunteer_required
from members.imports import MAX_BYTES
from members.models import Member

from . import imports
from .forms import (
    CourseForm,
    ImportConfirmForm,
    ImportUploadForm,
    MatrixFilterForm,
    RecordForm,
    SessionForm,
)
from .models import Course, SessionSignup, TrainingRecord, TrainingSession
from .qualification import QualificationChecker, Requirements, requirement_choices, state_on
from .services import (
    TrainingRefused,
    attendance_record,
    record_add_external,
    record_correct,
    record_delete,
    session_cancel_signup,
    session_sign_up,
)


def in_shelter_time(view):
    """Show and read times in the shelter's time zone."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with timezone.override(request.organisation.zone):
            return view(request, *args, **kwargs)

    return wrapped


def _sessions(request):
    return TrainingSession.objects.for_organisation(request.organisation).select_related("course")


# -- volunteer portal ---------------------------------------------------------------------------------
@volunteer_required
@in_shelter_time
def mine(request):
    """My trainings with expiry dates, and upcoming sessions to sign up for."""
    today = timezone.localdate()
    records = TrainingRecord.objects.filter(member=request.member).select_related("course")
    rows = [
        {"record": record, "state": state_on(record.expires_on, today)}
        for record in records.order_by("course__name", "-completed_on")
    ]
    sessions = list(
        _sessions(request)
        .upcoming(timezone.now())
        .with_signup_count()
        .annotate(is_signed_up=Exists(SessionSignup.objects.filter(session=OuterRef("pk"), member=request.member)))
    )
    choices = requirement_choices(request.organisation)
    checker = QualificationChecker(request.organisation, [request.member], on_dates=[today])
    lines = [
        {"label": label, "reasons": checker.reasons(request.member, requirements, on=today)}
        for _key, label, requirements in choices
    ]
    context = {"rows": rows, "sessions": sessions, "today": today, "lines": lines}
    return render(request, "trainings/mine.html", context)


@require_POST
@volunteer_required
def session_join(request, pk):
    session = get_object_or_404(_sessions(request), pk=pk)
    try:
        session_sign_up(session=session, member=request.member)
    except TrainingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("You are signed up for %(course)s.") % {"course": session.course.name})
    return redirect("trainings:mine", shelter=request.organisation.slug)


@require_POST
@volunteer_required
def session_leave(request, pk):
    session = get_object_or_404(_sessions(request), pk=pk)
    try:
        session_cancel_signup(session=session, member=request.member)
    except TrainingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your sign-up has been cancelled."))
    return redirect("trainings:mine", shelter=request.organisation.slug)


# -- coordinator: courses and sessions -----------------------------------------------------------------
@coordinator_required
@in_shelter_time
def sessions(request):
    """Courses and sessions of the shelter, and a form for a new session."""
    form = SessionForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("The session has been added."))
        return redirect("trainings:attendance", shelter=request.organisation.slug, pk=session.pk)
    context = {
        "form": form,
        "upcoming": list(_sessions(request).upcoming(timezone.now()).with_signup_count()),
        "past": list(
            _sessions(request).filter(starts_at__lt=timezone.now()).with_signup_count().order_by("-starts_at")[:20]
        ),
        "courses": list(Course.objects.for_organisation(request.organisation)),
    }
    return render(request, "trainings/sessions.html", context)


@coordinator_required
def course_edit(request, pk=None):
    course = get_object_or_404(Course.objects.for_organisation(request.organisation), pk=pk) if pk else None
    form = CourseForm(request.POST or None, instance=course, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        if (
            Course.objects.for_organisation(request.organisation)
            .filter(name=form.cleaned_data["name"])
            .exclude(pk=course.pk if course else None)
            .exists()
        ):
            form.add_error("name", _("A course with this name already exists."))
        else:
            form.save()
            messages.success(request, _("The course has been saved."))
            return redirect("trainings:sessions", shelter=request.organisation.slug)
    return render(request, "trainings/course_form.html", {"form": form, "course": course})


@coordinator_required
@in_shelter_time
def attendance(request, pk):
    """Sign-ups of a session; ticking who attended creates their completion records in one step."""
    session = get_object_or_404(_sessions(request), pk=pk)
    members = list(Member.objects.for_organisation(request.organisation).current().order_by("first_name", "last_name"))
    signed_up = set(SessionSignup.objects.filter(session=session).values_list("member_id", flat=True))
    recorded = set(TrainingRecord.objects.filter(session=session).values_list("member_id", flat=True))
    if request.method == "POST":
        if session.starts_at > timezone.now():
            messages.error(request, _("Attendance can be recorded once the session has started."))
        else:
            wanted = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
            attendees = [m for m in members if m.pk in wanted]
            try:
                created = attendance_record(session=session, attended=attendees, recorded_by=request.member)
            except TrainingRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request, _("Attendance recorded: %(count)s new training records.") % {"count": len(created)}
                )
                return redirect("trainings:attendance", shelter=request.organisation.slug, pk=session.pk)
    rows = [
        {"member": m, "signed_up": m.pk in signed_up, "recorded": m.pk in recorded}
        for m in members
        if m.pk in signed_up or m.pk in recorded
    ]
    others = [m for m in members if m.pk not in signed_up and m.pk not in recorded]
    context = {"session": session, "rows": rows, "others": others, "started": session.starts_at <= timezone.now()}
    return render(request, "trainings/attendance.html", context)


# -- coordinator: records ----------------------------------------------------------------------------
@coordinator_required
def member_records(request, member_pk):
    member = get_object_or_404(Member.objects.for_organisation(request.organisation), pk=member_pk)
    form = RecordForm(request.POST or None, organisation=request.organisation, with_member=False)
    if request.method == "POST" and form.is_valid():
        try:
            record_add_external(
                member=member,
                course=form.cleaned_data["course"],
                completed_on=form.cleaned_data["completed_on"],
                recorded_by=request.member,
            )
        except TrainingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The training has been recorded."))
            return redirect("trainings:member_records", shelter=request.organisation.slug, member_pk=member.pk)
    records = list(
        TrainingRecord.objects.filter(member=member).select_related("course", "recorded_by").order_by("course__name")
    )
    return render(request, "trainings/member_records.html", {"member": member, "records": records, "form": form})


def _record(request, pk):
    return get_object_or_404(
        TrainingRecord.objects.for_organisation(request.organisation).select_related("member", "course"), pk=pk
    )


@coordinator_required
def record_edit(request, pk):
    record = _record(request, pk)
    initial = {"course": record.course, "completed_on": record.completed_on}
    form = RecordForm(request.POST or None, initial=initial, organisation=request.organisation, with_member=False)
    if request.method == "POST" and form.is_valid():
        try:
            record_correct(
                record=record, course=form.cleaned_data["course"], completed_on=form.cleaned_data["completed_on"]
            )
        except TrainingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The training record has been corrected."))
            return redirect("trainings:member_records", shelter=request.organisation.slug, member_pk=record.member_id)
    return render(request, "trainings/record_form.html", {"form": form, "record": record})


@coordinator_required
def record_remove(request, pk):
    record = _record(request, pk)
    if request.method == "POST":
        record_delete(record=record)
        messages.success(request, _("The training record has been deleted."))
        return redirect("trainings:member_records", shelter=request.organisation.slug, member_pk=record.member_id)
    return render(request, "trainings/record_confirm_delete.html", {"record": record})


# -- coordinator: matrix -----------------------------------------------------------------------------
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
    courses = list(Course.objects.for_organisation(request.organisation).active())
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


# -- coordinator: import ------------------------------------------------------------------------------
@accepts_upload(MAX_BYTES)
@coordinator_required
def records_import_page(request):
    """Upload → preview (with line-numbered errors) → confirm; the import is all or nothing."""
    upload = ImportUploadForm()
    preview = None
    confirm = None
    if request.method == "POST" and "text" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                count = imports.records_import(
                    organisation=request.organisation,
                    content=imports.decode(confirm.cleaned_data["text"]),
                    recorded_by=request.member,
                )
            except imports.ImportRefused as refused:
                preview = imports.ImportPreview(errors=refused.errors)
                confirm = None
            else:
                messages.success(request, _("%(count)s training records were imported.") % {"count": count})
                return redirect("trainings:matrix", shelter=request.organisation.slug)
    elif request.method == "POST":
        upload = ImportUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            content = upload.cleaned_data["file"].read()
            preview = imports.parse(request.organisation, content)
            confirm = None if preview.errors else ImportConfirmForm(initial={"text": imports.encode(content)})
    return render(request, "trainings/import.html", {"upload": upload, "preview": preview, "confirm": confirm})
