"""Attendance can be recorded once a session has started: the service refuses before, whoever calls it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import NOW, CourseFactory, MemberFactory, TrainingSessionFactory
from trainings.models import TrainingRecord, TrainingSession
from trainings.services import TrainingRefused, attendance_record

pytestmark = pytest.mark.django_db


def test_the_service_refuses_attendance_before_the_session_starts(organisation, coordinator, volunteer):
    session = TrainingSessionFactory(
        course=CourseFactory(organisation=organisation), starts_at=NOW + timedelta(hours=1)
    )
    with pytest.raises(TrainingRefused) as refused:
        attendance_record(session=session, attended=[volunteer], recorded_by=coordinator, now=NOW)
    assert refused.value.message == "Närvaro kan registreras när utbildningstillfället har börjat."
    assert not TrainingRecord.objects.exists()
    assert TrainingSession.objects.get().attendance_recorded_at is None


def test_the_service_records_attendance_from_the_start(organisation, coordinator, volunteer):
    session = TrainingSessionFactory(course=CourseFactory(organisation=organisation), starts_at=NOW)
    (record,) = attendance_record(session=session, attended=[volunteer], recorded_by=coordinator, now=NOW)
    assert (record.member, record.session) == (volunteer, session)
    assert TrainingSession.objects.get().attendance_recorded_at == NOW


def test_the_page_shows_the_refusal_before_the_session_starts(coordinator_client, organisation):
    session = TrainingSessionFactory(
        course=CourseFactory(organisation=organisation), starts_at=timezone.now() + timedelta(days=1)
    )
    member = MemberFactory(organisation=organisation)
    url = reverse("trainings:attendance", kwargs={"organisation": organisation.slug, "pk": session.pk})
    response = coordinator_client.post(url, {"attended": [member.pk]})
    assert response.status_code == 200
    assert "Närvaro kan registreras när utbildningstillfället har börjat." in response.content.decode()
    assert not TrainingRecord.objects.exists()
