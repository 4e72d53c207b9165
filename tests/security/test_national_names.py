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

from members.models import Member, Role
from notices.kinds import kind_for, plan_due
from notices.models import Notice
from shifts.callouts import callout_send
from shifts.models import NationalVolunteer
from shifts.national import (
    national_invite,
    national_line_create,
    national_volunteers_set,
    participation_accept,
)
from shifts.services import shift_sign_up
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
@pytest.mark.parametrize("who", ["coordinator", "volunteer on the shift"])
def test_another_shelters_coordinator_and_volunteer_never_see_our_volunteers(world, who):
    member = (
        world.other_shelter
        if who == "coordinator"
        else world.national_line.national_volunteers.get(member__organisation=world.other_organisation).member
    )
    client = log_in(Client(), member)
    names = sorted(name for name, rule in ACCESS.items() if rule.method == "get")
    # Every URL at her own shelter's address (with our world's ids an object page is a 404 for her; the lists,
    # the rota, her own pages and her shelter's national pages answer).
    theirs = SimpleNamespace(**{**vars(world), "organisation": world.other_organisation})
    leaks, pages = _leaks(client, theirs, names, list(OURS))
    assert pages > 10 and not leaks, leaks
    if who != "coordinator":
        _name, mine = next(_bodies(client, theirs, ["shifts:portal_mine"]))
        assert mine.decode().count("en ideell från en annan jour") == 3  # Ingrid, our volunteer, Cornelia


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


def test_no_notice_names_a_volunteer_of_another_shelter(world):
    """Every notice planned around the national shift (reminders to all on it, shelter A's call-out to her own
    volunteer, B's volunteer taking the last place, and whatever else the planners find due), rendered for its
    recipient: no name from another shelter."""
    shift = world.national_shift
    shift.max_volunteers = 5  # four on it: one place left
    shift.save(update_fields=["max_volunteers"])
    line = world.national_line
    asked = MemberFactory(organisation=world.organisation, first_name="Ylva", last_name="Ytterberg")
    taker = MemberFactory(organisation=world.other_organisation, first_name="Gunvor", last_name="Grip")
    NationalVolunteer.objects.create(line=line, member=asked, added_by=world.coordinator)
    NationalVolunteer.objects.create(line=line, member=taker, added_by=world.other_shelter)
    with time_machine.travel(shift.starts_at - timedelta(hours=30), tick=False):
        callout_send(shift=shift, by=world.coordinator, members=[asked])
        shift_sign_up(shift=shift, member=taker)  # the last place: the call-out is filled
    for hours in (24, 2):
        moment = shift.starts_at - timedelta(hours=hours)
        with time_machine.travel(moment, tick=False):
            plan_due(moment)
    notices = list(Notice.objects.select_related("recipient"))
    kinds = {notice.kind for notice in notices}
    assert {"shift_reminder", "callout_ask"} <= kinds, kinds
    names: dict[int, set[str]] = {}
    for member in [*Member.objects.filter(assignments__shift=shift), asked]:
        names.setdefault(member.organisation_id, set()).update({member.first_name, member.last_name})
    leaks = []
    for notice in notices:
        message = kind_for(notice.kind).render(notice)
        text = " ".join((message.subject, message.text, message.html, message.sms))
        for shelter, theirs in names.items():
            if shelter != notice.recipient.organisation_id:
                leaks += [f"{notice.kind} to {notice.recipient}: {name}" for name in sorted(theirs) if name in text]
    assert not leaks, leaks
