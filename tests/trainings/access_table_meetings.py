"""Access to the meetings pages (issue 19): a volunteer signs up in her portal; coordinators manage meeting kinds,
sessions, attendance, who is behind and the annual meeting's voting list; another shelter gets 404."""

from datetime import timedelta

from django.utils import timezone

from tests.access import coordinator_page, volunteer_page
from tests.factories import CourseFactory, TrainingSessionFactory
from tests.trainings.access_table import _post_redirect
from trainings.models import CoursePurpose


def populate(world) -> None:
    """An annual-meeting kind with an upcoming session in the shelter."""
    world.meeting_kind = CourseFactory(
        organisation=world.organisation,
        name="Årsmöte",
        purpose=CoursePurpose.ANNUAL_MEETING,
        voting_member_months=6,
    )
    starts = timezone.now() + timedelta(days=10)
    world.meeting = TrainingSessionFactory(
        course=world.meeting_kind, starts_at=starts, ends_at=starts + timedelta(hours=2), place="Lokalen", capacity=50
    )


ACCESS = {
    "trainings:meetings_mine": volunteer_page(),
    "trainings:meeting_join": _post_redirect(kwargs=lambda w: {"pk": w.meeting.pk}),
    "trainings:meeting_leave": _post_redirect(kwargs=lambda w: {"pk": w.meeting.pk}),
    "trainings:meeting_sessions": coordinator_page(),
    "trainings:meeting_attendance": coordinator_page(kwargs=lambda w: {"pk": w.meeting.pk}),
    "trainings:voting_list": coordinator_page(kwargs=lambda w: {"pk": w.meeting.pk}),
    "trainings:meeting_kind_create": coordinator_page(),
    "trainings:meeting_kind_edit": coordinator_page(kwargs=lambda w: {"pk": w.meeting_kind.pk}),
    "trainings:meetings_behind": coordinator_page(),
}
