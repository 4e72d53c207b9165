"""The volunteer's open shifts: a week at a time under day headings, a line filter, only what she may take unless
she asks for the rest (with the reasons), staffing in words, a bounded page, and the release deadline."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Role
from shifts.models import AssignmentStatus, SwapOffer, WaitingListEntry
from shifts.portal import OPEN_PAGE_CAP
from tests.conftest import log_in
from tests.factories import NOW, AssignmentFactory, CourseFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CARD = '<li class="shift-card'
# NOW is Tuesday 3 March 2026, 13:00 in Stockholm: week 10 runs 2–8 March, week 11 9–15 March.


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int = 20) -> datetime:
    """A March 2026 wall-clock time in Stockholm."""
    return datetime(2026, 3, day, hour, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, name="Telefonjouren", min_volunteers=1, max_volunteers=2)


def url(name, organisation, query="", **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs}) + query


def week_part(html: str) -> str:
    """The week's part of the page (the colleagues' offers come before it)."""
    return html.split('id="open-shifts"', 1)[1]


def get(client, organisation, query="", **headers) -> str:
    response = client.get(url("portal_open", organisation, query), **headers)
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_shifts_are_grouped_under_day_headings_a_week_at_a_time(volunteer_client, organisation, line):
    ShiftFactory(line=line, starts_at=at(3))
    ShiftFactory(line=line, starts_at=at(5, 10))
    ShiftFactory(line=line, starts_at=at(9))
    html = week_part(get(volunteer_client, organisation))
    assert "Vecka 10: 2–8 mars" in html
    assert "<h3" in html and "tisdag 3 mars</h3>" in html and "torsdag 5 mars</h3>" in html
    assert "måndag 9 mars" not in html
    assert ">20:00–23:00</time>" in html and ">10:00–13:00</time>" in html  # the day is in the heading
    assert html.index("tisdag 3 mars") < html.index("20:00–23:00") < html.index("torsdag 5 mars")
    assert "Föregående vecka" not in html  # no week before this one
    assert '<a id="open-next-week"' in html and 'href="/testjouren/shifts/open/?week=2026-03-09"' in html
    assert '<span class="visually-hidden">Nästa vecka</span>' in html  # the arrow's name in words

    html = week_part(get(volunteer_client, organisation, "?week=2026-03-12"))  # any day of the week
    assert "Vecka 11: 9–15 mars" in html and "måndag 9 mars</h3>" in html and html.count(CARD) == 1
    assert 'href="/testjouren/shifts/open/?week=2026-03-02"' in html and "Föregående vecka" in html


def test_weeks_outside_the_sign_up_window_show_the_nearest_week(volunteer_client, organisation, line):
    organisation.signup_window_days = 14
    organisation.save()
    assert "Vecka 10: 2–8 mars" in get(volunteer_client, organisation, "?week=2020-01-01")
    html = get(volunteer_client, organisation, "?week=2031-01-01")
    assert "Vecka 12: 16–22 mars" in html and "Nästa vecka" not in html


def test_a_month_change_inside_the_week_names_both_months(volunteer_client, organisation, line):
    assert "Vecka 14: 30 mars–5 april" in get(volunteer_client, organisation, "?week=2026-04-01")


def test_week_links_with_htmx_swap_only_the_week(volunteer_client, organisation, line):
    ShiftFactory(line=line, starts_at=at(10))
    response = volunteer_client.get(
        url("portal_open", organisation, "?week=2026-03-09"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="open-shifts"
    )
    html = response.content.decode()
    assert "<html" not in html and html.count('id="open-shifts"') == 1
    assert "tisdag 10 mars" in html and "Ta passet" in html
    assert 'hx-get="/testjouren/shifts/open/?week=2026-03-02"' in html and 'hx-push-url="true"' in html
    assert "HX-Request" in response["Vary"]
    # htmx restoring the history asks for the whole page.
    html = volunteer_client.get(
        url("portal_open", organisation, "?week=2026-03-09"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="open-shifts",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    ).content.decode()
    assert "<html" in html


def test_the_line_filter_shows_one_line_and_a_bad_value_shows_all(
    volunteer_client, organisation, other_organisation, line
):
    chat = LineFactory(organisation=organisation, name="Chatten")
    ShiftFactory(line=line, starts_at=at(4))
    ShiftFactory(line=chat, starts_at=at(5))
    html = week_part(get(volunteer_client, organisation, f"?line={chat.pk}"))
    assert html.count(CARD) == 1 and "torsdag 5 mars" in html and "onsdag 4 mars" not in html
    assert f'<option value="{chat.pk}" selected>Chatten</option>' in html
    assert 'name="week" value="2026-03-02"' in html  # the filter keeps the week
    foreign = LineFactory(organisation=other_organisation)
    for bad in ("abc", "0", "99999999999999999999999", str(foreign.pk), "-1", "1e3"):
        assert week_part(get(volunteer_client, organisation, f"?line={bad}")).count(CARD) == 2, bad


def test_bad_query_strings_show_the_default_page(volunteer_client, organisation, line):
    ShiftFactory(line=line, starts_at=at(4))
    for query in (
        "?week=2026-13-40",
        "?week=٢٠٢٦-03-09",
        "?all=2",
        "?all=yes",
        "?after=garbage",
        "?after=99999999999999999999-1",
        "?after=1-99999999999999999999",
        "?after=0-1",
    ):
        html = week_part(get(volunteer_client, organisation, query))
        assert "Vecka 10" in html, query
    assert week_part(get(volunteer_client, organisation, "?after=0-1")).count(CARD) == 1


def test_by_default_only_shifts_she_may_take_and_the_toggle_shows_the_rest_with_reasons(
    volunteer_client, organisation, line, volunteer, coordinator, admin_member
):
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    chat = LineFactory(organisation=organisation, name="Chatten")
    chat.required_courses.add(course)
    ShiftFactory(line=chat, starts_at=at(4))  # not qualified
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=at(5, 18), hours=4), member=volunteer)  # hers
    ShiftFactory(line=line, starts_at=at(5, 20))  # overlaps hers
    full = ShiftFactory(line=line, starts_at=at(6))
    AssignmentFactory(shift=full, member=coordinator)
    AssignmentFactory(shift=full, member=admin_member)
    ShiftFactory(line=line, starts_at=at(7))  # free

    html = week_part(get(volunteer_client, organisation))
    assert html.count(CARD) == 2  # the full one (she may queue) and the free one
    assert "Fullt – kö möjlig" in html and "Ställ mig i kö" in html and "Ta passet" in html
    assert "Grundutbildning" not in html and "onsdag 4 mars" not in html and "torsdag 5 mars" not in html
    assert "Visa även pass du inte kan ta" in html and 'name="all" value="1">' in html  # unticked

    html = week_part(get(volunteer_client, organisation, "?week=2026-03-02&all=1"))
    assert html.count(CARD) == 4  # her own shift is on "my shifts", never here
    assert "Du behöver Grundutbildning" in html
    assert "Du har redan ett pass vid den tiden." in html
    assert 'name="all" value="1" checked>' in html  # the filter keeps the toggle


def test_a_shadow_seat_is_offered_among_the_shifts_she_cannot_take(
    volunteer_client, organisation, coordinator, volunteer
):
    from tests.shifts.scenarios import past_shifts

    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    closed = LineFactory(organisation=organisation, name="Chatten", experienced_after_shifts=2)
    closed.required_courses.add(course)
    past_shifts(closed, coordinator, 2)
    shift = ShiftFactory(line=closed, starts_at=at(4))
    AssignmentFactory(shift=shift, member=coordinator)
    assert "Sitt bredvid" not in get(volunteer_client, organisation)
    html = week_part(get(volunteer_client, organisation, "?all=1"))
    assert "Sitt bredvid" in html and url("portal_shadow", organisation, pk=shift.pk) in html


def test_her_first_look_is_the_week_of_the_next_shift_she_could_take(volunteer_client, organisation, line):
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    closed = LineFactory(organisation=organisation, name="Chatten")
    closed.required_courses.add(course)
    ShiftFactory(line=closed, starts_at=at(5))  # this week, but not for her
    ShiftFactory(line=line, starts_at=at(18))
    html = week_part(get(volunteer_client, organisation))
    assert "Vecka 12: 16–22 mars" in html and "onsdag 18 mars</h3>" in html and html.count(CARD) == 1
    assert 'href="/testjouren/shifts/open/?week=2026-03-09"' in html  # back a week, and on to this one
    html = week_part(get(volunteer_client, organisation, "?all=1"))  # everything: this week has a shift
    assert "Vecka 10: 2–8 mars" in html and "Chatten" in html


def test_a_new_volunteer_first_sees_the_week_of_the_next_shift_and_why_she_cannot_take_it(
    volunteer_client, organisation
):
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    closed = LineFactory(organisation=organisation, name="Chatten")
    closed.required_courses.add(course)
    ShiftFactory(line=closed, starts_at=at(11))
    html = week_part(get(volunteer_client, organisation))
    assert "Vecka 11: 9–15 mars" in html and "Det finns inget pass du kan ta den här veckan." in html
    html = week_part(get(volunteer_client, organisation, "?week=2026-03-09&all=1"))
    assert "onsdag 11 mars</h3>" in html and "Du behöver Grundutbildning" in html


def test_an_empty_week_says_so_and_links_the_week_of_the_next_shift(volunteer_client, organisation, line):
    html = week_part(get(volunteer_client, organisation))
    assert "Vecka 10: 2–8 mars" in html  # nothing anywhere: this week
    assert "Just nu finns inga lediga pass som du kan ta." in html
    ShiftFactory(line=line, starts_at=at(18))
    html = week_part(get(volunteer_client, organisation, "?week=2026-03-02"))
    assert "Det finns inget pass du kan ta den här veckan." in html
    assert 'href="/testjouren/shifts/open/?week=2026-03-18"' in html and "Nästa pass: onsdag 18 mars" in html
    html = week_part(get(volunteer_client, organisation, "?week=2026-03-09&all=1"))
    assert "Det finns inga pass den här veckan." in html and "Nästa pass: onsdag 18 mars" in html
    html = week_part(get(volunteer_client, organisation, "?week=2026-03-18"))
    assert "onsdag 18 mars</h3>" in html and html.count(CARD) == 1


def test_staffing_in_words_on_every_card(volunteer_client, organisation, line, coordinator, admin_member, volunteer):
    empty = ShiftFactory(line=line, starts_at=at(4))  # 0 of 2, minimum 1
    half = ShiftFactory(line=line, starts_at=at(5))
    AssignmentFactory(shift=half, member=coordinator)
    full = ShiftFactory(line=line, starts_at=at(6))
    AssignmentFactory(shift=full, member=coordinator)
    AssignmentFactory(shift=full, member=admin_member)
    queued = ShiftFactory(line=line, starts_at=at(7))
    AssignmentFactory(shift=queued, member=coordinator)
    AssignmentFactory(shift=queued, member=admin_member)
    WaitingListEntry.objects.create(shift=queued, member=volunteer, created_at=NOW)
    html = week_part(get(volunteer_client, organisation))
    cards = html.split(CARD)[1:]
    assert "2 platser lediga" in cards[0] and "Behöver fler" in cards[0]
    assert "1 plats ledig" in cards[1] and "Behöver fler" not in cards[1]
    assert "Fullt – kö möjlig" in cards[2] and "Ställ mig i kö" in cards[2]
    assert ">Fullt<" in cards[3] and "I kö" in cards[3] and "Ställ mig i kö" not in cards[3]
    for card in cards:
        assert " av " not in card and "visually-hidden" not in card  # words, not "1 av 2" and hidden text
    assert empty.pk


def test_the_page_holds_at_most_the_cap_and_continues_at_a_day_boundary(volunteer_client, organisation, line):
    per_day = 15
    for day in (4, 5, 6):  # 45 shifts, more than the cap of 40
        for n in range(per_day):
            ShiftFactory(line=line, starts_at=at(day, 8) + timedelta(minutes=10 * n), hours=1)
    html = week_part(get(volunteer_client, organisation))
    assert html.count(CARD) == 2 * per_day  # cut after Thursday: Friday does not fit whole
    assert "fredag 6 mars" not in html and "Fler pass den här veckan" in html
    more = html.split('id="open-more"', 1)[1].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    html = week_part(volunteer_client.get(more).content.decode())
    assert html.count(CARD) == per_day and "fredag 6 mars" in html and "onsdag 4 mars" not in html
    assert "Fler pass den här veckan" not in html and "Till veckans början" in html


def test_a_day_busier_than_the_cap_is_cut_inside_the_day(volunteer_client, organisation, line):
    for n in range(OPEN_PAGE_CAP + 5):
        ShiftFactory(line=line, starts_at=at(4, 6) + timedelta(minutes=5 * n), hours=1)
    html = week_part(get(volunteer_client, organisation))
    assert html.count(CARD) == OPEN_PAGE_CAP and "Fler pass den här veckan" in html
    more = html.split('id="open-more"', 1)[1].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    html = week_part(volunteer_client.get(more).content.decode())
    assert html.count(CARD) == 5 and "onsdag 4 mars" in html


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _shelter(organisation, lines, volunteer, colleagues, per_day):
    """Shifts on every line, `per_day` a day for the rest of this week and next; colleagues on half of them;
    one of hers, a waiting-list place and a colleague's offer."""
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    for index, line in enumerate(lines):
        if index % 2:
            line.required_courses.add(course)
        for day in range(4, 16):
            for n in range(per_day):
                shift = ShiftFactory(line=line, starts_at=at(day, 6) + timedelta(hours=2 * n), hours=2)
                if n % 2:
                    AssignmentFactory(shift=shift, member=colleagues[(day + n) % len(colleagues)])
    first = lines[0].shifts.order_by("starts_at")
    AssignmentFactory(shift=first[0], member=volunteer)
    WaitingListEntry.objects.create(shift=first[1], member=volunteer, created_at=NOW)
    SwapOffer.objects.create(assignment=AssignmentFactory(shift=first[2], member=colleagues[0]), created_at=NOW)


def test_query_count_is_the_same_for_a_small_and_a_dense_shelter(client, organisation, other_organisation):
    small = MemberFactory(organisation=organisation, role=Role.VOLUNTEER)
    colleagues = [MemberFactory(organisation=organisation) for _ in range(2)]
    two_lines = [LineFactory(organisation=organisation), LineFactory(organisation=organisation)]
    _shelter(organisation, two_lines, small, colleagues, 1)
    dense = MemberFactory(organisation=other_organisation, role=Role.VOLUNTEER)
    many = [MemberFactory(organisation=other_organisation) for _ in range(8)]
    lines = [LineFactory(organisation=other_organisation, needs_experienced=bool(i % 3 == 0)) for i in range(10)]
    _shelter(other_organisation, lines, dense, many, 6)  # 10 lines × 6 a day: over the cap every day
    for query in ("", "?all=1", "?week=2026-03-09", f"?line={lines[2].pk}"):
        log_in(client, small)
        few = _count(client, url("portal_open", organisation, query if "line" not in query else ""))
        log_in(client, dense)
        lots = _count(client, url("portal_open", other_organisation, query))
        print(f"open shifts {query or '(default)'}: {few} queries small, {lots} dense")
        assert few == lots, query
    assert week_part(client.get(url("portal_open", other_organisation, "?all=1")).content.decode()).count(CARD) <= 40


def test_taking_a_shift_states_the_release_deadline(volunteer_client, organisation, line):
    shift = ShiftFactory(line=line, starts_at=at(8))
    response = volunteer_client.post(url("portal_take", organisation, pk=shift.pk))
    assert messages_of(response) == [
        "Passet är ditt. Du kan släppa det fram till fre 6 mars kl. 20:00; därefter kan du erbjuda byte."
    ]
    soon = ShiftFactory(line=line, starts_at=at(4))  # tomorrow: inside the 48 hours
    response = volunteer_client.post(url("portal_take", organisation, pk=soon.pk), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert (
        "Passet är ditt. Det börjar inom 48 timmar, så du kan inte släppa det själv: erbjud byte om du inte kan komma."
        in html
    )


def test_without_javascript_an_action_returns_to_the_week_she_was_on(volunteer_client, organisation, line):
    shift = ShiftFactory(line=line, starts_at=at(10))
    html = get(volunteer_client, organisation, f"?week=2026-03-09&line={line.pk}")
    action = url("portal_take", organisation, pk=shift.pk)
    assert f'action="{action}?week=2026-03-09&amp;line={line.pk}"' in html
    response = volunteer_client.post(f"{action}?week=2026-03-09&line={line.pk}&evil=https://x.example")
    assert response["Location"] == url("portal_open", organisation, f"?week=2026-03-09&line={line.pk}")


def test_release_is_shown_only_before_the_deadline(volunteer_client, organisation, line, volunteer):
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=at(9)), member=volunteer)
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=at(4)), member=volunteer)  # tomorrow
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    late, early = html.split(CARD)[1:3]
    assert "mån 9 mars" in early and "Släpp" in early and "Erbjud byte" in early
    assert "ons 4 mars" in late and "Släpp" not in late and "Erbjud byte" in late
    assert "Mindre än 48 timmar kvar: erbjud byte, eller kontakta din samordnare om du inte kan komma." in late


def test_a_shadow_or_offered_shift_inside_the_deadline_says_to_contact_the_coordinator(
    volunteer_client, organisation, line, volunteer
):
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=at(4)), member=volunteer, status=AssignmentStatus.SHADOW)
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    card = html.split(CARD)[1]
    assert "Släpp" not in card and "Erbjud byte" not in card
    assert "Mindre än 48 timmar kvar: kontakta din samordnare om du inte kan komma." in card


def test_a_coordinator_may_release_her_own_shift_at_any_time(client, organisation, line, coordinator):
    AssignmentFactory(shift=ShiftFactory(line=line, starts_at=at(4)), member=coordinator)
    log_in(client, coordinator)
    html = client.get(url("portal_mine", organisation)).content.decode()
    assert "Släpp" in html and "Mindre än 48 timmar" not in html


def test_colleagues_on_her_shift_read_as_a_sentence(volunteer_client, organisation, line, volunteer):
    shift = ShiftFactory(line=line, max_volunteers=3)
    AssignmentFactory(shift=shift, member=volunteer)
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation, first_name="Ingrid"))
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation, first_name="Karin"))
    html = volunteer_client.get(url("portal_mine", organisation)).content.decode()
    assert "<span>Med: Ingrid, Karin</span>" in html


def test_a_card_escapes_every_text_it_shows(client, organisation, volunteer):
    """The card is put together in Python (shifts/templatetags/shift_cards.py): names typed by people reach the page
    as text, never as markup."""
    odd = LineFactory(organisation=organisation, name='<script>alert("x")</script> & Natt', min_volunteers=1)
    shift = ShiftFactory(line=odd, starts_at=at(5), hours=3)
    colleague = MemberFactory(organisation=organisation, first_name='Eva"><img src=x>', share_phone=False)
    AssignmentFactory(shift=shift, member=colleague)
    log_in(client, volunteer)
    html = week_part(get(client, organisation))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Natt" in html
    assert "<script>alert" not in html and "<img src=x>" not in html
