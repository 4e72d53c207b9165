"""A coordinator records who attended a training session, and the training matrix shows the member trained."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from tests.factories import SessionSignupFactory, TrainingSessionFactory
from trainings.models import Course, TrainingRecord


def matrix_cell(page, member, course_name: str) -> str:
    """The text of the matrix cell for a member and a course (the badge says the state in words)."""
    headers = page.locator(".matrix thead th").all_inner_texts()
    column = headers.index(course_name)
    row = page.locator(".matrix tbody tr").filter(has_text=member.full_name)
    return row.locator("th, td").nth(column).inner_text()


def test_recording_attendance_changes_the_training_matrix(desktop, organisation, coordinator, volunteer):
    course = Course.objects.get(organisation=organisation, name="Chattutbildning")
    started = timezone.now() - timedelta(hours=3)
    session = TrainingSessionFactory(
        course=course, starts_at=started, ends_at=started + timedelta(hours=2), place="digitalt", capacity=8
    )
    SessionSignupFactory(session=session, member=volunteer)
    slug = organisation.slug
    visit = desktop(coordinator)

    page = visit.goto(reverse("trainings:matrix", kwargs={"organisation": slug}))
    visit.check("coordinator-matrix-before")
    assert "Saknas" in matrix_cell(page, volunteer, "Chattutbildning")

    page = visit.goto(reverse("trainings:sessions", kwargs={"organisation": slug}))
    visit.check("coordinator-training-sessions")
    past = page.get_by_role("region", name="Tidigare utbildningstillfällen")
    past.get_by_role("link", name="Anmälningar och närvaro").click()
    attended = page.get_by_role("checkbox", name=volunteer.full_name)
    attended.wait_for()
    visit.check("coordinator-attendance")
    assert attended.is_checked()  # she signed up, so she is ticked; the coordinator confirms
    page.get_by_role("button", name="Registrera närvaro").click()
    page.get_by_role("status").filter(has_text="Närvaron är registrerad: 1").wait_for()
    visit.check("coordinator-attendance-recorded")
    assert TrainingRecord.objects.filter(member=volunteer, course=course, session=session).exists()

    page.get_by_role("link", name="Utbildningar", exact=True).click()
    page.get_by_role("heading", name="Utbildningsmatris").wait_for()
    visit.check("coordinator-matrix-after")
    assert "Giltig" in matrix_cell(page, volunteer, "Chattutbildning")
