"""The meetings pages (issue 19 point 4): meeting kinds and sessions for coordinators, sign-up in the volunteer's
portal, attendance, who is behind (start page, member page, list) and the annual meeting's voting list."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Member, MemberStatus, Payment, Role
from tests.conftest import log_in
from tests.factories import CourseFactory, MemberFactory, TrainingSessionFactory
from tests.trainings.meetings import attended, meeting_kind, meeting_session
from trainings.models import Course, CoursePurpose, SessionSignup, TrainingRecord, TrainingSession

pytestmark = pytest.mark.django_db
SLUG = {"organisation": "testjouren"}


def url(name, **kwargs):
    return reverse(f"trainings:{name}", kwargs={**SLUG, **kwargs})


def _count(client, path):
    client.get(path)  # warm up: the first request of a session may renew it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response


def _members(organisation, n, **extra):
    first = Member.objects.count()
    Member.objects.bulk_create(
        [
            Member(
                organisation=organisation,
                first_name=f"Medlem{first + i}",
                last_name="Test",
                email=f"m{first + i}@example.org",
                **extra,
            )
            for i in range(n)
        ]
    )


# --- meeting kinds -------------------------------------------------------------------------------------------------
def test_coordinator_adds_a_meeting_kind_with_an_expectation(coordinator_client, organisation):
    response = coordinator_client.post(
        url("meeting_kind_create"),
        {
            "name": "Handledning",
            "purpose": "supervision",
            "expected_count": "1",
            "expected_period_months": "3",
            "voting_member_months": "6",
            "active": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("meeting_sessions")
    kind = Course.objects.get(organisation=organisation, name="Handledning")
    assert (kind.purpose, kind.expected_count, kind.expected_period_months) == ("supervision", 1, 3)
    assert kind.voting_member_months is None  # a voting rule belongs to annual meetings only
    page = coordinator_client.get(url("meeting_sessions")).content.decode()
    assert "Handledning" in page
    assert "Handledning" not in coordinator_client.get(url("sessions")).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Möte", "purpose": "member_meeting", "expected_count": "1"},
        {"name": "Möte", "purpose": "member_meeting", "expected_period_months": "6"},
        {"name": "Möte", "purpose": "member_meeting", "expected_count": "0", "expected_period_months": "6"},
        {"name": "Möte", "purpose": "member_meeting", "expected_count": "-1", "expected_period_months": "6"},
        {"name": "Möte", "purpose": "member_meeting", "expected_count": "x", "expected_period_months": "99999999"},
        {"name": "Möte", "purpose": "member_meeting", "expected_count": "1", "expected_period_months": "32767"},
        {"name": "Möte", "purpose": "member_meeting", "expected_count": "1000", "expected_period_months": "3"},
        {"name": "Möte", "purpose": "annual_meeting", "voting_member_months": "5000"},
        {"name": "Möte", "purpose": "annual_meeting", "voting_member_months": "0"},
        {"name": "Möte", "purpose": "training"},
        {"name": "Möte", "purpose": "nonsense"},
        {"name": "Grundutbildning om mäns våld mot kvinnor", "purpose": "member_meeting"},
        {"name": "", "purpose": "annual_meeting"},
    ],
)
def test_bad_meeting_kind_input_changes_nothing(coordinator_client, organisation, data):
    before = Course.objects.count()
    response = coordinator_client.post(url("meeting_kind_create"), data)
    assert response.status_code == 200
    assert 'class="field-error' in response.content.decode() or "error" in response.content.decode()
    assert Course.objects.count() == before


def test_a_meeting_kind_is_not_a_course_and_a_course_not_a_meeting_kind(coordinator_client, organisation):
    kind = meeting_kind(organisation)
    course = Course.objects.for_organisation(organisation).trainings().first()
    assert coordinator_client.get(url("course_edit", pk=kind.pk)).status_code == 404
    assert coordinator_client.get(url("meeting_kind_edit", pk=course.pk)).status_code == 404
    assert coordinator_client.get(url("meeting_kind_edit", pk=kind.pk)).status_code == 200
    # Editing a training course keeps it a training, whatever is posted.
    coordinator_client.post(url("course_edit", pk=course.pk), {"name": course.name, "purpose": "supervision"})
    course.refresh_from_db()
    assert course.purpose == CoursePurpose.TRAINING


# --- sessions, sign-up, attendance ------------------------------------------------------------------------------
def test_coordinator_adds_a_meeting_session_only_of_a_meeting_kind(coordinator_client, organisation):
    kind = meeting_kind(organisation, purpose=CoursePurpose.MEMBER_MEETING)
    course = Course.objects.for_organisation(organisation).trainings().first()
    starts = (timezone.localtime(timezone.now(), organisation.zone) + timedelta(days=5)).replace(
        second=0, microsecond=0
    )
    data = {
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Lokalen",
        "capacity": "30",
    }
    refused = coordinator_client.post(url("meeting_sessions"), {**data, "course": course.pk})
    assert refused.status_code == 200 and not TrainingSession.objects.exists()
    response = coordinator_client.post(url("meeting_sessions"), {**data, "course": kind.pk})
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response["Location"] == url("meeting_attendance", pk=session.pk)
    assert session.course == kind
    assert kind.name not in coordinator_client.get(url("sessions")).content.decode()


def test_training_urls_never_reach_a_meeting_and_meeting_urls_never_a_training(coordinator_client, organisation):
    volunteer_client = log_in(Client(), MemberFactory(organisation=organisation))
    meeting = meeting_session(meeting_kind(organisation))
    training = TrainingSessionFactory(
        course=CourseFactory(organisation=organisation, name="Chattutbildning"),
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=2),
    )
    assert coordinator_client.get(url("attendance", pk=meeting.pk)).status_code == 404
    assert coordinator_client.get(url("meeting_attendance", pk=training.pk)).status_code == 404
    assert volunteer_client.post(url("session_join", pk=meeting.pk)).status_code == 404
    assert volunteer_client.post(url("meeting_join", pk=training.pk)).status_code == 404
    assert not SessionSignup.objects.exists()
    mine = volunteer_client.get(url("mine")).content.decode()
    assert meeting.course.name not in mine and "Chattutbildning" in mine


def test_volunteer_signs_up_for_a_meeting_in_her_portal(volunteer_client, volunteer, organisation):
    kind = meeting_kind(organisation, purpose=CoursePurpose.MEMBER_MEETING, name="Medlemsmöte", count=1, months=6)
    session = meeting_session(kind)
    page = volunteer_client.get(url("meetings_mine")).content.decode()
    assert "Medlemsmöte" in page and url("meeting_join", pk=session.pk) in page
    response = volunteer_client.post(url("meeting_join", pk=session.pk))
    assert response.status_code == 302 and response["Location"] == url("meetings_mine")
    assert SessionSignup.objects.filter(session=session, member=volunteer).exists()
    page = volunteer_client.get(url("meetings_mine")).content.decode()
    assert url("meeting_leave", pk=session.pk) in page
    assert 'data-testid="my-expectations"' in page
    volunteer_client.post(url("meeting_leave", pk=session.pk))
    assert not SessionSignup.objects.exists()


def test_her_portal_says_how_many_she_attended(client, volunteer, organisation):
    kind = meeting_kind(organisation, purpose=CoursePurpose.MEMBER_MEETING, name="Medlemsmöte", count=2, months=6)
    attended(volunteer, kind, timezone.localdate() - timedelta(days=10))
    log_in(client, volunteer)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(url("meetings_mine")).content.decode()
    assert "You have attended 1 of 2 (Medlemsmöte) in the last 6 months." in page


def test_attendance_of_a_meeting_is_recorded_once_it_started(coordinator_client, organisation):
    kind = meeting_kind(organisation, count=1, months=3)
    member = MemberFactory(organisation=organisation)
    started = meeting_session(kind, starts_at=timezone.now() - timedelta(hours=1))
    upcoming = meeting_session(kind)
    coordinator_client.post(url("meeting_attendance", pk=upcoming.pk), {"attended": [member.pk]})
    assert not TrainingRecord.objects.exists()
    response = coordinator_client.post(url("meeting_attendance", pk=started.pk), {"attended": [member.pk]})
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert (record.member, record.course, record.session) == (member, kind, started)


@pytest.mark.parametrize("value", ["abc", "", "-1", "9" * 30, "1.5", "0"])
def test_bad_attendance_input_is_ignored_never_a_500(coordinator_client, organisation, value):
    started = meeting_session(meeting_kind(organisation), starts_at=timezone.now() - timedelta(hours=1))
    response = coordinator_client.post(url("meeting_attendance", pk=started.pk), {"attended": [value]})
    assert response.status_code == 302
    assert not TrainingRecord.objects.exists()


def test_another_shelters_member_cannot_be_recorded_or_reach_the_pages(client, organisation, other_organisation):
    kind = meeting_kind(organisation, purpose=CoursePurpose.ANNUAL_MEETING)
    started = meeting_session(kind, starts_at=timezone.now() - timedelta(hours=1))
    stranger = MemberFactory(organisation=other_organisation, role=Role.COORDINATOR)
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    log_in(client, stranger)
    other = {"organisation": other_organisation.slug}
    for name, kwargs in [
        ("meeting_attendance", {"pk": started.pk}),
        ("voting_list", {"pk": started.pk}),
        ("meeting_kind_edit", {"pk": kind.pk}),
    ]:
        assert client.get(reverse(f"trainings:{name}", kwargs={**other, **kwargs})).status_code == 404
    assert client.post(reverse("trainings:meeting_join", kwargs={**other, "pk": started.pk})).status_code == 404
    log_in(client, coordinator)
    client.post(url("meeting_attendance", pk=started.pk), {"attended": [stranger.pk]})
    assert not TrainingRecord.objects.exists()


# --- who is behind -----------------------------------------------------------------------------------------------
def _behind_world(organisation, n):
    kind = meeting_kind(organisation, count=1, months=3)
    meeting_kind(organisation, purpose=CoursePurpose.MEMBER_MEETING, count=2, months=6)
    _members(organisation, n)
    for member in Member.objects.for_organisation(organisation).order_by("pk")[: n // 2]:
        attended(member, kind, timezone.localdate() - timedelta(days=5))


@pytest.mark.parametrize("name", ["behind_page", "start_page"])
def test_who_is_behind_costs_the_same_queries_at_5_and_200_members(coordinator_client, organisation, name):
    path = url("meetings_behind") if name == "behind_page" else reverse("members:portal", kwargs=SLUG)
    _behind_world(organisation, 5)
    small, response = _count(coordinator_client, path)
    assert 'id="panel-meetings-behind"' in response.content.decode() or name == "behind_page"
    _members(organisation, 195)
    large, response = _count(coordinator_client, path)
    assert small == large, (small, large)
    print(f"{name} queries: {small} at 5 members, {large} at 200 members")


def test_the_behind_page_lists_everyone_behind(coordinator_client, coordinator, organisation):
    kind = meeting_kind(organisation, count=1, months=3)
    done = MemberFactory(organisation=organisation, first_name="Klar")
    behind = MemberFactory(organisation=organisation, first_name="Efter")
    MemberFactory(organisation=organisation, first_name="Pausad", status=MemberStatus.PAUSED)
    attended(done, kind, timezone.localdate() - timedelta(days=1))
    attended(coordinator, kind, timezone.localdate() - timedelta(days=1))
    page = coordinator_client.get(url("meetings_behind")).content.decode()
    assert f'data-member="{behind.pk}"' in page
    assert f'data-member="{done.pk}"' not in page and "Pausad" not in page
    start = coordinator_client.get(reverse("members:portal", kwargs=SLUG)).content.decode()
    assert 'id="panel-meetings-behind"' in start and "Efter" in start


def test_no_panel_when_the_shelter_expects_no_meetings(coordinator_client, organisation):
    start = coordinator_client.get(reverse("members:portal", kwargs=SLUG)).content.decode()
    assert 'id="panel-meetings-behind"' not in start
    assert coordinator_client.get(url("meetings_behind")).status_code == 200


def test_the_member_page_shows_her_meetings(coordinator_client, organisation):
    kind = meeting_kind(organisation, name="Handledning", count=1, months=3)
    member = MemberFactory(organisation=organisation)
    path = reverse("members:member_detail", kwargs={**SLUG, "pk": member.pk})
    page = coordinator_client.get(path).content.decode()
    assert 'id="member-panel-meetings"' in page and "Handledning" in page and "badge-missing" in page
    attended(member, kind, timezone.localdate())
    page = coordinator_client.get(path).content.decode()
    assert "badge-missing" not in page.split('id="member-panel-meetings"')[1].split("</section>")[0]


# --- the voting list ----------------------------------------------------------------------------------------------
def _annual_with_members(organisation, n):
    kind = meeting_kind(organisation, purpose=CoursePurpose.ANNUAL_MEETING, name="Årsmöte", voting_member_months=6)
    session = meeting_session(kind, days=30)
    _members(organisation, n, member_since=date(2020, 1, 1))
    year = timezone.localtime(session.starts_at, organisation.zone).year
    Payment.objects.bulk_create(
        Payment(organisation=organisation, member=m, year=year, amount=Decimal("100"), paid_on=date(2026, 1, 1))
        for m in Member.objects.for_organisation(organisation).order_by("pk")[: n // 2]
    )
    return session


def test_the_voting_list_costs_the_same_queries_at_5_and_200_members(coordinator_client, organisation):
    session = _annual_with_members(organisation, 5)
    small, response = _count(coordinator_client, url("voting_list", pk=session.pk))
    assert response.content.decode().count('data-may-vote="yes"') >= 1
    _members(organisation, 195, member_since=date(2020, 1, 1))
    large, response = _count(coordinator_client, url("voting_list", pk=session.pk))
    assert response.content.decode().count("data-may-vote=") == 201  # the 200 and the signed-in coordinator
    assert small == large, (small, large)
    print(f"voting list queries: {small} at 5 members, {large} at 200 members")


def test_the_voting_list_is_for_annual_meetings_only(coordinator_client, organisation):
    other = meeting_session(meeting_kind(organisation, purpose=CoursePurpose.MEMBER_MEETING))
    assert coordinator_client.get(url("voting_list", pk=other.pk)).status_code == 404
    assert coordinator_client.get(url("voting_list", pk=999999)).status_code == 404
    annual = meeting_session(meeting_kind(organisation, purpose=CoursePurpose.ANNUAL_MEETING))
    attendance = coordinator_client.get(url("meeting_attendance", pk=annual.pk)).content.decode()
    assert url("voting_list", pk=annual.pk) in attendance


def test_the_voting_list_says_why_not_in_english(client, organisation):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR, member_since=date(2020, 1, 1))
    session = _annual_with_members(organisation, 0)
    newcomer = MemberFactory(organisation=organisation, first_name="Ny", member_since=timezone.localdate())
    log_in(client, coordinator)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(url("voting_list", pk=session.pk)).content.decode()
    year = timezone.localtime(session.starts_at, organisation.zone).year
    row = page.split(f'data-member="{newcomer.pk}"')[1].split("</tr>")[0]
    assert f"Fee for {year} not paid" in row and "Member for less than 6 months" in row
