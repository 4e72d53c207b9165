"""The trainings app's pages, one module per topic: portal (the volunteer's trainings and sign-ups), sessions
(courses, sessions, attendance), records (a member's records, corrections, import), matrix."""

from ..models import TrainingSession


def shelter_sessions(request):
    """The sessions of the request's shelter, with their course."""
    return TrainingSession.objects.for_organisation(request.organisation).select_related("course")
