"""Every URL pattern of the project, tried with every role. A URL missing from the tables fails."""

from importlib import import_module
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from members.models import Role
from tests.access import LOGIN, ROLES
from tests.conftest import signed_in_session
from tests.factories import MemberFactory, OrganisationFactory

# Every tests/<app>/access_table*.py module contributes ACCESS rules and a populate(world) hook.
TABLES = [
    import_module(f"tests.{path.parent.name}.{path.stem}")
    for path in sorted(Path(__file__).parent.glob("*/access_table*.py"))
]
ACCESS = {name: rule for table in TABLES for name, rule in table.ACCESS.items()}

# Third-party URL sets that guard themselves (allauth's login/MFA pages, the Django admin behind
# allauth's login and the second-factor middleware) and the language switch (POST, no data).
THIRD_PARTY_MODULES = ("allauth.", "django.contrib.admin", "django.views.i18n", "django.views.static")


def project_url_names():
    names = set()

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":  # the Django admin: staff only, behind allauth's login + MFA
                    continue
                walk(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern):
                module = getattr(entry.callback, "__module__", "")
                if module.startswith(THIRD_PARTY_MODULES) or not entry.name:
                    continue
                names.add(f"{namespace}{entry.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_in_the_access_table():
    missing = project_url_names() - set(ACCESS)
    assert not missing, f"URLs without an access rule (add them to tests/<app>/access_table.py): {sorted(missing)}"


def test_the_access_table_names_no_url_that_does_not_exist():
    assert set(ACCESS) - project_url_names() == set()


def build_world() -> SimpleNamespace:
    """Two shelters, the four roles, and the objects every access table's populate() makes."""
    organisation = OrganisationFactory(slug="tillgang")
    other = OrganisationFactory(slug="annan-tillgang")
    world = SimpleNamespace(
        organisation=organisation,
        other_organisation=other,
        volunteer=MemberFactory(organisation=organisation, role=Role.VOLUNTEER),
        coordinator=MemberFactory(organisation=organisation, role=Role.COORDINATOR),
        admin=MemberFactory(organisation=organisation, role=Role.ADMIN),
        other_shelter=MemberFactory(organisation=other, role=Role.COORDINATOR),
    )
    for table in TABLES:
        table.populate(world)
    return world


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """Built once for the module (in a transaction rolled back at its end); each test runs in its own savepoint,
    so what a request changes is undone before the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.sessions = {role: signed_in_session(getattr(world, role)) for role in ROLES if role != "anonymous"}
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db):
    return shared_world


def _url(name, rule, world):
    kwargs = dict(rule.kwargs(world))
    try:
        return reverse(name, kwargs={"organisation": world.organisation.slug, **kwargs}) + rule.query
    except NoReverseMatch:  # not a URL inside a shelter
        return reverse(name, kwargs=kwargs or None) + rule.query


@pytest.mark.parametrize("name", sorted(ACCESS))
@pytest.mark.parametrize("role", ROLES)
def test_access(name, role, world, client):
    rule = ACCESS[name]
    url = _url(name, rule, world)
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]  # her login, made once for the module
    response = getattr(client, rule.method)(url)
    expected = getattr(rule, role)
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (
            url,
            response.status_code,
        )
    else:
        assert response.status_code == expected, (url, role, response.status_code)
