from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from members.models import Role
from tests.conftest import log_in
from tests.factories import (
    CourseFactory,
    MemberFactory,
    OrganisationFactory,
    SessionSignupFactory,
    TrainingRecordFactory,
    TrainingSessionFactory,
)
from trainings.models import Course, RecordSource, SessionSignup, TrainingRecord, TrainingSession
from trainings.services import TrainingRefused, attendance_record, session_sign_up

pytestmark = pytest.mark.django_db


def make_session(organisation, *, days=7, capacity=2, name="Chattutbildning"):
    starts = timezone.now() + timedelta(days=days)
    return TrainingSessionFactory(
        course=CourseFactory(organisation=organisation, name=name),
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="digitalt",
        trainer="Sara",
        capacity=capacity,
    )


def test_a_new_shelter_gets_the_swedish_catalogue():
    organisation = OrganisationFactory()
    names = set(Course.objects.filter(organisation=organisation).values_list("name", flat=True))
    assert {"Grundutbildning om mäns våld mot kvinnor", "Chattutbildning", "Säkerhet och tystnadslöfte"} <= names
    assert len(names) == 6


def test_volunteer_signs_up_and_cancels_in_the_portal(volunteer_client, volunteer):
    session = make_session(volunteer.organisation)
    url = reverse("trainings:mine", kwargs={"organisation": "testjouren"})
    page = volunteer_client.get(url).content.decode()
    assert "Kommande utbildningstillfällen" in page and "0 av 2 platser tagna" in page and "Anmäl mig" in page
    response = volunteer_client.post(
        reverse("trainings:session_join", kwargs={"organisation": "testjouren", "pk": session.pk})
    )
    assert response.status_code == 302
    assert SessionSignup.objects.filter(session=session, member=volunteer).exists()
    page = volunteer_client.get(url).content.decode()
    assert "1 av 2 platser tagna" in page and "Avanmäl mig" in page
    volunteer_client.post(reverse("trainings:session_leave", kwargs={"organisation": "testjouren", "pk": session.pk}))
    assert not SessionSignup.objects.filter(session=session).exists()


def test_a_full_session_refuses_with_a_reason(volunteer_client, volunteer, organisation):
    session = make_session(organisation, capacity=1)
    session_sign_up(session=session, member=MemberFactory(organisation=organisation))
    response = volunteer_client.post(
        reverse("trainings:session_join", kwargs={"organisation": "testjouren", "pk": session.pk}), follow=True
    )
    assert "Utbildningstillfället är fullt." in response.content.decode()
    assert not SessionSignup.objects.filter(member=volunteer).exists()


def test_another_shelters_session_is_not_found(volunteer_client, other_organisation):
    session = make_session(other_organisation)
    url = reverse("trainings:session_join", kwargs={"organisation": "testjouren", "pk": session.pk})
    assert volunteer_client.post(url).status_code == 404


def test_portal_shows_my_trainings_with_expiry_in_english(client, volunteer):
    volunteer.language = "en"
    volunteer.save()
    TrainingRecordFactory(
        member=volunteer, course__name="Chattutbildning", completed_on=timezone.localdate() - timedelta(days=30)
    )
    log_in(client, volunteer)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("trainings:mine", kwargs={"organisation": "testjouren"})).content.decode()
    assert "My trainings" in page and "Valid" in page and "Chattutbildning" in page


def test_attendance_creates_the_records_in_one_step(coordinator_client, coordinator, organisation):
    session = make_session(organisation, days=-1, capacity=5)
    attendees = MemberFactory.create_batch(2, organisation=organisation)
    absent = MemberFactory(organisation=organisation)
    for member in [*attendees, absent]:
        SessionSignupFactory(session=session, member=member)
    url = reverse("trainings:attendance", kwargs={"organisation": "testjouren", "pk": session.pk})
    page = coordinator_client.get(url).content.decode()
    assert "Vilka deltog?" in page
    response = coordinator_client.post(url, {"attended": [m.pk for m in attendees]})
    assert response.status_code == 302
    records = TrainingRecord.objects.filter(session=session)
    assert {r.member_id for r in records} == {m.pk for m in attendees}
    assert all(r.source == RecordSource.SESSION and r.recorded_by == coordinator for r in records)
    coordinator_client.post(url, {"attended": [m.pk for m in attendees]})  # again: nothing twice
    assert records.count() == 2


def test_attendance_refuses_members_of_another_shelter(coordinator, organisation, other_organisation):
    session = make_session(organisation, days=-1)
    stranger = MemberFactory(organisation=other_organisation)
    with pytest.raises(TrainingRefused):
        attendance_record(session=session, attended=[stranger], recorded_by=coordinator)
    assert not TrainingRecord.objects.exists()


def test_coordinator_creates_a_session_in_shelter_time(coordinator_client, organisation):
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")
    response = coordinator_client.post(
        reverse("trainings:sessions", kwargs={"organisation": "testjouren"}),
        {
            "course": chat.pk,
            "starts_at": "2027-03-28T18:00",
            "ends_at": "2027-03-28T21:00",
            "place": "digitalt",
            "trainer": "Sara",
            "capacity": "8",
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert session.starts_at.isoformat() == "2027-03-28T16:00:00+00:00"  # 18:00 CEST


def test_coordinator_adds_corrects_and_deletes_a_record_with_an_audit_trail(coordinator_client, volunteer):
    chat = CourseFactory(organisation=volunteer.organisation, name="Chattutbildning")
    url = reverse("trainings:member_records", kwargs={"organisation": "testjouren", "member_pk": volunteer.pk})
    assert "Lägg till en extern utbildning" in coordinator_client.get(url).content.decode()
    coordinator_client.post(url, {"course": chat.pk, "completed_on": "2025-06-01"})
    saved = TrainingRecord.objects.get(member=volunteer)
    assert saved.source == RecordSource.EXTERNAL and saved.expires_on == date(2027, 6, 1)
    edit = reverse("trainings:record_edit", kwargs={"organisation": "testjouren", "pk": saved.pk})
    coordinator_client.post(edit, {"course": chat.pk, "completed_on": "2025-07-01"})
    saved.refresh_from_db()
    assert saved.expires_on == date(2027, 7, 1)
    remove = reverse("trainings:record_remove", kwargs={"organisation": "testjouren", "pk": saved.pk})
    coordinator_client.post(remove)
    assert not TrainingRecord.objects.exists()
    actions = list(
        LogEntry.objects.filter(object_pk=str(saved.pk), content_type__model="trainingrecord").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE]


def test_a_future_completion_is_refused(coordinator_client, volunteer):
    url = reverse("trainings:member_records", kwargs={"organisation": "testjouren", "member_pk": volunteer.pk})
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    page = coordinator_client.post(
        url,
        {
            "course": CourseFactory(organisation=volunteer.organisation, name="Chattutbildning").pk,
            "completed_on": future,
        },
    )
    assert "Datumet kan inte ligga i framtiden." in page.content.decode()
    assert not TrainingRecord.objects.exists()


def test_coordinator_edits_the_catalogue(coordinator_client, organisation):
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")
    url = reverse("trainings:course_edit", kwargs={"organisation": "testjouren", "pk": chat.pk})
    coordinator_client.post(url, {"name": "Chatt", "description": "", "validity_months": "12", "active": "on"})
    chat.refresh_from_db()
    assert (chat.name, chat.validity_months) == ("Chatt", 12)
    page = coordinator_client.get(reverse("trainings:sessions", kwargs={"organisation": "testjouren"})).content.decode()
    assert "Kurser" in page and "12 månader" in page


def test_volunteers_cannot_see_the_coordinator_pages(volunteer_client):
    assert volunteer_client.get(reverse("trainings:matrix", kwargs={"organisation": "testjouren"})).status_code == 403


def test_role_coordinator_sees_nav_link(coordinator_client):
    page = coordinator_client.get(reverse("trainings:mine", kwargs={"organisation": "testjouren"})).content.decode()
    assert reverse("trainings:matrix", kwargs={"organisation": "testjouren"}) in page
    assert Role.COORDINATOR


def test_a_coordinator_cannot_reach_another_shelters_record(coordinator_client, other_organisation):
    stranger = MemberFactory(organisation=other_organisation)
    foreign = TrainingRecordFactory(
        member=stranger,
        course=CourseFactory(organisation=other_organisation, name="Chattutbildning"),
        completed_on=date(2026, 1, 1),
    )
    for name in ("trainings:record_edit", "trainings:record_remove"):
        url = reverse(name, kwargs={"organisation": "testjouren", "pk": foreign.pk})
        assert (
            coordinator_client.post(url, {"course": foreign.course_id, "completed_on": "2026-01-02"}).status_code == 404
        )
    url = reverse("trainings:member_records", kwargs={"organisation": "testjouren", "member_pk": stranger.pk})
    assert coordinator_client.get(url).status_code == 404
    foreign.refresh_from_db()
    assert foreign.completed_on == date(2026, 1, 1)
