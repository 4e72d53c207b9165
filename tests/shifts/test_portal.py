"""The volunteer portal: what she sees on her phone and the one-tap actions (htmx and plain POST)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Role
from shifts.models import Assignment, AssignmentStatus, SwapOffer, WaitingListEntry
from tests.conftest import log_in
from tests.factories import NOW, AssignmentFactory, CourseFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db

EVENING = datetime(2026, 3, 3, 19, 0, tzinfo=UTC)  # tis 3 mars 20:00 in Stockholm


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Telefonjouren", min_volunteers=1, max_volunteers=2)


def url(name, organisation, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_open_shifts_show_line_swedish_time_staffing_and_a_button(volunteer_client, organisation, line, coordinator):
    shift = ShiftFactory(line=line, starts_at=EVENING)
    AssignmentFactory(shift=shift, member=coordinator)
    html = volunteer_client.get(url("portal_open", organisation)).content.decode()
    assert "Lediga pass" in html
    assert "tisdag 3 mars</h3>" in html and ">20:00–23:00</time>" in html  # the day heads its shifts
    assert "Telefonjouren" in html
    assert "1 plats ledig" in html  # staffing in words
    assert "Ta passet" in html
    assert 'class="shift-list"' in html and "shift-card line-colour-1" in html


def test_sign_up_from_the_page_without_javascript(volunteer_client, organisation, line, volunteer):
    shift = ShiftFactory(line=line)
    response = volunteer_client.post(url("portal_take", organisation, pk=shift.pk))
    assert response.status_code == 302 and response["Location"] == url("portal_open", organisation)
    assert messages_of(response) == [
        "Passet är ditt. Du kan släppa det fram till tis 3 mars kl. 13:00; därefter kan du erbjuda byte."
    ]
    assert Assignment.objects.get(shift=shift).member == volunteer


def test_sign_up_with_htmx_returns_the_card(volunteer_client, organisation, line):
    shift = ShiftFactory(line=line)
    response = volunteer_client.post(url("portal_take", organisation, pk=shift.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<li class="shift-card')
    assert "Passet är ditt." in html and "1 plats ledig" in html and "Ta passet" not in html
    assert "<html" not in html


def test_full_shift_offers_the_waiting_list(volunteer_client, organisation, line, coordinator, admin_member, volunteer):
    shift = ShiftFactory(line=line)
    AssignmentFactory(shift=shift, member=coordinator)
    AssignmentFactory(shift=shift, member=admin_member)
    html = volunteer_client.get(url("portal_open", organisation)).content.decode()
    assert "Ställ mig i kö" in html and "Ta passet" not in html
    response = volunteer_client.post(url("portal_queue", organisation, pk=shift.pk), HTTP_HX_REQUEST="true")
    assert "Du står i kö." in response.content.decode()
    assert WaitingListEntry.objects.filter(shift=shift, member=volunteer).exists()
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    assert "Mina köplatser" in html and "Lämna kön" in html
    entry = WaitingListEntry.objects.get()
    response = volunteer_client.post(url("portal_leave", organisation, pk=entry.pk))
    assert messages_of(response) == ["Du har lämnat kön."]
    assert not WaitingListEntry.objects.exists()


def test_taking_a_shift_that_became_full_shows_the_queue_button(
    volunteer_client, organisation, line, coordinator, admin_member
):
    shift = ShiftFactory(line=line)
    AssignmentFactory(shift=shift, member=coordinator)
    AssignmentFactory(shift=shift, member=admin_member)
    response = volunteer_client.post(url("portal_take", organisation, pk=shift.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Passet är fullt." in html and "Ställ mig i kö" in html


def test_release_before_and_after_the_deadline(volunteer_client, organisation, line, volunteer):
    early = AssignmentFactory(shift=ShiftFactory(line=line, starts_at=NOW + timedelta(days=5)), member=volunteer)
    late = AssignmentFactory(shift=ShiftFactory(line=line, starts_at=EVENING), member=volunteer)
    response = volunteer_client.post(url("portal_release", organisation, pk=early.pk))
    assert response["Location"] == url("portal_mine", organisation)
    assert messages_of(response) == ["Du har släppt passet."]
    early.refresh_from_db()
    assert early.status == AssignmentStatus.RELEASED
    response = volunteer_client.post(url("portal_release", organisation, pk=late.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Det är mindre än 48 timmar" in html
    assert "Erbjud byte" in html  # the refused card keeps its buttons: a swap is the way out
    late.refresh_from_db()
    assert late.status == AssignmentStatus.CONFIRMED


def test_offer_and_take_a_swap(client, organisation, line, volunteer):
    colleague = MemberFactory(organisation=organisation, role=Role.VOLUNTEER, first_name="Karin")
    assignment = AssignmentFactory(shift=ShiftFactory(line=line, starts_at=EVENING), member=volunteer)
    log_in(client, volunteer)
    response = client.post(url("portal_offer", organisation, pk=assignment.pk))
    assert messages_of(response) == ["Ditt pass erbjuds till dina kolleger. Det är ditt tills någon tar det."]
    assert "Erbjudet för byte" in client.get(url("portal_mine", organisation)).content.decode()
    offer = SwapOffer.objects.get()
    log_in(client, colleague)
    html = client.get(url("portal_open", organisation)).content.decode()
    assert "Pass som kolleger erbjuder" in html and "Ta över" in html
    response = client.post(url("portal_offer_take", organisation, pk=offer.pk), HTTP_HX_REQUEST="true")
    assert "Du har tagit över passet." in response.content.decode()
    assert Assignment.objects.get(shift=assignment.shift, status=AssignmentStatus.CONFIRMED).member == colleague


def test_unqualified_shifts_are_shown_with_reasons_when_she_asks(volunteer_client, organisation, line):
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    closed = LineFactory(organisation=organisation, name="Chatten")
    closed.required_courses.add(course)
    ShiftFactory(line=closed, starts_at=EVENING)
    ShiftFactory(line=line, starts_at=NOW + timedelta(days=1))
    html = volunteer_client.get(url("portal_open", organisation)).content.decode()
    cards = html.split('<li class="shift-card')[1:]
    assert len(cards) == 1 and "Telefonjouren" in cards[0]
    assert "Grundutbildning" not in html and "Visa även pass du inte kan ta" in html
    html = volunteer_client.get(url("portal_open", organisation) + "?all=1").content.decode()
    cards = html.split('<li class="shift-card')[1:]
    assert len(cards) == 2 and "Chatten" in cards[0] and "Du behöver Grundutbildning" in cards[0]
    assert "Ta passet" not in cards[0] and "Ta passet" in cards[1]


def test_co_volunteers_by_first_name_and_phone_only_when_shared(volunteer_client, organisation, line, volunteer):
    shift = ShiftFactory(line=line, max_volunteers=4)
    AssignmentFactory(shift=shift, member=volunteer)
    sharing = MemberFactory(
        organisation=organisation, first_name="Sara", last_name="Delarsson", phone="+46701111111", share_phone=True
    )
    private = MemberFactory(organisation=organisation, first_name="Pia", last_name="Hemlig", phone="+46702222222")
    protected = MemberFactory(
        organisation=organisation,
        first_name="Lena",
        last_name="Skyddad",
        phone="+46703333333",
        share_phone=True,
        protected_identity=True,
    )
    for other in (sharing, private, protected):
        AssignmentFactory(shift=shift, member=other)
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    assert "Sara" in html and "Pia" in html and "Lena" in html
    assert "+46701111111" in html
    assert "+46702222222" not in html and "+46703333333" not in html
    for last_name in ("Delarsson", "Hemlig", "Skyddad"):
        assert last_name not in html


def test_history_with_hours_of_this_month_and_year(volunteer_client, organisation, line, volunteer):
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=NOW - timedelta(days=1), hours=3), member=volunteer)
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=NOW - timedelta(days=40), hours=4), member=volunteer
    )  # January
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=NOW - timedelta(days=400), hours=5), member=volunteer
    )  # last year
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    assert "Den här månaden: 1 pass, 3 timmar." in html
    assert "I år: 2 pass, 7 timmar." in html


def test_english_page(client, organisation, line):
    member = MemberFactory(organisation=organisation, role=Role.VOLUNTEER, language="en")
    ShiftFactory(line=line, starts_at=EVENING)
    log_in(client, member)
    html = client.get(url("portal_open", organisation), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open shifts" in html and "Take the shift" in html and "1 place free" not in html
    assert "Tuesday 3 March</h3>" in html and ">20:00–23:00</time>" in html and "2 places free" in html
    assert "Week 10: 2–8 March" in html and "Next week" in html


def test_another_shelters_shift_in_my_shelter_url_is_404(volunteer_client, organisation, other_organisation, volunteer):
    foreign_line = LineFactory(organisation=other_organisation)
    foreign = ShiftFactory(line=foreign_line)
    foreign_assignment = AssignmentFactory(
        shift=ShiftFactory(line=foreign_line), member=MemberFactory(organisation=other_organisation)
    )
    offer = SwapOffer.objects.create(assignment=foreign_assignment, created_at=NOW)
    assert volunteer_client.post(url("portal_take", organisation, pk=foreign.pk)).status_code == 404
    assert volunteer_client.post(url("portal_queue", organisation, pk=foreign.pk)).status_code == 404
    assert volunteer_client.post(url("portal_offer_take", organisation, pk=offer.pk)).status_code == 404
    assert volunteer_client.post(url("portal_release", organisation, pk=foreign_assignment.pk)).status_code == 404
    assert not Assignment.objects.filter(member=volunteer).exists()


def test_start_page_links_to_the_portal(volunteer_client, organisation, line, volunteer):
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=EVENING), member=volunteer)
    html = volunteer_client.get(reverse("members:portal", kwargs={"organisation": organisation.slug})).content.decode()
    assert url("portal_next", organisation) in html and url("portal_open", organisation) in html
    assert ">Pass<" in html
    html = volunteer_client.get(url("portal_next", organisation), HTTP_HX_REQUEST="true").content.decode()
    assert "tis 3 mars 20:00–23:00" in html


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _seed(organisation, lines, volunteer, others, n):
    """n open shifts over the lines, half with colleagues on them, some of them hers, some offered."""
    for i in range(n):
        line = lines[i % len(lines)]
        shift = ShiftFactory(line=line, starts_at=NOW + timedelta(days=1 + i // 3, hours=(i % 3) * 4))
        AssignmentFactory(shift=shift, member=others[i % len(others)])
        if i % 3 == 0:
            AssignmentFactory(shift=shift, member=volunteer)
        if i % 5 == 1:
            WaitingListEntry.objects.create(shift=shift, member=volunteer, created_at=NOW)
        if i % 4 == 2:
            SwapOffer.objects.create(assignment=shift.assignments.first(), created_at=NOW)
        AssignmentFactory(
            shift=ShiftFactory(line=line, starts_at=NOW - timedelta(days=1 + i, hours=i % 3)), member=volunteer
        )


@pytest.mark.parametrize("page", ["portal_open", "portal_mine"])
def test_pages_use_a_fixed_number_of_queries(volunteer_client, organisation, volunteer, page):
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    lines = [
        LineFactory(organisation=organisation, name="Telefon"),
        LineFactory(organisation=organisation, name="Chatt", needs_experienced=True),
    ]
    lines[1].required_courses.add(course)
    others = [MemberFactory(organisation=organisation, share_phone=True, phone="+46700000000") for _ in range(3)]
    _seed(organisation, lines, volunteer, others, 5)
    small = _count(volunteer_client, url(page, organisation))
    _seed(organisation, lines, volunteer, others, 25)  # 30 in all
    large = _count(volunteer_client, url(page, organisation))
    print(f"{page}: {small} queries at 5 shifts, {large} at 30")
    assert small == large
