"""Coordinator pages for courses (or meeting kinds) and their sessions, and recording who attended a session.
Each view serves one `Catalogue` (trainings or meetings), given by the URL."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.access import coordinator_required, in_organisation_time
from members.models import Member

from ..forms import CourseForm, SessionForm
from ..models import Course, CoursePurpose, SessionSignup, TrainingRecord
from ..services import TrainingRefused, attendance_record
from . import TRAININGS, Catalogue


@coordinator_required
@in_organisation_time
def sessions(request, catalogue: Catalogue = TRAININGS):
    """Courses (meeting kinds) and sessions of the shelter, and a form for a new session."""
    form = SessionForm(request.POST or None, organisation=request.organisation, purposes=catalogue.purposes)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("The session has been added."))
        return redirect(catalogue.attendance, organisation=request.organisation.slug, pk=session.pk)
    shelter_sessions = catalogue.sessions(request.organisation)
    context = {
        "catalogue": catalogue,
        "form": form,
        "upcoming": list(shelter_sessions.upcoming(timezone.now()).with_signup_count()),
        "past": list(
            shelter_sessions.filter(starts_at__lt=timezone.now()).with_signup_count().order_by("-starts_at")[:20]
        ),
        "courses": list(catalogue.courses(request.organisation)),
    }
    return render(request, "trainings/sessions.html", context)


@coordinator_required
def course_edit(request, pk=None, catalogue: Catalogue = TRAININGS):
    course = get_object_or_404(catalogue.courses(request.organisation), pk=pk) if pk else None
    form = CourseForm(
        request.POST or None, instance=course, organisation=request.organisation, meetings=catalogue.meetings
    )
    if request.method == "POST" and form.is_valid():
        if (
            Course.objects.for_organisation(request.organisation)  # names are unique across trainings and meetings
            .filter(name=form.cleaned_data["name"])
            .exclude(pk=course.pk if course else None)
            .exists()
        ):
            form.add_error("name", _("A course with this name already exists."))
        else:
            form.save()
            messages.success(request, _("The course has been saved."))
            return redirect(catalogue.sessions_page, organisation=request.organisation.slug)
    return render(request, "trainings/course_form.html", {"form": form, "course": course, "catalogue": catalogue})


@coordinator_required
@in_organisation_time
def attendance(request, pk, catalogue: Catalogue = TRAININGS):
    """Sign-ups of a session; ticking who attended creates their completion (attendance) records in one step."""
    session = get_object_or_404(catalogue.sessions(request.organisation), pk=pk)
    members = list(Member.objects.for_organisation(request.organisation).current().order_by("first_name", "last_name"))
    signed_up = set(SessionSignup.objects.filter(session=session).values_list("member_id", flat=True))
    recorded = set(TrainingRecord.objects.filter(session=session).values_list("member_id", flat=True))
    if request.method == "POST":
        wanted = {int(v) for v in request.POST.getlist("attended") if v.isdigit() and len(v) < 19}
        attendees = [m for m in members if m.pk in wanted]
        try:
            created = attendance_record(session=session, attended=attendees, recorded_by=request.member)
        except TrainingRefused as refused:
            messages.error(request, refused.message)
        else:
            if catalogue.meetings:
                text = ngettext(
                    "Attendance recorded: %(count)s more member attended.",
                    "Attendance recorded: %(count)s more members attended.",
                    len(created),
                )
            else:
                text = _("Attendance recorded: %(count)s new training records.")
            messages.success(request, text % {"count": len(created)})
            return redirect(catalogue.attendance, organisation=request.organisation.slug, pk=session.pk)
    rows = [
        {"member": m, "signed_up": m.pk in signed_up, "recorded": m.pk in recorded}
        for m in members
        if m.pk in signed_up or m.pk in recorded
    ]
    others = [m for m in members if m.pk not in signed_up and m.pk not in recorded]
    context = {
        "catalogue": catalogue,
        "session": session,
        "rows": rows,
        "others": others,
        "started": session.starts_at <= timezone.now(),
        "is_annual_meeting": session.course.purpose == CoursePurpose.ANNUAL_MEETING,
    }
    return render(request, "trainings/attendance.html", context)
