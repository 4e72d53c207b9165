"""The access table again, with another shelter's ids: every URL that names an object answers 404 when the
object belongs to another shelter, whoever asks (a 403 or a 200 would confirm that it exists)."""

from types import SimpleNamespace

import pytest
from django.urls import NoReverseMatch, reverse

from members.models import Role
from tests.access import FORBIDDEN
from tests.conftest import log_in
from tests.factories import MemberFactory, OrganisationFactory
from tests.test_access_table import ACCESS, TABLES

pytestmark = pytest.mark.django_db


def _world(organisation, other):
    return SimpleNamespace(
        organisation=organisation,
        other_organisation=other,
        volunteer=MemberFactory(organisation=organisation, role=Role.VOLUNTEER),
        coordinator=MemberFactory(organisation=organisation, role=Role.COORDINATOR),
        admin=MemberFactory(organisation=organisation, role=Role.ADMIN),
        other_shelter=MemberFactory(organisation=other, role=Role.COORDINATOR),
    )


@pytest.fixture
def worlds():
    """Two shelters, each with the objects every access table makes: ours and theirs."""
    ours, theirs = OrganisationFactory(slug="var-jour"), OrganisationFactory(slug="deras-jour")
    our_world, their_world = _world(ours, theirs), _world(theirs, ours)
    for table in TABLES:
        table.populate(our_world)
        table.populate(their_world)
    return our_world, their_world


def _in_an_organisation(name, rule, world) -> bool:
    """URLs under /<shelter>/ (an invitation's answer is the person's own, outside any shelter)."""
    try:
        reverse(name, kwargs={"organisation": world.organisation.slug, **rule.kwargs(world)})
    except NoReverseMatch:
        return False
    return True


def test_every_object_url_is_404_with_another_shelters_ids(client, worlds):
    ours, theirs = worlds
    object_urls = sorted(
        name for name, rule in ACCESS.items() if rule.kwargs(ours) and _in_an_organisation(name, rule, ours)
    )
    assert len(object_urls) >= 25  # the member register, trainings, rota, portal, notices and feeds
    wrong = []
    for name in object_urls:
        rule = ACCESS[name]
        # Our shelter's address, their object's id (or token).
        url = reverse(name, kwargs={"organisation": ours.organisation.slug, **rule.kwargs(theirs)}) + rule.query
        for role in ("volunteer", "coordinator", "admin"):
            log_in(client, getattr(ours, role))
            status = getattr(client, rule.method)(url).status_code
            # A role too low for the page is refused before any object is looked up; that says nothing.
            expected = FORBIDDEN if getattr(rule, role) == FORBIDDEN else 404
            if status != expected:
                wrong.append(f"{name} as {role}: {status}, expected {expected}")
            client.logout()
        if name == "shifts:calendar_feed":  # the token is the key: nobody is logged in
            status = client.get(url).status_code
            if status != 404:
                wrong.append(f"{name} anonymous: {status}")
    assert not wrong, "\n".join(wrong)


def test_their_objects_are_still_reachable_in_their_own_shelter(client, worlds):
    """The check above is not vacuous: the same ids work for the other shelter's own admin."""
    _ours, theirs = worlds
    reachable = 0
    for name, rule in sorted(ACCESS.items()):
        if not rule.kwargs(theirs) or rule.admin == FORBIDDEN or not _in_an_organisation(name, rule, theirs):
            continue
        url = reverse(name, kwargs={"organisation": theirs.organisation.slug, **rule.kwargs(theirs)}) + rule.query
        log_in(client, theirs.admin)
        assert getattr(client, rule.method)(url).status_code == rule.admin, name
        reachable += 1
    assert reachable >= 20


def test_an_id_beyond_the_databases_range_is_404_not_a_server_error(client, worlds):
    """A half-copied or probing link with a 20-digit id: no object, so 404 (Django answers an out-of-range
    integer lookup with no rows rather than letting the database overflow)."""
    ours, _theirs = worlds
    huge = 10**20
    tried, wrong = 0, []
    for name, rule in sorted(ACCESS.items()):
        kwargs = rule.kwargs(ours)
        ids = {key: huge for key, value in kwargs.items() if isinstance(value, int)}
        if not ids:
            continue
        ones = {**kwargs, **dict.fromkeys(ids, 1)}
        if _in_an_organisation(name, rule, ours):
            ones["organisation"] = ours.organisation.slug
        url = reverse(name, kwargs=ones)
        for _ in ids:  # each id in the path, one after the other
            url = url.replace("/1/", f"/{huge}/", 1)
        log_in(client, ours.admin)
        status = getattr(client, rule.method)(url).status_code
        tried += 1
        if status != 404:
            wrong.append(f"{name} {url}: {status}")
    assert tried >= 30
    assert not wrong, "\n".join(wrong)
