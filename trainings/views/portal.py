"""The volunteer's training pages: her trainings with their expiry, and signing up for sessions."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import in_organisation_time, volunteer_required

from ..expectations import expectations_for
from ..models import CoursePurpose, TrainingRecord, add_months
from ..qualification import QualificationChecker, requirement_choices, state_on
from ..services import TrainingRefused, session_cancel_signup, session_sign_up
from . import MEETINGS, TRAININGS, Catalogue


@volunteer_required
@in_organisation_time
def mine(request):
    """My trainings with expiry dates, and upcoming sessions to sign up for."""
    today = timezone.localdate()
    records = TrainingRecord.objects.filter(member=request.member, course__purpose=CoursePurpose.TRAINING)
    rows = [
        {"record": record, "state": state_on(record.expires_on, today)}
        for record in records.select_related("course").order_by("course__name", "-completed_on")
    ]
    sessions = TRAININGS.upcoming_for(request.organisation, request.member, timezone.now())
    choices = requirement_choices(request.organisation)
    checker = QualificationChecker(request.organisation, [request.member], on_dates=[today])
    lines = [
        {"label": label, "reasons": checker.reasons(request.member, requirements, on=today)}
        for _key, label, requirements in choices
    ]
    context = {"rows": rows, "sessions": sessions, "today": today, "lines": lines, "catalogue": TRAININGS}
    return render(request, "trainings/mine.html", context)


@volunteer_required
@in_organisation_time
def meetings_mine(request):
    """Upcoming meetings to sign up for, how she stands against what the shelter expects, and the meetings she
    attended in the last year."""
    now = timezone.now()
    today = timezone.localdate()
    attended = (
        TrainingRecord.objects.filter(member=request.member, course__purpose__in=MEETINGS.purposes)
        .filter(completed_on__gt=add_months(today, -12))
        .select_related("course")
        .order_by("-completed_on", "pk")
    )
    context = {
        "catalogue": MEETINGS,
        "sessions": MEETINGS.upcoming_for(request.organisation, request.member, now),
        "standings": expectations_for(request.organisation, [request.member], now=now).standings_of(request.member),
        "attended": list(attended),
    }
    return render(request, "trainings/meetings_mine.html", context)


@require_POST
@volunteer_required
def session_join(request, pk, catalogue: Catalogue = TRAININGS):
    session = get_object_or_404(catalogue.sessions(request.organisation), pk=pk)
    try:
        session_sign_up(session=session, member=request.member)
    except TrainingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("You are signed up for %(course)s.") % {"course": session.course.name})
    return redirect(catalogue.mine, organisation=request.organisation.slug)


@require_POST
@volunteer_required
def session_leave(request, pk, catalogue: Catalogue = TRAININGS):
    session = get_object_or_404(catalogue.sessions(request.organisation), pk=pk)
    try:
        session_cancel_signup(session=session, member=request.member)
    except TrainingRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your sign-up has been cancelled."))
    return redirect(catalogue.mine, organisation=request.organisation.slug)
