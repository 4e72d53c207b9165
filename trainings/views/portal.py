"""The volunteer's training pages: her trainings with their expiry, and signing up for sessions."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import in_organisation_time, volunteer_required

from ..models import SessionSignup, TrainingRecord
from ..qualification import QualificationChecker, requirement_choices, state_on
from ..services import TrainingRefused, session_cancel_signup, session_sign_up
from . import shelter_sessions as _sessions


@volunteer_required
@in_organisation_time
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
    return redirect("trainings:mine", organisation=request.organisation.slug)


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
    return redirect("trainings:mine", organisation=request.organisation.slug)
