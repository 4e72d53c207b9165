"""Names never cross a shelter border on the national rota (issue 20). Three shelters take part in a national line
and their volunteers share its shifts. Every page, htmx fragment, feed and download of the access tables is opened
as every role of the first shelter, as a coordinator of the second, and as the federation's operator; none may
show a name of a volunteer of another shelter (the operator: of any shelter). Her own shelter's colleagues are
still named to her, so the crawl is not vacuous."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.test import Client

from members.models import Role
from shifts.national import (
    national_invite,
    national_line_create,
    national_volunteers_set,
    participation_accept,
)
from tests.access import OK
from tests.conftest import log_in
from tests.factories import NOW, AssignmentFactory, MemberFactory, OrganisationFactory, ShiftFactory, UserFactory
from tests.security.test_cross_shelter_ids import _world
from tests.test_access_table import ACCESS, TABLES
from tests.test_access_table import _url as access_url

pytestmark = pytest.mark.django_db

# Names no one else uses in the access tables' world, so a hit is a leak.
THEIRS = {"Britt-Marie": "Bergsdotter", "Cornelia": "Cedergren"}
OURS = ("Ingrid", "Isaksdotter")


@pytest.fixture
def world():
    a, b, c = (OrganisationFactory(slug=slug) for slug in ("jour-a-nat", "jour-b-nat", "jour-c-nat"))
    world = _world(a, b)
    for table in TABLES:
        table.populate(world)
    operator = UserFactory(is_staff=True)
    line = national_line_create(by=operator, name="Sommarchatt", kind="chat", max_volunteers=4, needs_pledge=False)
    national_invite(line=line, organisations=[a, b, c], by=operator)
    ingrid = MemberFactory(organisation=a, first_name=OURS[0], last_name=OURS[1])
    people = {a: [world.volunteer, ingrid]}
    for shelter, (first, last) in zip((b, c), THEIRS.items(), strict=True):
        people[shelter] = [MemberFactory(organisation=shelter, first_name=first, last_name=last)]
    coordinators = {a: world.coordinator, b: world.other_shelter}
    shift = ShiftFactory(line=line, starts_at=NOW + timedelta(days=2))
    for shelter, volunteers in people.items():
        coordinator = coordinators.get(shelter) or MemberFactory(organisation=shelter, role=Role.COORDINATOR)
        participation_accept(participation=line.participations.get(organisation=shelter), by=coordinator)
        national_volunteers_set(line=line, members=volunteers, by=coordinator)
        for volunteer in volunteers:
            AssignmentFactory(shift=shift, member=volunteer)
    world.operator, world.national_line, world.national_operator_line = operator, line, line
    world.national_shift = shift
    return world


def _bodies(client, world, names):
    for name in names:
        rule = ACCESS[name]
        url = access_url(name, rule, world)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):  # the full page and the htmx fragment
            response = client.get(url, **headers)
            if response.status_code == OK:
                yield name, b"".join(response) if response.streaming else response.content


def _leaks(client, world, names, forbidden) -> tuple[list[str], int]:
    leaks, pages = [], 0
    for name, body in _bodies(client, world, names):
        pages += 1
        text = body.decode("utf-8", errors="replace")
        leaks += [f"{name}: {word}" for word in forbidden if word in text]
    return leaks, pages


@time_machine.travel(NOW - timedelta(days=1), tick=False)
@pytest.mark.parametrize("role", ["volunteer", "coordinator", "admin"])
def test_no_page_of_her_shelter_names_another_shelters_volunteer(world, role):
    client = log_in(Client(), getattr(world, role))
    names = sorted(name for name, rule in ACCESS.items() if rule.method == "get" and getattr(rule, role) == OK)
    forbidden = [word for pair in THEIRS.items() for word in pair]
    leaks, pages = _leaks(client, world, names, forbidden)
    assert pages > 20 and not leaks, leaks
    # Not vacuous: her shelter's colleague on the national shift is named to her (first name on "my shifts").
    _name, mine = next(_bodies(client, world, ["shifts:portal_mine"]))
    if role == "volunteer":
        assert OURS[0] in mine.decode() and "en ideell från en annan jour" in mine.decode()


@time_machine.travel(NOW - timedelta(days=1), tick=False)
def test_another_shelters_coordinator_never_sees_our_volunteers(world):
    client = log_in(Client(), world.other_shelter)
    names = sorted(name for name, rule in ACCESS.items() if rule.method == "get")
    # Every URL at her own shelter's address (with our world's ids an object page is a 404 for her; the lists,
    # the rota and her shelter's national pages answer).
    theirs = SimpleNamespace(**{**vars(world), "organisation": world.other_organisation})
    leaks, pages = _leaks(client, theirs, names, list(OURS))
    assert pages > 10 and not leaks, leaks


@time_machine.travel(NOW - timedelta(days=1), tick=False)
def test_the_operator_sees_counts_never_names(world):
    client = log_in(Client(), world.operator)
    names = sorted(
        name for name, rule in ACCESS.items() if rule.method == "get" and ("federation" in name or "national" in name)
    )
    everyone = list(OURS) + [word for pair in THEIRS.items() for word in pair]
    leaks, pages = _leaks(client, world, names, everyone)
    assert not leaks, leaks
    assert pages >= 1
