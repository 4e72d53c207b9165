"""The coordinator's month rota at a real shelter's density: one line per shift, only the gaps marked, a busy
day folded into "+N till" that opens the day, the same queries whatever the number of shifts; and the week and
day views, the view switch and the line filter around it."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shifts.views.rota import MONTH_SHIFTS_PER_DAY, WEEK_SHIFTS_PER_DAY
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db

GAP = re.compile(r"Saknar \d")


def _url(organisation, name, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def _shift(line, day: date, hour=20, minute=0, **extra):
    return ShiftFactory(line=line, local_start=datetime.combine(day, time(hour, minute)), hours=2, **extra)


def _staff(shift, count):
    for _ in range(count):
        AssignmentFactory(shift=shift, member=MemberFactory(organisation=shift.line.organisation))


def _next_month() -> date:
    """The first day of the month after next: every day of it is still to come, so a gap is a gap."""
    return (timezone.localdate().replace(day=1) + timedelta(days=62)).replace(day=1)


def _day_cell(page: str, day: date) -> str:
    """The month grid's box of one day."""
    start = page.index(f'<time datetime="{day:%Y-%m-%d}">')
    end = page.find('<li class="calendar-day', start)
    return page[start : end if end != -1 else len(page)]


def _month(client, organisation, first: date, extra=""):
    response = client.get(_url(organisation, "rota_month") + f"?month={first:%Y-%m}{extra}")
    assert response.status_code == 200
    return response.content.decode()


def _fill(organisation, first: date, *, lines: int, per_line: int, days: int):
    """`lines` lines × `per_line` shifts a day for `days` days, each with two of its three places taken."""
    made = [LineFactory(organisation=organisation, min_volunteers=2, max_volunteers=3) for _ in range(lines)]
    volunteers = [MemberFactory(organisation=organisation) for _ in range(4)]
    for n in range(days):
        for line in made:
            for slot in range(per_line):
                shift = _shift(line, first + timedelta(days=n), hour=8 + 3 * slot)
                AssignmentFactory(shift=shift, member=volunteers[slot % 4])
                AssignmentFactory(shift=shift, member=volunteers[(slot + 1) % 4])


def test_the_month_asks_the_database_the_same_number_of_times_at_a_small_and_a_busy_shelter(
    organisation, coordinator_client, django_assert_num_queries, other_organisation
):
    first = _next_month()
    small = LineFactory(organisation=organisation)
    _shift(small, first + timedelta(days=3))
    # 11 before issue 17, and two more: how many are away each day, which shifts someone holds while away.
    with django_assert_num_queries(8):
        _month(coordinator_client, organisation, first)
    # Twelve shifts a day (more than a day shows), another shelter's shifts besides.
    _fill(organisation, first, lines=4, per_line=3, days=10)
    _fill(other_organisation, first, lines=1, per_line=2, days=3)
    with django_assert_num_queries(8):
        page = _month(coordinator_client, organisation, first)
    assert page.count('<ul class="rota-month-shifts">') == 10
    assert _day_cell(page, first).count("<li class=") == MONTH_SHIFTS_PER_DAY
    assert "+4 till" in _day_cell(page, first)


def test_only_shifts_below_their_minimum_are_marked(organisation, coordinator_client):
    first = _next_month()
    day = first + timedelta(days=5)
    line = LineFactory(organisation=organisation, name="Jourtelefon", min_volunteers=2, max_volunteers=3)
    for hour, staffed in ((8, 0), (11, 1), (14, 2), (17, 3)):
        _staff(_shift(line, day, hour=hour), staffed)
    cancelled = _shift(line, day, hour=20, cancelled_at=timezone.now())
    cell = _day_cell(_month(coordinator_client, organisation, first), day)
    assert re.findall(r"\d av 3", cell) == ["0 av 3", "1 av 3", "2 av 3", "3 av 3", "0 av 3"]
    assert GAP.findall(cell) == ["Saknar 2", "Saknar 1"]  # the cancelled one is no gap
    assert cell.count("badge-warning") == 3  # the two shifts and the day's own "2 luckor"
    assert "2 luckor" in cell
    assert "inställt" in cell and _url(organisation, "rota_shift", pk=cancelled.pk) in cell
    assert "Underbemannat" not in cell and "OK" not in cell


def test_a_past_shift_below_its_minimum_is_no_longer_a_gap(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, min_volunteers=2, max_volunteers=2)
    yesterday = timezone.localdate() - timedelta(days=1)
    _shift(line, yesterday)
    cell = _day_cell(_month(coordinator_client, organisation, yesterday.replace(day=1)), yesterday)
    assert "0 av 2" in cell
    assert not GAP.search(cell) and "lucka" not in cell


def test_a_day_with_one_shift_more_than_fits_shows_them_all(organisation, coordinator_client):
    first = _next_month()
    line = LineFactory(organisation=organisation, min_volunteers=1, max_volunteers=2)
    for hour in range(MONTH_SHIFTS_PER_DAY + 1):
        _staff(_shift(line, first, hour=8 + hour), 1)
    cell = _day_cell(_month(coordinator_client, organisation, first), first)
    assert cell.count("<li class=") == MONTH_SHIFTS_PER_DAY + 1
    assert "till" not in cell


def test_a_busy_day_folds_its_shifts_but_never_its_gaps_silently(organisation, coordinator_client):
    first = _next_month()
    day = first + timedelta(days=9)
    line = LineFactory(organisation=organisation, name="Chatten", min_volunteers=1, max_volunteers=1)
    gaps = [_shift(line, day, hour=hour) for hour in range(8, 18)]  # ten gaps
    for hour in range(18, 22):  # four full shifts in the evening
        _staff(_shift(line, day, hour=hour), 1)
    page = _month(coordinator_client, organisation, first)
    cell = _day_cell(page, day)
    # The gaps come first: eight of them are shown, in time order; the rest is counted, gaps named.
    assert GAP.findall(cell) == ["Saknar 1"] * MONTH_SHIFTS_PER_DAY
    assert re.findall(r"(\d\d):00 Chatten", cell) == [f"{hour:02d}" for hour in range(8, 16)]
    assert "10 luckor" in cell
    assert "+6 till, varav 2 luckor" in cell
    day_url = _url(organisation, "rota_day") + f"?date={day:%Y-%m-%d}"
    assert f'<a href="{day_url}">+6 till, varav 2 luckor</a>' in cell

    # The link opens the day with every one of its shifts.
    day_page = coordinator_client.get(day_url).content.decode()
    assert day_page.count('class="shift-card ') == 14
    for shift in gaps:
        assert _url(organisation, "rota_shift", pk=shift.pk) in day_page
    assert "14 pass" in day_page and "10 luckor" in day_page


def test_a_busy_day_without_gaps_just_says_how_many_more(organisation, coordinator_client):
    first = _next_month()
    line = LineFactory(organisation=organisation, min_volunteers=1, max_volunteers=2)
    for hour in range(8, 20):
        _staff(_shift(line, first, hour=hour), 1)
    cell = _day_cell(_month(coordinator_client, organisation, first), first)
    assert "+4 till</a>" in cell
    assert "varav" not in cell and "lucka" not in cell


def test_the_day_page_shows_who_is_on_each_shift_in_words(organisation, coordinator_client):
    day = _next_month() + timedelta(days=2)
    line = LineFactory(organisation=organisation, name="Jourtelefon", min_volunteers=2, max_volunteers=2)
    shift = _shift(line, day)
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation, first_name="Lena"))
    _shift(line, day + timedelta(days=1))
    page = coordinator_client.get(_url(organisation, "rota_day") + f"?date={day:%Y-%m-%d}").content.decode()
    assert "20:00–22:00</time> Jourtelefon" in page
    assert "1 av 2" in page and "Saknar 1" in page and "Lena" in page
    assert page.count('class="shift-card ') == 1


def test_the_day_page_asks_the_same_number_of_times_however_many_shifts(
    organisation, coordinator_client, django_assert_num_queries
):
    day = _next_month()
    line = LineFactory(organisation=organisation)
    _staff(_shift(line, day), 1)
    url = _url(organisation, "rota_day") + f"?date={day:%Y-%m-%d}"
    with django_assert_num_queries(8):
        coordinator_client.get(url)
    _fill(organisation, day, lines=3, per_line=4, days=1)
    with django_assert_num_queries(8):
        page = coordinator_client.get(url).content.decode()
    assert page.count('class="shift-card ') == 13


def test_the_week_folds_a_busy_day_too(organisation, coordinator_client, django_assert_num_queries):
    monday = _next_month() + timedelta(days=7)
    monday -= timedelta(days=monday.weekday())
    line = LineFactory(organisation=organisation, name="Chatten", min_volunteers=1, max_volunteers=2)
    _staff(_shift(line, monday), 1)
    url = _url(organisation, "rota_week") + f"?week={monday:%Y-%m-%d}"
    with django_assert_num_queries(8):
        coordinator_client.get(url)
    for hour in range(6, 6 + WEEK_SHIFTS_PER_DAY + 2):
        _shift(line, monday + timedelta(days=2), hour=hour)
    with django_assert_num_queries(8):
        page = coordinator_client.get(url).content.decode()
    wednesday = page[page.index(f"?date={monday + timedelta(days=2):%Y-%m-%d}") :]
    wednesday = wednesday[: wednesday.index('<section class="week-day">')]
    assert wednesday.count('class="shift-card ') == WEEK_SHIFTS_PER_DAY
    assert "+2 till, varav 2 luckor" in wednesday
    assert "1 av 2" in page and "Saknar 1" in page


@pytest.mark.parametrize(
    ("name", "label"), [("rota_month", "Månad"), ("rota_week", "Vecka"), ("rota_day", "Dag"), ("rota_gaps", "Luckor")]
)
def test_the_view_switch_marks_the_view_she_is_on(organisation, coordinator_client, name, label):
    page = coordinator_client.get(_url(organisation, name)).content.decode()
    switch = page[page.index('<nav class="rota-views"') : page.index("</nav>", page.index('<nav class="rota-views"'))]
    current = re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', switch)
    assert current == [label]
    assert switch.count("<a ") == 4


def test_the_view_switch_keeps_the_period_and_the_line(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, name="Chatten")
    page = coordinator_client.get(_url(organisation, "rota_week") + f"?week=2031-07-09&line={line.pk}").content
    page = page.decode()
    assert f'href="{_url(organisation, "rota_month")}?month=2031-07&amp;line={line.pk}"' in page
    assert f'href="{_url(organisation, "rota_day")}?date=2031-07-09&amp;line={line.pk}"' in page


@pytest.mark.parametrize("name", ["rota_month", "rota_week", "rota_day"])
def test_the_line_filter_shows_one_line(organisation, coordinator_client, name):
    day = _next_month() + timedelta(days=1)
    phone = LineFactory(organisation=organisation, name="Jourtelefon")
    chat = LineFactory(organisation=organisation, name="Chatten")
    _shift(phone, day)
    _shift(chat, day, hour=10)
    monday = day - timedelta(days=day.weekday())
    period = {"rota_month": f"month={day:%Y-%m}", "rota_week": f"week={monday}", "rota_day": f"date={day}"}
    page = coordinator_client.get(_url(organisation, name) + f"?{period[name]}&line={phone.pk}").content.decode()
    assert "Jourtelefon</a>" in page and "Chatten</a>" not in page
    assert f'<option value="{phone.pk}" selected>Jourtelefon</option>' in page
    # The filter is a form that keeps the period.
    field, value = period[name].split("=")
    assert f'<input type="hidden" name="{field}" value="{value}">' in page
    page = coordinator_client.get(_url(organisation, name) + f"?{period[name]}&line=").content.decode()
    assert "Jourtelefon</a>" in page and "Chatten</a>" in page


@pytest.mark.parametrize(
    ("name", "query", "key", "expected"),
    [
        ("rota_month", "?month=2026-13", "first", lambda today: today.replace(day=1)),
        ("rota_month", "?month=x&line=abc", "first", lambda today: today.replace(day=1)),
        ("rota_week", "?week=2026-02-30", "monday", lambda today: today - timedelta(days=today.weekday())),
        ("rota_day", "?date=2026-02-30", "day", lambda today: today),
        ("rota_day", "?date=²⁰²⁶-01-01", "day", lambda today: today),
        ("rota_day", "?date=99999-01-01&line=-1", "day", lambda today: today),
        ("rota_gaps", "?weeks=x", "weeks", lambda today: 4),
    ],
)
def test_a_bad_period_shows_the_default_not_an_error(organisation, coordinator_client, name, query, key, expected):
    response = coordinator_client.get(_url(organisation, name) + query)
    assert response.status_code == 200
    today = timezone.localdate(timezone=organisation.zone)
    shown = response.context["day_shown"].date if key == "day" else response.context[key]
    assert shown == expected(today)


def test_the_month_follows_the_shelters_calendar_across_the_clock_change(organisation, coordinator_client):
    """Summer time starts on 28 March 2027: a shift at 00:30 on the 29th is on the 29th, not the 28th."""
    line = LineFactory(organisation=organisation, min_volunteers=1, max_volunteers=1)
    for hour in range(14, 24):
        _shift(line, date(2027, 3, 28), hour=hour)
    late = _shift(line, date(2027, 3, 29), hour=0, minute=30)
    page = _month(coordinator_client, organisation, date(2027, 3, 1))
    assert "+2 till" in _day_cell(page, date(2027, 3, 28))
    monday = _day_cell(page, date(2027, 3, 29))
    assert _url(organisation, "rota_shift", pk=late.pk) in monday and "till" not in monday


def test_the_gaps_list_uses_the_same_words_and_stays_short(organisation, coordinator_client, monkeypatch):
    from shifts.views import rota

    monkeypatch.setattr(rota, "GAPS_SHOWN", 3)
    line = LineFactory(organisation=organisation, name="Jourtelefon", min_volunteers=2, max_volunteers=3)
    soon = timezone.localdate() + timedelta(days=2)
    for hour in range(10, 15):
        _staff(_shift(line, soon, hour=hour), 1)
    _staff(_shift(line, soon, hour=20), 2)
    page = coordinator_client.get(_url(organisation, "rota_gaps")).content.decode()
    assert page.count('class="shift-card ') == 3
    assert page.count("1 av 3") == 3 and page.count("Saknar 1") == 3
    assert "5 pass har färre ideella än minimiantalet. De första 3 visas." in page
    assert "Luckor de närmaste 4 veckorna" in page
