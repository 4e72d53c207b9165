"""Issue 4, points 5 and 6: the matrix filtered by a line, and "my trainings" saying which lines she may take."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import PledgeSignature, PledgeText, RecordCheck
from tests.conftest import log_in
from tests.factories import CourseFactory, LineFactory, MemberFactory, TrainingRecordFactory
from trainings.qualification import requirement_choices

pytestmark = pytest.mark.django_db

MATRIX = reverse("trainings:matrix", kwargs={"organisation": "testjouren"})
MINE = reverse("trainings:mine", kwargs={"organisation": "testjouren"})


def chat_line(organisation, **extra):
    line = LineFactory(organisation=organisation, name="Chatt", **extra)
    line.required_courses.add(CourseFactory(organisation=organisation, name="Chattutbildning"))
    return line


def sign_pledge(member):
    pledge, _ = PledgeText.objects.get_or_create(
        organisation=member.organisation, version=1, defaults={"text": "Jag lovar.", "published_at": timezone.now()}
    )
    PledgeSignature.objects.create(member=member, pledge_text=pledge)


def test_the_registry_lists_the_shelters_active_lines(organisation, other_organisation):
    line = chat_line(organisation, needs_record_check=True)
    LineFactory(organisation=organisation, name="Stängd", active=False)
    LineFactory(organisation=other_organisation, name="Annan")
    choices = requirement_choices(organisation)
    assert [(key, label) for key, label, _req in choices] == [(f"line-{line.pk}", "Chatt")]
    requirements = choices[0][2]
    assert requirements.courses == [CourseFactory(organisation=organisation, name="Chattutbildning").pk]
    assert requirements.needs_record_check and not requirements.needs_pledge


def test_matrix_filtered_by_line_in_march(coordinator_client, organisation):
    line = chat_line(organisation, needs_pledge=True)
    ok, lapsing, unpledged = (
        MemberFactory(organisation=organisation, first_name=n) for n in ("Klar", "Utgar", "Olovad")
    )
    for member in (ok, lapsing, unpledged):
        TrainingRecordFactory(
            member=member,
            course=CourseFactory(organisation=organisation, name="Chattutbildning"),
            completed_on=date(2026, 1, 1) if member is not lapsing else date(2025, 2, 1),
        )
    sign_pledge(ok)
    sign_pledge(lapsing)
    page = coordinator_client.get(MATRIX, {"line": f"line-{line.pk}", "on": "2027-03-01"}).content.decode()
    assert ok.full_name in page
    assert lapsing.full_name not in page and unpledged.full_name not in page
    assert "1 medlem den 2027-03-01" in page and "behöriga för linjen Chatt" in page
    assert "Linje" in page and ">Chatt</option>" in page


def test_matrix_line_filter_with_record_check(coordinator_client, organisation):
    line = LineFactory(organisation=organisation, name="Boende", needs_record_check=True)
    checked, unchecked = MemberFactory.create_batch(2, organisation=organisation)
    RecordCheck.objects.create(member=checked, seen_on=date(2026, 1, 10), valid_until=date(2027, 1, 10))
    page = coordinator_client.get(MATRIX, {"line": f"line-{line.pk}", "on": "2026-06-01"}).content.decode()
    assert checked.full_name in page and unchecked.full_name not in page
    page = coordinator_client.get(MATRIX, {"line": f"line-{line.pk}", "on": "2027-02-01"}).content.decode()
    assert checked.full_name not in page


def test_matrix_unknown_line_is_a_form_error_not_a_crash(coordinator_client, organisation):
    chat_line(organisation)
    response = coordinator_client.get(MATRIX, {"line": "line-999999"})
    assert response.status_code == 200


def _line_query_count(client, line):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MATRIX, {"line": f"line-{line.pk}", "on": "2026-06-01"}).status_code == 200
    return len(queries)


def test_the_line_filtered_matrix_has_a_constant_query_count(coordinator_client, organisation):
    line = chat_line(organisation, needs_pledge=True, needs_record_check=True)
    LineFactory(organisation=organisation, name="Telefon")
    for member in MemberFactory.create_batch(3, organisation=organisation):
        TrainingRecordFactory(
            member=member,
            course=CourseFactory(organisation=organisation, name="Chattutbildning"),
            completed_on=date(2026, 1, 1),
        )
        sign_pledge(member)
    small = _line_query_count(coordinator_client, line)
    for member in MemberFactory.create_batch(40, organisation=organisation):
        TrainingRecordFactory(
            member=member,
            course=CourseFactory(organisation=organisation, name="Chattutbildning"),
            completed_on=date(2026, 1, 1),
        )
        sign_pledge(member)
        RecordCheck.objects.create(member=member, seen_on=date(2026, 1, 1), valid_until=date(2027, 1, 1))
    large = _line_query_count(coordinator_client, line)
    assert small == large, (small, large)


def test_my_trainings_says_which_lines_i_may_take_today(volunteer_client, volunteer, organisation):
    chat_line(organisation)
    LineFactory(organisation=organisation, name="Telefon")
    LineFactory(organisation=organisation, name="Boende", needs_pledge=True, needs_record_check=True)
    page = volunteer_client.get(MINE).content.decode()
    assert "Linjer du får ta pass på i dag" in page
    assert "Chatt: Du behöver Chattutbildning" in page
    assert "Telefon: Du uppfyller linjens krav." in page
    assert "Boende: Du behöver skriva under tystnadslöftet" in page
    TrainingRecordFactory(
        member=volunteer,
        course=CourseFactory(organisation=organisation, name="Chattutbildning"),
        completed_on=timezone.localdate() - timedelta(days=10),
    )
    page = volunteer_client.get(MINE).content.decode()
    assert "Chatt: Du uppfyller linjens krav." in page


def test_my_trainings_shows_an_expired_course_with_its_date(volunteer_client, volunteer, organisation):
    chat_line(organisation)
    today = timezone.localdate()
    old = TrainingRecordFactory(
        member=volunteer,
        course=CourseFactory(organisation=organisation, name="Chattutbildning"),
        completed_on=today.replace(year=today.year - 3),
    )
    page = volunteer_client.get(MINE).content.decode()
    assert f"Chatt: Du behöver Chattutbildning (gick ut {old.expires_on.isoformat()})" in page


def test_my_trainings_lines_in_english(client, volunteer, organisation):
    chat_line(organisation)
    volunteer.language = "en"
    volunteer.save()
    log_in(client, volunteer)
    client.cookies["django_language"] = "en"
    page = client.get(MINE).content.decode()
    assert "Lines you may take shifts on today" in page and "Chatt: You need Chattutbildning" in page


def _mine_query_count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MINE).status_code == 200
    return len(queries)


def test_my_trainings_has_a_constant_query_count(volunteer_client, volunteer, organisation):
    chat_line(organisation, needs_pledge=True, needs_record_check=True)
    small = _mine_query_count(volunteer_client)
    for n in range(8):
        line = LineFactory(
            organisation=organisation, name=f"Linje extra {n}", needs_pledge=True, needs_record_check=True
        )
        line.required_courses.add(
            CourseFactory(organisation=organisation, name="Chattutbildning"),
            CourseFactory(organisation=organisation, name="Stödsamtal i telefon"),
        )
    TrainingRecordFactory(
        member=volunteer,
        course=CourseFactory(organisation=organisation, name="Chattutbildning"),
        completed_on=timezone.localdate() - timedelta(days=10),
    )
    large = _mine_query_count(volunteer_client)
    assert small == large, (small, large)
