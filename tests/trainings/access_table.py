from datetime import date, timedelta

from django.utils import timezone

from tests.access import LOGIN, NOT_FOUND, Rule, coordinator_page, volunteer_page
from tests.factories import TrainingSessionFactory
from trainings.models import Course, TrainingRecord


def populate(world) -> None:
    """A course, an upcoming session and a record in the shelter (the catalogue comes with the shelter)."""
    world.course = Course.objects.filter(organisation=world.organisation).order_by("pk").first()
    starts = timezone.now() + timedelta(days=10)
    world.session = TrainingSessionFactory(
        course=world.course, starts_at=starts, ends_at=starts + timedelta(hours=2), place="digitalt", capacity=30
    )
    world.record = TrainingRecord(member=world.volunteer, course=world.course, completed_on=date(2026, 1, 10))
    world.record.save()


def _post_redirect(**extra) -> Rule:
    """A POST action for volunteers: every role of the shelter is redirected back to her page."""
    return Rule(
        anonymous=LOGIN, volunteer=302, coordinator=302, admin=302, other_shelter=NOT_FOUND, method="post", **extra
    )


ACCESS = {
    "trainings:mine": volunteer_page(),
    "trainings:session_join": _post_redirect(kwargs=lambda w: {"pk": w.session.pk}),
    "trainings:session_leave": _post_redirect(kwargs=lambda w: {"pk": w.session.pk}),
    "trainings:sessions": coordinator_page(),
    "trainings:attendance": coordinator_page(kwargs=lambda w: {"pk": w.session.pk}),
    "trainings:course_create": coordinator_page(),
    "trainings:course_edit": coordinator_page(kwargs=lambda w: {"pk": w.course.pk}),
    "trainings:matrix": coordinator_page(),
    "trainings:matrix_csv": coordinator_page(),
    "trainings:member_records": coordinator_page(kwargs=lambda w: {"member_pk": w.volunteer.pk}),
    "trainings:record_edit": coordinator_page(kwargs=lambda w: {"pk": w.record.pk}),
    "trainings:record_remove": coordinator_page(kwargs=lambda w: {"pk": w.record.pk}),
    "trainings:import": coordinator_page(),
}
