"""Suggestions for a gap (issue 17): the volunteers the sign-up rules let take a shift below its minimum, ranked by
fit (her wishes, fewest shifts in the month, longest since her last shift on the line) with the reasons in words,
on the shift page (one tap puts her on it) and in the gaps list (the first three per gap, in a fixed number of
queries whatever the number of gaps and members). Coordinators only; an absence shows only as her not being
suggested."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from members.models import Member, PledgeSignature, PledgeText, Role
from shifts.candidates import gap_suggestions, suggestions_for
from shifts.models import Assignment, Shift
from shifts.rules import SignupFacts, signup_refusals
from tests.conftest import log_in
from tests.factories import (
    AbsenceFactory,
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    ShiftFactory,
    TrainingRecordFactory,
    WishesFactory,
    WorkloadRulesFactory,
)

pytestmark = pytest.mark.django_db

TUESDAY = 1


def _next(weekday: int, at_least: int = 3) -> date:
    """The first `weekday` at least `at_least` days from today (the shelter's calendar)."""
    day = timezone.localdate() + timedelta(days=at_least)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _shift(line, day: date, hour: int, **extra) -> Shift:
    return ShiftFactory(line=line, local_start=datetime.combine(day, time(hour)), **extra)


def _url(name: str, organisation, **kwargs) -> str:
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def _names(candidates) -> list[str]:
    return [candidate.member.first_name for candidate in candidates]


def _suggestions_section(page: str) -> str:
    return page.split('id="suggestions"', 1)[1].split("</ol>", 1)[0]


@pytest.fixture
def gap(organisation):
    """A Tuesday-evening chat shift that needs two and has nobody, and another line for her other shifts."""
    chat = LineFactory(organisation=organisation, name="Chatt", min_volunteers=2, max_volunteers=3)
    phone = LineFactory(organisation=organisation, name="Jourtelefon", max_volunteers=3)
    day = _next(TUESDAY)
    return _shift(chat, day, 18), phone


def test_suggestions_rank_by_wishes_then_fewest_shifts_then_longest_since_the_line(organisation, gap):
    shift, phone = gap
    now = timezone.now()
    anna, berit, cilla, doris = (
        MemberFactory(organisation=organisation, first_name=name) for name in ("Anna", "Berit", "Cilla", "Doris")
    )
    day = shift.starts_at.astimezone(organisation.zone).date()
    WishesFactory(member=anna, weekdays=[TUESDAY])  # wishes Tuesdays, although she has a shift that month
    AssignmentFactory(shift=_shift(phone, day, 8), member=anna)
    for hour in (8, 12):  # the most shifts that month
        AssignmentFactory(shift=_shift(phone, day, hour), member=doris)
    AssignmentFactory(shift=ShiftFactory(line=shift.line, starts_at=now - timedelta(days=42)), member=berit)

    with translation.override("sv"):
        suggested = suggestions_for(shift, now)

    # Anna wishes the day; Cilla has never been on the chat, Berit six weeks ago; Doris has two shifts.
    assert _names(suggested) == ["Anna", "Cilla", "Berit", "Doris"]
    month = date_format(day, "F")
    assert [candidate.rank_reasons for candidate in suggested] == [
        ["Önskar tisdagar", f"1 pass i {month}", "aldrig på Chatt förut"],
        [f"0 pass i {month}", "aldrig på Chatt förut"],
        [f"0 pass i {month}", "senast på Chatt för 6 veckor sedan"],
        [f"2 pass i {month}", "aldrig på Chatt förut"],
    ]
    assert [candidate.shifts_in_month for candidate in suggested] == [1, 0, 0, 2]


def test_more_wishes_matched_rank_higher_and_are_named(organisation, gap):
    shift, phone = gap
    anna, eva = (MemberFactory(organisation=organisation, first_name=name) for name in ("Anna", "Eva"))
    WishesFactory(member=anna, weekdays=[TUESDAY])
    wishes = WishesFactory(member=eva, weekdays=[TUESDAY, 4], times_of_day=["evening"])
    wishes.lines.add(shift.line)
    AssignmentFactory(shift=_shift(phone, shift.starts_at.astimezone(organisation.zone).date(), 8), member=eva)

    with translation.override("sv"):
        suggested = suggestions_for(shift, timezone.now())

    assert _names(suggested) == ["Eva", "Anna"]
    assert suggested[0].rank_reasons[0] == "Önskar tisdagar, kvällar, Chatt"


def test_away_over_a_limit_unqualified_busy_or_on_it_is_never_suggested(organisation, gap):
    shift, phone = gap
    line = shift.line
    line.needs_pledge = True
    line.save()
    line.required_courses.add(CourseFactory(organisation=organisation, name="Chattutbildning"))
    pledge = PledgeText.objects.create(
        organisation=organisation, version=1, text="Jag lovar", published_at=timezone.now()
    )
    WorkloadRulesFactory(organisation=organisation, max_per_month=2, enforce_own_limits=True)
    day = shift.starts_at.astimezone(organisation.zone).date()
    names = ("Frida", "Agnes", "Maja", "Olga", "Ulla", "Karin", "Berit", "Pia")
    people = {name: MemberFactory(organisation=organisation, first_name=name) for name in names}
    for member in people.values():
        if member.first_name != "Ulla":  # Ulla has not signed the pledge
            PledgeSignature.objects.create(member=member, pledge_text=pledge)
        if member.first_name != "Karin":  # Karin lacks the chat course
            TrainingRecordFactory(member=member, course=line.required_courses.get())
    AbsenceFactory(member=people["Agnes"], starts_on=day, ends_on=day)  # away that day
    for hour in (8, 12):  # the shelter's limit of two a month
        AssignmentFactory(shift=_shift(phone, day, hour), member=people["Maja"])
    WishesFactory(member=people["Olga"], max_per_month=1)  # her own limit: one a month
    AssignmentFactory(shift=_shift(phone, day, 8), member=people["Olga"])
    AssignmentFactory(shift=_shift(phone, day, 19), member=people["Berit"])  # busy then
    AssignmentFactory(shift=shift, member=people["Pia"])  # already on it (and it still needs one more)

    suggested = suggestions_for(shift, timezone.now())

    assert _names(suggested) == ["Frida"]


def test_her_own_limits_keep_her_out_of_suggestions_even_where_the_shelter_does_not_enforce_them(organisation, gap):
    shift, phone = gap
    now = timezone.now()
    day = shift.starts_at.astimezone(organisation.zone).date()
    olga, ingrid, frida = (MemberFactory(organisation=organisation, first_name=n) for n in ("Olga", "Ingrid", "Frida"))
    WishesFactory(member=olga, max_per_month=1)
    AssignmentFactory(shift=_shift(phone, day, 8), member=olga)
    WishesFactory(member=ingrid, max_per_week=1)
    AssignmentFactory(shift=_shift(phone, day - timedelta(days=1), 8), member=ingrid)  # the Monday before

    assert _names(suggestions_for(shift, now)) == ["Frida"]
    # They are wishes, not rules, here: a coordinator may still put her on it without an override.
    assert signup_refusals(SignupFacts.for_shift(shift, olga, now=now)) == []


def test_nobody_is_suggested_on_a_shift_at_its_minimum_started_or_cancelled(organisation, gap):
    shift, phone = gap
    MemberFactory(organisation=organisation, first_name="Frida")
    now = timezone.now()
    assert _names(suggestions_for(shift, now)) == ["Frida"]

    staffed = _shift(phone, shift.starts_at.astimezone(organisation.zone).date(), 8)  # needs one
    AssignmentFactory(shift=staffed)
    started = ShiftFactory(line=shift.line, starts_at=now - timedelta(hours=1))
    cancelled = _shift(shift.line, shift.starts_at.astimezone(organisation.zone).date(), 12, cancelled_at=now)
    full = ShiftFactory(line=phone, starts_at=now + timedelta(days=5), min_volunteers=1, max_volunteers=1)
    AssignmentFactory(shift=full)

    for each in (staffed, started, cancelled, full):
        assert suggestions_for(each, now) == []
    found = gap_suggestions([shift, staffed, started, cancelled, full], now)
    assert "Frida" in _names(found[shift.pk])
    assert all(found.get(each.pk, []) == [] for each in (staffed, started, cancelled, full))


def test_the_shift_page_of_a_gap_suggests_with_reasons_and_one_tap_puts_her_on_it(
    organisation, gap, coordinator_client
):
    shift, _phone = gap
    frida = MemberFactory(organisation=organisation, first_name="Frida", last_name="Ek")
    WishesFactory(member=frida, weekdays=[TUESDAY])

    page = coordinator_client.get(_url("rota_shift", organisation, pk=shift.pk) + "?assign=1").content.decode()

    section = _suggestions_section(page)
    assert "Förslag till luckan" in page
    assert "Frida Ek" in section and "Önskar tisdagar · 0 pass i" in section
    assert "Sätt på passet" in section
    assign_url = _url("rota_assign", organisation, pk=shift.pk)
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>.*?name="member" value="(\d+)"', section, re.S)
    assert form is not None and form.groups() == (assign_url, str(frida.pk))
    # Above the assign form
    assert page.index('id="suggestions"') < page.index("Vem ska ta passet?")

    response = coordinator_client.post(assign_url, {"member": frida.pk})

    assert response.status_code == 302
    assert Assignment.objects.get(shift=shift, member=frida).overridden_by is None
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Frida är med på passet." in page
    assert "Frida Ek" in page.split("<h2>På passet</h2>", 1)[1].split("</section>", 1)[0]
    assert "Frida Ek" not in page.split('id="suggestions"', 1)[1].split("</div>", 1)[0]  # still a gap: others


def test_the_shift_page_of_a_shift_that_is_not_a_gap_has_no_suggestions(organisation, gap, coordinator_client):
    shift, phone = gap
    MemberFactory(organisation=organisation, first_name="Frida")
    staffed = _shift(phone, shift.starts_at.astimezone(organisation.zone).date(), 8)
    AssignmentFactory(shift=staffed)
    started = ShiftFactory(line=phone, starts_at=timezone.now() - timedelta(hours=1))
    for each in (staffed, started):
        page = coordinator_client.get(_url("rota_shift", organisation, pk=each.pk) + "?assign=1").content.decode()
        assert 'id="suggestions"' not in page and "Sätt på passet" not in page


def test_the_gaps_list_shows_the_first_three_suggestions_of_each_gap_linking_to_its_page(
    organisation, gap, coordinator_client
):
    shift, phone = gap
    for name in ("Anna", "Berit", "Cilla", "Doris"):
        MemberFactory(organisation=organisation, first_name=name, last_name="Test")
    other = _shift(phone, shift.starts_at.astimezone(organisation.zone).date(), 8)  # a gap on the other line

    page = coordinator_client.get(_url("rota_gaps", organisation)).content.decode()

    for each in (shift, other):
        card = page.split(_url("rota_shift", organisation, pk=each.pk), 1)[1].split('class="shift-card ', 1)[0]
        suggested = re.findall(r'href="([^"]+)">(\w+) Test</a> <span class="suggestion-why">([^<]+)</span>', card)
        assert [name for _, name, _ in suggested] == ["Anna", "Berit", "Cilla"]
        assert {href for href, _, _ in suggested} == {
            _url("rota_shift", organisation, pk=each.pk) + "?assign=1#suggestions"
        }
        assert all("0 pass i" in why and "aldrig på" in why for _, _, why in suggested)


def test_the_gaps_list_and_the_shift_page_suggest_alike(organisation, gap, coordinator_client):
    shift, phone = gap
    now = timezone.now()
    for n, name in enumerate(("Anna", "Berit", "Cilla", "Doris", "Eva", "Frida")):
        member = MemberFactory(organisation=organisation, first_name=name, last_name="Test")
        if n % 2:
            AssignmentFactory(
                shift=ShiftFactory(line=shift.line, starts_at=now - timedelta(days=10 * n)), member=member
            )
        if n == 4:
            WishesFactory(member=member, times_of_day=["evening"])
    gaps = coordinator_client.get(_url("rota_gaps", organisation)).content.decode()
    card = gaps.split(_url("rota_shift", organisation, pk=shift.pk), 1)[1].split('class="shift-card ', 1)[0]
    listed = re.findall(r'">(\w+) Test</a>', card)

    page = coordinator_client.get(_url("rota_shift", organisation, pk=shift.pk) + "?assign=1").content.decode()
    offered = re.findall(r'class="suggestion-name">(\w+) Test<', _suggestions_section(page))

    assert listed == offered[:3] and offered[0] == "Eva"


def test_a_volunteer_never_sees_suggestions_and_an_absence_is_never_explained(
    organisation, gap, coordinator_client, volunteer
):
    volunteer_client = log_in(Client(), volunteer)
    shift, _phone = gap
    day = shift.starts_at.astimezone(organisation.zone).date()
    away = MemberFactory(organisation=organisation, first_name="Agnes", last_name="Berg")
    AbsenceFactory(member=away, starts_on=day, ends_on=day)
    MemberFactory(organisation=organisation, first_name="Frida", last_name="Ek")

    for name in ("rota_gaps", "rota_shift"):
        url = _url(name, organisation, **({"pk": shift.pk} if name == "rota_shift" else {}))
        url += "?assign=1" if name == "rota_shift" else ""  # the shift page with its assign list
        page = coordinator_client.get(url).content.decode()
        assert "Frida Ek" in page
        content = page.split('id="main"', 1)[1]  # the page itself, not the menu (which links to her own absences)
        assert "Agnes" not in content
        assert "borta" not in content.lower() and "frånvar" not in content.lower()
        response = volunteer_client.get(url)
        assert response.status_code == 403 and "Frida" not in response.content.decode()
    portal = volunteer_client.get(_url("portal_open", organisation)).content.decode()
    assert "Frida" not in portal and "Förslag" not in portal


def test_the_gaps_list_is_paged_with_plain_links(organisation, coordinator_client, monkeypatch):
    from shifts.views import rota

    monkeypatch.setattr(rota, "GAPS_SHOWN", 4)
    line = LineFactory(organisation=organisation, name="Chatt")
    first = timezone.localdate() + timedelta(days=2)
    shifts = [_shift(line, first + timedelta(days=n), 18) for n in range(10)]
    url = _url("rota_gaps", organisation)

    page = coordinator_client.get(url).content.decode()
    assert page.count('class="shift-card ') == 4
    assert "10 pass har färre ideella än minimiantalet. De första 4 visas." in page
    assert f'href="{url}?weeks=4&amp;page=2">Nästa</a>' in page and "1 / 3" in page

    page = coordinator_client.get(url + "?weeks=4&page=3").content.decode()
    assert page.count('class="shift-card ') == 2 and "Luckorna 9–10 visas." in page
    assert _url("rota_shift", organisation, pk=shifts[9].pk) in page and "Nästa</a>" not in page
    assert f'href="{url}?weeks=4&amp;page=2">Föregående</a>' in page

    for bad in ("?page=x", "?page=-3", "?page=0"):
        assert "1 / 3" in coordinator_client.get(url + bad).content.decode()
    assert "3 / 3" in coordinator_client.get(url + "?page=999").content.decode()


# -- a fixed number of queries -----------------------------------------------------------------------------------


def _shelter(organisation, *, gaps: int, volunteers: int) -> Member:
    """A shelter with `gaps` gaps in the next four weeks on two lines (one needing a course and the pledge), and
    `volunteers` volunteers in bulk: all signed, half with the course, one away, one with wishes, some with past
    shifts; the shelter's workload rules and their own limits on. Returns its coordinator."""
    now = timezone.now()
    pledge = PledgeText.objects.create(organisation=organisation, version=1, text="Jag lovar", published_at=now)
    phone = LineFactory(organisation=organisation, name="Jourtelefon", needs_pledge=True, min_volunteers=2)
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    phone.required_courses.add(course)
    chat = LineFactory(organisation=organisation, name="Chatt", needs_pledge=True, min_volunteers=2)
    WorkloadRulesFactory(organisation=organisation, max_per_month=8, enforce_own_limits=True)
    people = Member.objects.bulk_create(
        Member(organisation=organisation, first_name=f"Ideell{n:03}", last_name="Test") for n in range(volunteers)
    )
    PledgeSignature.objects.bulk_create(PledgeSignature(member=member, pledge_text=pledge) for member in people)
    from trainings.models import TrainingRecord

    TrainingRecord.objects.bulk_create(
        TrainingRecord(member=member, course=course, completed_on=timezone.localdate() - timedelta(days=30))
        for member in people[::2]
    )
    first = timezone.localdate() + timedelta(days=1)

    def gap(n: int) -> Shift:  # a day in the next 25, a two-hour slot of eight, the lines in turn
        starts_at = datetime.combine(first + timedelta(days=n % 25), time(6 + 2 * (n // 25)), organisation.zone)
        return Shift(
            line=(phone, chat)[n % 2],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            min_volunteers=2,
            max_volunteers=3,
        )

    Shift.objects.bulk_create(gap(n) for n in range(gaps))
    past = ShiftFactory(line=chat, starts_at=now - timedelta(days=20))
    Assignment.objects.bulk_create(Assignment(shift=past, member=member, created_at=now) for member in people[:3])
    AbsenceFactory(member=people[1], starts_on=first, ends_on=first + timedelta(days=3))
    wishes = WishesFactory(member=people[2], weekdays=[0, 1, 2], max_per_month=4)
    wishes.lines.add(chat)
    return MemberFactory(organisation=organisation, role=Role.COORDINATOR)


def _gaps_page(client, organisation) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url("rota_gaps", organisation))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_gaps_list_reads_the_same_queries_at_10_and_200_gaps_and_at_two_member_counts(client):
    from tests.factories import OrganisationFactory

    counts = []
    for gaps, volunteers in ((10, 8), (200, 8), (200, 80)):
        organisation = OrganisationFactory()
        coordinator = _shelter(organisation, gaps=gaps, volunteers=volunteers)
        log_in(client, coordinator)
        _gaps_page(client, organisation)  # warm what a running server has warm
        count, page = _gaps_page(client, organisation)
        assert page.count('class="shift-card ') == min(gaps, 25)
        assert page.count("#suggestions") >= min(gaps, 25) * 2  # each gap has suggestions
        assert f"{gaps} pass har färre ideella än minimiantalet." in page
        counts.append(count)
    assert counts[0] == counts[1] == counts[2], counts
