from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import CourseFactory, MemberFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db

URL = reverse("trainings:matrix", kwargs={"organisation": "testjouren"})


def test_cells_say_their_state_in_words(coordinator_client, organisation):
    today = timezone.localdate()
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")  # 24 months
    valid, expiring, expired, missing = (
        MemberFactory(organisation=organisation, first_name=n) for n in ("Giltig", "Snart", "Utgangen", "Saknas")
    )
    TrainingRecordFactory(member=valid, course=chat, completed_on=today - timedelta(days=30))
    TrainingRecordFactory(
        member=expiring, course=chat, completed_on=today.replace(year=today.year - 2) + timedelta(days=20)
    )
    TrainingRecordFactory(member=expired, course=chat, completed_on=today.replace(year=today.year - 3))
    page = coordinator_client.get(URL).content.decode()
    for word in ("Giltig", "Går snart ut", "Har gått ut", "Saknas"):
        assert f">{word}</span>" in page
    assert "badge-warning" in page and "badge-expired" in page and "badge-missing" in page


def test_filter_who_can_take_chat_shifts_in_march(coordinator_client, organisation):
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")
    ok, lapsing = MemberFactory.create_batch(2, organisation=organisation)
    TrainingRecordFactory(member=ok, course=chat, completed_on=date(2026, 1, 1))  # until 2028-01-01
    TrainingRecordFactory(
        member=lapsing, course=chat, completed_on=date(2025, 2, 1)
    )  # until 2027-02-01: gone by March 2027
    page = coordinator_client.get(URL, {"courses": [chat.pk], "on": "2027-03-01"}).content.decode()
    assert ok.full_name in page and lapsing.full_name not in page
    assert "1 medlem den 2027-03-01" in page


def test_csv_export(coordinator_client, organisation):
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")
    member = MemberFactory(organisation=organisation, first_name="Export")
    TrainingRecordFactory(member=member, course=chat, completed_on=date(2026, 1, 1))
    response = coordinator_client.get(
        reverse("trainings:matrix_csv", kwargs={"organisation": "testjouren"}), {"on": "2026-06-01"}
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Chattutbildning" in text.splitlines()[0]
    assert "Giltig (giltig till 2028-01-01)" in text
    assert member.email not in text


def _query_count(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"on": "2026-06-01"}).status_code == 200
    return len(queries)


def test_the_matrix_has_a_constant_query_count(coordinator_client, organisation):
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")
    for member in MemberFactory.create_batch(3, organisation=organisation):
        TrainingRecordFactory(member=member, course=chat, completed_on=date(2026, 1, 1))
    small = _query_count(coordinator_client)
    for member in MemberFactory.create_batch(40, organisation=organisation):
        TrainingRecordFactory(member=member, course=chat, completed_on=date(2026, 1, 1))
        TrainingRecordFactory(member=member, course__name="Stödsamtal i telefon", completed_on=date(2025, 1, 1))
    large = _query_count(coordinator_client)
    assert small == large, (small, large)
    print(f"matrix queries: {small} at 5 members, {large} at 45 members")
