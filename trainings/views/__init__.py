"""The trainings app's pages, one module per topic: portal (the volunteer's trainings and sign-ups), sessions
(courses, sessions, attendance), records (a member's records, corrections, import), matrix, meetings (who is
behind, the annual meeting's voting list).

Trainings and meetings (supervision, member meetings, annual meetings) are the same machinery: a course with
sessions, sign-ups and attendance. One code path serves both; the URL says which `Catalogue` a page is for, and
everything a page reads starts from the catalogue, so a meeting never appears on a training page (and is never a
qualification) and a training never on a meeting page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from members.models import Member

from ..models import MEETING_PURPOSES, Course, CoursePurpose, SessionSignup, TrainingSession


@dataclass(frozen=True)
class Catalogue:
    """Trainings or meetings: which course purposes a page serves, its URL names and its titles."""

    key: str  # "trainings" / "meetings": the URL kwarg's value, for tests and templates
    purposes: tuple[str, ...]
    mine: str
    sessions_page: str
    attendance: str
    course_create: str
    course_edit: str
    session_join: str
    session_leave: str
    title: str | Promise
    courses_title: str | Promise
    new_course: str | Promise

    @property
    def meetings(self) -> bool:
        return self.key == "meetings"

    def courses(self, organisation: Organisation):
        return Course.objects.for_organisation(organisation).filter(purpose__in=self.purposes)

    def sessions(self, organisation: Organisation):
        """The shelter's sessions of this catalogue's courses, with their course."""
        return (
            TrainingSession.objects.for_organisation(organisation)
            .filter(course__purpose__in=self.purposes)
            .select_related("course")
        )

    def upcoming_for(self, organisation: Organisation, member: Member, now):
        """Upcoming sessions with their sign-up count and whether she is signed up: one query."""
        return list(
            self.sessions(organisation)
            .upcoming(now)
            .with_signup_count()
            .annotate(is_signed_up=Exists(SessionSignup.objects.filter(session=OuterRef("pk"), member=member)))
        )


TRAININGS = Catalogue(
    key="trainings",
    purposes=(CoursePurpose.TRAINING,),
    mine="trainings:mine",
    sessions_page="trainings:sessions",
    attendance="trainings:attendance",
    course_create="trainings:course_create",
    course_edit="trainings:course_edit",
    session_join="trainings:session_join",
    session_leave="trainings:session_leave",
    title=_("Courses and sessions"),
    courses_title=_("Courses"),
    new_course=_("New course"),
)
MEETINGS = Catalogue(
    key="meetings",
    purposes=MEETING_PURPOSES,
    mine="trainings:meetings_mine",
    sessions_page="trainings:meeting_sessions",
    attendance="trainings:meeting_attendance",
    course_create="trainings:meeting_kind_create",
    course_edit="trainings:meeting_kind_edit",
    session_join="trainings:meeting_join",
    session_leave="trainings:meeting_leave",
    title=_("Meetings"),
    courses_title=_("Meeting kinds"),
    new_course=_("New meeting kind"),
)
