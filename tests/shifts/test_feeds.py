"""Calendar feeds: secret-token URLs, discreet events, revoke and renew, constant query count."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from members.models import Role
from shifts.feeds import calendar_token_renew, calendar_token_revoke, token_hash
from shifts.models import AssignmentStatus, CalendarToken
from shifts.services import assignment_release
from tests.factories import NOW, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def feed_url(organisation, token):
    return reverse("shifts:calendar_feed", kwargs={"organisation": organisation.slug, "token": token})


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Chatt", max_volunteers=3)


def test_personal_feed_is_discreet_in_utc_with_stable_uids(client, organisation, line, volunteer, coordinator):
    colleague = MemberFactory(organisation=organisation, first_name="Gunilla")
    start = datetime(2027, 3, 30, 18, 0, tzinfo=UTC)  # 20:00–23:00 in Stockholm
    shift = ShiftFactory(line=line, starts_at=start)
    mine = AssignmentFactory(shift=shift, member=volunteer)
    AssignmentFactory(shift=shift, member=colleague)
    shadow = AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=start + timedelta(days=1)),
        member=volunteer,
        status=AssignmentStatus.SHADOW,
    )
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=start + timedelta(days=2)), member=colleague)  # not hers
    token = calendar_token_renew(member=volunteer)
    first = events(client.get(feed_url(organisation, token)))
    assert [str(e["summary"]) for e in first] == ["Pass 20:00–23:00", "Pass 20:00–23:00"]
    assert first[0].decoded("dtstart") == start and first[0].decoded("dtstart").utcoffset() == timedelta(0)
    assert first[0].decoded("dtend") == start + timedelta(hours=3)
    assert [str(e["uid"]) for e in first] == [f"assignment-{mine.pk}@jourplan", f"assignment-{shadow.pk}@jourplan"]
    body = client.get(feed_url(organisation, token)).content.decode()
    assert "DTSTART:20270330T180000Z" in body and "DTEND:20270330T210000Z" in body
    assert organisation.name not in body and "Gunilla" not in body and colleague.email not in body
    # Cancelled: still there, as STATUS:CANCELLED with the same UID; released: gone.
    shift.cancelled_at = NOW
    shift.save()
    assignment_release(assignment=shadow, by=coordinator, now=NOW)
    again = events(client.get(feed_url(organisation, token)))
    assert [(str(e["uid"]), str(e["status"])) for e in again] == [(f"assignment-{mine.pk}@jourplan", "CANCELLED")]


def test_english_title(client, organisation, line):
    member = MemberFactory(organisation=organisation, language="en")
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=datetime(2027, 3, 30, 18, 0, tzinfo=UTC)), member=member)
    token = calendar_token_renew(member=member)
    assert [str(e["summary"]) for e in events(client.get(feed_url(organisation, token)))] == ["Shift 20:00–23:00"]


def test_token_is_random_stored_hashed_and_revocable(client, organisation, volunteer, other_organisation):
    token = calendar_token_renew(member=volunteer)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    stored = CalendarToken.objects.get(member=volunteer)
    assert stored.token_hash == token_hash(token) and token not in stored.token_hash
    assert client.get(feed_url(organisation, token)).status_code == 200
    assert client.get(feed_url(other_organisation, token)).status_code == 404
    assert client.get(feed_url(organisation, token[:-1] + "x")).status_code == 404
    renewed = calendar_token_renew(member=volunteer)
    assert client.get(feed_url(organisation, token)).status_code == 404
    assert client.get(feed_url(organisation, renewed)).status_code == 200
    assert calendar_token_revoke(member=volunteer)
    assert client.get(feed_url(organisation, renewed)).status_code == 404


def test_the_page_shows_the_link_once_and_can_revoke_it(volunteer_client, organisation, volunteer):
    page = reverse("shifts:calendar", kwargs={"organisation": organisation.slug})
    response = volunteer_client.get(page)
    assert "Du har ingen kalenderlänk." in response.content.decode()
    created = volunteer_client.post(reverse("shifts:calendar_renew", kwargs={"organisation": organisation.slug}))
    html = created.content.decode()
    link_prefix = "http://testserver" + feed_url(organisation, "TOKEN").replace("TOKEN.ics", "")
    assert link_prefix in html
    token = html.split(link_prefix, 1)[1].split(".ics", 1)[0]
    assert CalendarToken.objects.get(member=volunteer).token_hash == token_hash(token)
    assert token not in volunteer_client.get(page).content.decode()  # shown only once
    volunteer_client.post(reverse("shifts:calendar_revoke", kwargs={"organisation": organisation.slug}))
    assert not CalendarToken.objects.filter(member=volunteer).exists()


def test_a_volunteer_cannot_make_a_line_feed(volunteer_client, organisation, line, volunteer):
    url = reverse("shifts:calendar_renew", kwargs={"organisation": organisation.slug})
    assert volunteer_client.post(url, {"line": line.pk}).status_code == 404
    assert not CalendarToken.objects.filter(member=volunteer).exists()


def test_line_feed_for_coordinators_shows_staffing_without_names(
    coordinator_client, client, organisation, line, coordinator, volunteer
):
    shift = ShiftFactory(line=line, starts_at=datetime(2027, 3, 30, 18, 0, tzinfo=UTC))
    AssignmentFactory(shift=shift, member=volunteer)
    ShiftFactory(
        line=LineFactory(organisation=organisation, name="Telefon"), starts_at=datetime(2027, 3, 30, 18, 0, tzinfo=UTC)
    )
    response = coordinator_client.post(
        reverse("shifts:calendar_renew", kwargs={"organisation": organisation.slug}), {"line": line.pk}
    )
    assert response.status_code == 200
    token = calendar_token_renew(member=coordinator, line=line)
    found = events(client.get(feed_url(organisation, token)))
    assert [str(e["uid"]) for e in found] == [f"shift-{shift.pk}@jourplan"]
    assert "1" in str(found[0]["description"]) and volunteer.first_name not in str(found[0]["description"])
    coordinator.role = Role.VOLUNTEER
    coordinator.save()
    assert client.get(feed_url(organisation, token)).status_code == 404  # no longer a coordinator


@pytest.mark.parametrize("line_feed", [False, True])
def test_constant_query_count(client, organisation, line, coordinator, line_feed):
    def measure(count):
        for i in range(count):
            shift = ShiftFactory(line=line, starts_at=NOW + timedelta(days=i, hours=i % 5))
            AssignmentFactory(shift=shift, member=coordinator)
            AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
        token = calendar_token_renew(member=coordinator, line=line if line_feed else None)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(feed_url(organisation, token)).status_code == 200
        return len(queries)

    small, large = measure(5), measure(20)
    assert small == large == 2
