"""Shadow shifts (bisittning) and withdrawing a swap offer in the volunteer portal."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from shifts.models import Assignment, AssignmentStatus, SwapOffer
from tests.factories import NOW, AssignmentFactory, CourseFactory, LineFactory, ShiftFactory
from tests.shifts.scenarios import past_shifts

pytestmark = pytest.mark.django_db

EVENING = datetime(2026, 3, 3, 19, 0, tzinfo=UTC)  # tis 3 mars 20:00 in Stockholm


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def closed(organisation):
    """A line she is not qualified for (a course she lacks); experienced after 2 shifts."""
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    line = LineFactory(organisation=organisation, name="Chatten", max_volunteers=2, experienced_after_shifts=2)
    line.required_courses.add(course)
    return line


def url(name, organisation, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def open_all(client, organisation):
    """The open shifts with those she cannot take (a shadow seat is among them)."""
    return client.get(url("portal_open", organisation) + "?all=1").content.decode()


def blocked_part(html):
    return html.split('id="open-shifts"')[1]


def test_shadow_join_from_the_page(volunteer_client, organisation, closed, coordinator, volunteer):
    past_shifts(closed, coordinator, 2)
    shift = ShiftFactory(line=closed, starts_at=EVENING)
    AssignmentFactory(shift=shift, member=coordinator)
    html = open_all(volunteer_client, organisation)
    assert "Sitt bredvid" in blocked_part(html)
    assert url("portal_shadow", organisation, pk=shift.pk) in html
    response = volunteer_client.post(url("portal_shadow", organisation, pk=shift.pk))
    assert response.status_code == 302 and response["Location"] == url("portal_open", organisation)
    assert messages_of(response) == ["Du är med på passet som bisittare, bredvid en erfaren ideell."]
    assignment = Assignment.objects.get(shift=shift, member=volunteer)
    assert assignment.status == AssignmentStatus.SHADOW


def test_shadow_join_with_htmx_and_not_counted_in_staffing(volunteer_client, organisation, closed, coordinator):
    past_shifts(closed, coordinator, 2)
    shift = ShiftFactory(line=closed, starts_at=EVENING)
    AssignmentFactory(shift=shift, member=coordinator)
    response = volunteer_client.post(url("portal_shadow", organisation, pk=shift.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="shift-card')
    assert "bisittare" in html and "Bisittning" in html
    assert "1 plats ledig" in html  # the shadow is not counted
    assert "Sitt bredvid" not in html
    mine = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    assert "Bisittning" in mine and "tis 3 mars 20:00–23:00" in mine


def test_no_shadow_button_and_refused_without_an_experienced_volunteer(
    volunteer_client, organisation, closed, coordinator, volunteer
):
    shift = ShiftFactory(line=closed, starts_at=EVENING)
    AssignmentFactory(shift=shift, member=coordinator)  # not experienced: no completed shifts on the line
    html = open_all(volunteer_client, organisation)
    assert "Sitt bredvid" not in html
    response = volunteer_client.post(url("portal_shadow", organisation, pk=shift.pk), HTTP_HX_REQUEST="true")
    assert "erfaren" in response.content.decode() and "Sitt bredvid" not in response.content.decode()
    assert not Assignment.objects.filter(member=volunteer).exists()
    response = volunteer_client.post(url("portal_shadow", organisation, pk=shift.pk))
    assert response.status_code == 302
    assert len(messages_of(response)) == 1 and "erfaren" in messages_of(response)[0]


def test_no_shadow_button_when_every_experienced_volunteer_has_one(
    volunteer_client, organisation, closed, coordinator, admin_member
):
    past_shifts(closed, coordinator, 2)
    shift = ShiftFactory(line=closed, starts_at=EVENING)
    AssignmentFactory(shift=shift, member=coordinator)
    AssignmentFactory(shift=shift, member=admin_member, status=AssignmentStatus.SHADOW)
    html = open_all(volunteer_client, organisation)
    assert "Chatten" in blocked_part(html) and "Sitt bredvid" not in html


def test_shadow_button_only_where_a_seat_beside_an_experienced_volunteer_is_free(
    volunteer_client, organisation, closed, coordinator, admin_member, volunteer
):
    past_shifts(closed, coordinator, 2)
    with_expert = ShiftFactory(line=closed, starts_at=NOW + timedelta(days=1))
    AssignmentFactory(shift=with_expert, member=coordinator)
    without = ShiftFactory(line=closed, starts_at=NOW + timedelta(days=2))
    AssignmentFactory(shift=without, member=admin_member)
    taken = ShiftFactory(line=closed, starts_at=NOW + timedelta(days=3))
    AssignmentFactory(shift=taken, member=coordinator)
    AssignmentFactory(shift=taken, member=admin_member, status=AssignmentStatus.SHADOW)
    mine = ShiftFactory(line=closed, starts_at=NOW + timedelta(days=4))
    AssignmentFactory(shift=mine, member=coordinator)
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=mine.starts_at), member=volunteer
    )  # she is busy then
    ShiftFactory(line=closed, starts_at=NOW + timedelta(days=5))  # empty
    html = open_all(volunteer_client, organisation)
    assert html.count("Sitt bredvid") == 1
    assert url("portal_shadow", organisation, pk=with_expert.pk) in html


def test_completed_shadow_shifts_per_line_on_my_shifts(volunteer_client, organisation, closed, volunteer):
    past_shifts(closed, volunteer, 3, status=AssignmentStatus.SHADOW)
    other = LineFactory(organisation=organisation, name="Telefonen")
    AssignmentFactory(shift=ShiftFactory(line=other, starts_at=NOW + timedelta(days=1)), member=volunteer)
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    assert "Chatten: Genomförda bisittningar: 3" in html
    assert "Telefonen: Genomförda bisittningar" not in html


def test_withdraw_an_offer(volunteer_client, organisation, volunteer):
    line = LineFactory(organisation=organisation, name="Telefonen")
    assignment = AssignmentFactory(shift=ShiftFactory(line=line, starts_at=EVENING), member=volunteer)
    offer = SwapOffer.objects.create(assignment=assignment, created_at=NOW)
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    assert "Dra tillbaka erbjudandet" in html and "Erbjudet för byte" in html
    response = volunteer_client.post(url("portal_offer_withdraw", organisation, pk=offer.pk))
    assert response.status_code == 302 and response["Location"] == url("portal_mine", organisation)
    assert messages_of(response) == ["Ditt erbjudande är tillbakadraget. Passet är fortfarande ditt."]
    offer.refresh_from_db()
    assert offer.withdrawn_at is not None
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    assert "Dra tillbaka erbjudandet" not in html and "Erbjud byte" in html
    response = volunteer_client.post(url("portal_offer_withdraw", organisation, pk=offer.pk), HTTP_HX_REQUEST="true")
    assert "Erbjudandet är redan taget eller återkallat." in response.content.decode()
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.CONFIRMED


def test_withdraw_with_htmx(volunteer_client, organisation, volunteer):
    line = LineFactory(organisation=organisation, name="Telefonen")
    offer = SwapOffer.objects.create(
        assignment=AssignmentFactory(shift=ShiftFactory(line=line), member=volunteer), created_at=NOW
    )
    response = volunteer_client.post(url("portal_offer_withdraw", organisation, pk=offer.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="shift-card')
    assert "Ditt erbjudande är tillbakadraget." in html and "Erbjudet för byte" not in html


def test_a_colleagues_offer_cannot_be_withdrawn(volunteer_client, organisation, coordinator):
    line = LineFactory(organisation=organisation, name="Telefonen")
    offer = SwapOffer.objects.create(
        assignment=AssignmentFactory(shift=ShiftFactory(line=line), member=coordinator), created_at=NOW
    )
    assert volunteer_client.post(url("portal_offer_withdraw", organisation, pk=offer.pk)).status_code == 404
    offer.refresh_from_db()
    assert offer.withdrawn_at is None
