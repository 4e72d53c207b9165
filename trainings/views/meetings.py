"""Coordinator pages for meetings beyond sessions and attendance: everyone behind with the meetings the shelter
expects, and an annual meeting's voting list (printable)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from members.access import coordinator_required, in_organisation_time

from ..expectations import expectation_text, members_behind
from ..models import CoursePurpose
from ..voting import voting_list
from . import MEETINGS


@coordinator_required
def behind(request):
    """Every active member who attended fewer meetings than expected, with each kind she is behind with: three
    queries whatever the number of members."""
    kinds, found = members_behind(request.organisation, now=timezone.now())
    context = {
        "kinds": [(kind, expectation_text(kind)) for kind in kinds],
        "behind": found,
        "catalogue": MEETINGS,
    }
    return render(request, "trainings/meetings_behind.html", context)


@coordinator_required
@in_organisation_time
def voting(request, pk):
    """The annual meeting's list of full members with voting rights yes/no and why not."""
    session = get_object_or_404(
        MEETINGS.sessions(request.organisation).filter(course__purpose=CoursePurpose.ANNUAL_MEETING), pk=pk
    )
    return render(request, "trainings/voting_list.html", {"voting": voting_list(session), "catalogue": MEETINGS})
