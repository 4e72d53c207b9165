"""Query strings are typed by anyone (an old bookmark, a half-copied link, a probe): whatever they hold, a page
answers with its default or a refusal, never a server error.

The property test walks every GET URL of the access tables with every role that may open it (and an
installation operator), with generated query strings and the values that used to answer 500 as examples.
The world is built once for the module (inside a transaction rolled back at the end) to keep it fast."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.models import User
from core.params import MAX_YEAR, MIN_YEAR, parse_date, parse_int, parse_month
from tests.access import FORBIDDEN, LOGIN, NOT_FOUND
from tests.conftest import log_in
from tests.test_access_table import ACCESS, _url, build_world

pytestmark = pytest.mark.django_db

# Values that answered 500 before the tolerant parsers (issue 13), and their kin. The pages read each parameter
# on its own, so one query string carries several; a form's fields (on, courses) go one at a time, since one
# invalid field makes the whole filter form invalid and would hide the next.
KNOWN_BAD = [
    "month=9999-12&week=9999-12-31&weeks=²&year=²&line=²&page=²",
    "month=1-1&week=0001-01-01&weeks=99999999999999999999999&year=99999&line=99999999999999999999999&page=-1",
    "month=2026-13&week=2026-02-30&weeks=-1&year=-2026&line=-1&status=²&role=%00&paid=²&onboarding=²",
    "month=٢٠٢٦-٠٥&week=٢٠٢٦-٠٥-٠١&weeks=٣&year=٢٠٢٦&line=١&page=٣&q=%00",
    "on=9999-12-31",
    "on=0001-01-01",
    "courses=99999999999999999999999",
    "courses=²&courses=-1",
]
# The names the pages read, so generated strings reach the parsers and forms, not only unknown keys.
KNOWN_KEYS = [
    "month",
    "week",
    "weeks",
    "year",
    "line",
    "page",
    "q",
    "status",
    "role",
    "paid",
    "onboarding",
    "on",
    "courses",
]
ODD_VALUES = [
    "",
    "²",
    "٣",
    "-1",
    "0",
    "1e9",
    "9" * 30,
    "9999-12",
    "9999-12-31",
    "0000-00-00",
    "1-1",
    "2026-W18",
    "2026-02-30",
    "\x00",
    "\u202e",
    "None",
]

key_text = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=12))
value_text = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=24),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.dates().map(date.isoformat),
    st.dates().map(lambda d: f"{d.year}-{d.month}"),
)
encoded = st.lists(st.tuples(key_text, value_text), max_size=4).map(urlencode)
# Unencoded strings too: broken percent escapes ("%ff", "%zz"), bare "&" and "=".
raw = st.text(alphabet="%&=;+#?/09azAZ²fF", max_size=20)
query_strings = st.one_of(encoded, raw)


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """The access tables' world plus an operator, built once; rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.operator = User.objects.create_superuser(email="operator@example.org", password="x-Lösenord-1")
        yield world
        transaction.set_rollback(True)


def _may_open(rule, role: str) -> bool:
    if role == "operator":  # an operator of the installation, no member of any shelter
        operators_pages = tuple(rule for name, rule in ACCESS.items() if name.startswith(("federation", "national:")))
        return any(rule is page for page in operators_pages) or rule.anonymous not in (LOGIN, NOT_FOUND)
    return getattr(rule, role) not in (LOGIN, FORBIDDEN, NOT_FOUND)


def _urls(world, role: str) -> list[str]:
    urls = [
        _url(name, rule, world)
        for name, rule in sorted(ACCESS.items())
        if rule.method == "get" and not rule.query and _may_open(rule, role)
    ]
    assert urls, role
    return urls


# The known bad strings walk each URL once, as the highest role that may open it: the pages parse their
# parameters the same way for every role (a role changes what is shown, not how a parameter is read).
WALK_ORDER = ["admin", "coordinator", "volunteer"]


def _urls_first_walked_by(world, role: str) -> list[str]:
    urls = _urls(world, role)
    if role not in WALK_ORDER:
        return urls
    higher = {url for other in WALK_ORDER[: WALK_ORDER.index(role)] for url in _urls(world, other)}
    return [url for url in urls if url not in higher]


EVERY_URL = -1
URLS_PER_EXAMPLE = 6
QUERY_EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _with_known_bad(test):
    """Each known bad query string on every URL the role may open."""
    for query in KNOWN_BAD:
        test = example(query=query, pick=EVERY_URL)(test)
    return test


@pytest.mark.parametrize("role", ["volunteer", "coordinator", "admin", "operator"])
@QUERY_EXAMPLES
@_with_known_bad
@given(query=query_strings, pick=st.integers(min_value=0, max_value=10**6))
def test_no_query_string_makes_a_page_fail(shared_world, client, role, query, pick):
    """A generated query string goes to a few of the role's URLs (chosen by `pick`, so the walk stays short
    and a failure shrinks to one URL); the known bad ones to every URL, each once, as the highest role that may
    open it."""
    log_in(client, getattr(shared_world, role))
    urls = _urls(shared_world, role)
    if pick == EVERY_URL:
        urls = _urls_first_walked_by(shared_world, role)
    else:
        urls = [urls[(pick + step * 7919) % len(urls)] for step in range(min(URLS_PER_EXAMPLE, len(urls)))]
    failed = []
    for url in urls:
        response = client.get(f"{url}?{query}")
        if response.status_code >= 500:
            failed.append(f"{url}?{query}: {response.status_code}")
    assert not failed, failed


def test_the_known_bad_strings_reach_every_url_some_role_may_open(shared_world):
    walked = [url for role in (*WALK_ORDER, "operator") for url in _urls_first_walked_by(shared_world, role)]
    every = {url for role in (*WALK_ORDER, "operator") for url in _urls(shared_world, role)}
    assert set(walked) == every
    assert len(walked) < sum(len(_urls(shared_world, role)) for role in (*WALK_ORDER, "operator"))


def test_the_property_test_reaches_the_pages_with_parameters(shared_world):
    """Not vacuous: the walk includes the pages that read month, week, weeks, year and line."""
    urls = _urls(shared_world, "coordinator")
    for name in ("shifts:rota_month", "shifts:rota_week", "shifts:rota_gaps", "shifts:statistics", "trainings:matrix"):
        assert reverse(name, kwargs={"organisation": shared_world.organisation.slug}) in urls
    assert reverse("federation:shelters") in _urls(shared_world, "operator")


# -- what she sees: a bad value shows the default page -------------------------------------------------


def _page(client, world, name, query):
    log_in(client, world.coordinator)
    response = client.get(reverse(name, kwargs={"organisation": world.organisation.slug}) + query)
    assert response.status_code == 200, (name, query, response.status_code)
    return response


@pytest.mark.parametrize("query", ["?month=9999-12", "?month=1-1", "?month=2026-13", "?month=²⁰²⁶-05", "?month="])
def test_a_bad_month_shows_this_month(shared_world, client, query):
    response = _page(client, shared_world, "shifts:rota_month", query)
    assert response.context["first"] == timezone.localdate(timezone=shared_world.organisation.zone).replace(day=1)


def test_a_good_month_is_shown(shared_world, client):
    response = _page(client, shared_world, "shifts:rota_month", "?month=2031-07")
    assert response.context["first"] == date(2031, 7, 1)
    assert (response.context["previous"], response.context["following"]) == ("2031-06", "2031-08")


@pytest.mark.parametrize("query", ["?week=9999-12-31", "?week=0001-01-01", "?week=2026-02-30", "?week=²"])
def test_a_bad_week_shows_this_week(shared_world, client, query):
    response = _page(client, shared_world, "shifts:rota_week", query)
    today = timezone.localdate(timezone=shared_world.organisation.zone)
    assert response.context["monday"] == date.fromordinal(today.toordinal() - today.weekday())


@pytest.mark.parametrize(("query", "weeks"), [("?weeks=²", 4), ("?weeks=0", 1), ("?weeks=8", 8), ("?weeks=999", 52)])
def test_the_gaps_page_reads_weeks_tolerantly(shared_world, client, query, weeks):
    assert _page(client, shared_world, "shifts:rota_gaps", query).context["weeks"] == weeks


@pytest.mark.parametrize("query", ["?year=²", "?year=99999", "?year=-1", "?year=1"])
def test_a_bad_year_shows_this_years_statistics(shared_world, client, query):
    response = _page(client, shared_world, "shifts:statistics", query)
    assert response.context["year"] == timezone.localdate(timezone=shared_world.organisation.zone).year


@pytest.mark.parametrize("query", ["?line=²", "?line=-1", "?line=99999999999999999999999"])
def test_a_bad_line_shows_every_line(shared_world, client, query):
    assert _page(client, shared_world, "shifts:rota_month", query).context["line"] is None


def test_an_unknown_line_is_not_found(shared_world, client):
    log_in(client, shared_world.coordinator)
    url = reverse("shifts:rota_month", kwargs={"organisation": shared_world.organisation.slug})
    assert client.get(f"{url}?line=987654321").status_code == 404


def test_the_chosen_line_is_shown(shared_world, client):
    line = shared_world.rota_line
    assert _page(client, shared_world, "shifts:rota_week", f"?line={line.pk}").context["line"] == line


# -- the parsers themselves -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", "²", "١٢", "-3", "+3", " 3x", "3.0", "1e3", "9" * 40, "0x10", "\x00", "３"])
def test_parse_int_gives_the_default_for_anything_unusable(text):
    assert parse_int(text, 7, lo=1, hi=100) == 7


def test_parse_int_takes_ascii_digits_in_range_and_clamps_when_asked():
    assert parse_int("42", 7, lo=1, hi=100) == 42
    assert parse_int("420", 7, lo=1, hi=100) == 7
    assert parse_int("420", 7, lo=1, hi=100, clamp=True) == 100


@pytest.mark.parametrize(
    "text",
    [
        "9999-12",
        "1-1",
        "0001-01",
        f"{MAX_YEAR + 1}-01",
        f"{MIN_YEAR - 1}-12",
        "2026-00",
        "2026-13",
        "2026-1-1",
        "٢٠٢٦-٠٥",
        "2026/05",
    ],
)
def test_parse_month_gives_the_default_for_unusable_months(text):
    assert parse_month(text, date(2026, 5, 1)) == date(2026, 5, 1)


@pytest.mark.parametrize(
    "text", ["9999-12-31", "0001-01-01", "2026-02-30", "2026-13-01", f"{MAX_YEAR + 1}-01-01", "²⁰²⁶-05-01", "x"]
)
def test_parse_date_gives_the_default_for_unusable_dates(text):
    assert parse_date(text, date(2026, 5, 4)) == date(2026, 5, 4)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=12))
def test_every_accepted_month_and_date_has_representable_neighbours(text):
    for value in (parse_month(text, None), parse_date(text, None)):
        if value is not None:
            # The pages link the month/week/year before and after, and show a six-week grid around it.
            assert date(MIN_YEAR - 1, 1, 1) < value < date(MAX_YEAR + 1, 12, 31)
            assert date.fromordinal(value.toordinal() - 400) and date.fromordinal(value.toordinal() + 400)
