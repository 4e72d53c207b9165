"""Sessions: inactivity timeouts by role, and every way a login loses access ends her sessions at once."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from members.gdpr import member_erase
from members.imports import MEMBERS, import_confirm
from members.models import MemberStatus, Role
from members.services import member_mark_left, member_update
from tests.conftest import log_in
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def _portal(organisation):
    return reverse("members:portal", kwargs={"organisation": organisation.slug})


def _signed_in(client, organisation) -> bool:
    response = client.get(_portal(organisation))
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
        return False
    assert response.status_code == 200
    return True


@pytest.mark.parametrize(
    ("role", "age"),
    [(Role.VOLUNTEER, 12 * 60 * 60), (Role.COORDINATOR, 2 * 60 * 60), (Role.ADMIN, 2 * 60 * 60)],
)
def test_sessions_end_after_inactivity_sooner_for_coordinators_and_admins(client, organisation, role, age):
    member = MemberFactory(organisation=organisation, role=role)
    log_in(client, member)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _signed_in(client, organisation)
        assert client.session.get_expiry_age() == age
    # Activity renews the timeout: a request just before it runs out keeps her in for another period.
    with time_machine.travel(start + timedelta(seconds=age - 60), tick=False):
        assert _signed_in(client, organisation)
    with time_machine.travel(start + timedelta(seconds=2 * age - 120), tick=False):
        assert _signed_in(client, organisation)
    # Then a full period of inactivity: she is logged out.
    with time_machine.travel(start + timedelta(seconds=3 * age), tick=False):
        assert not _signed_in(client, organisation)


def test_her_activity_renews_the_session_at_most_once_a_minute(client, organisation):
    """The expiry moves forward with her activity, but a request within a minute of the last renewal writes
    nothing: no UPDATE of the session on every page."""
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        log_in(client, MemberFactory(organisation=organisation, role=Role.VOLUNTEER))
        assert _signed_in(client, organisation)
    expiry = Session.objects.get().expire_date
    with time_machine.travel(start + timedelta(seconds=30), tick=False), CaptureQueriesContext(connection) as queries:
        assert _signed_in(client, organisation)
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get().expire_date == expiry
    with time_machine.travel(start + timedelta(seconds=90), tick=False):
        assert _signed_in(client, organisation)
    assert Session.objects.get().expire_date == expiry + timedelta(seconds=90)


def test_the_timeouts_come_from_the_settings(client, organisation, settings):
    settings.COORDINATOR_SESSION_AGE = 600
    log_in(client, MemberFactory(organisation=organisation, role=Role.COORDINATOR))
    assert _signed_in(client, organisation)
    assert client.session.get_expiry_age() == 600


def test_changing_her_password_ends_her_other_sessions(client, django_user_model, organisation):
    from django.test import Client

    member = MemberFactory(organisation=organisation, role=Role.VOLUNTEER)
    phone, laptop = Client(), client
    for device in (phone, laptop):
        response = device.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
        assert response.status_code == 302
        assert _signed_in(device, organisation)
    response = laptop.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "ett-nytt-långt-lösenord-7", "password2": "ett-nytt-långt-lösenord-7"},
    )
    assert response.status_code == 302
    assert not _signed_in(phone, organisation)  # the stolen phone is out


def _demote(member):
    member_update(member=member, role=Role.VOLUNTEER)


def _leave_by_edit(member):
    member_update(member=member, status=MemberStatus.LEFT)


def _leave(member):
    member_mark_left(member=member)


def _erase(member):
    from members.models import Member

    Member.objects.filter(pk=member.pk).update(status=MemberStatus.LEFT)
    member.refresh_from_db()
    member_erase(member=member)


def _demote_by_import(member):
    content = f"förnamn;efternamn;e-post;roll\n{member.first_name};{member.last_name};{member.email};ideell\n"
    admin = MemberFactory(organisation=member.organisation, role=Role.ADMIN)  # only an admin changes a coordinator
    import_confirm(kind=MEMBERS, organisation=member.organisation, content=content.encode(), by=admin)


@pytest.mark.parametrize("lose_access", [_demote, _leave_by_edit, _leave, _erase, _demote_by_import])
def test_losing_her_role_ends_her_sessions(client, organisation, lose_access):
    member = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    log_in(client, member)
    assert _signed_in(client, organisation)
    lose_access(member)
    response = client.get(_portal(organisation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_change_that_takes_nothing_away_keeps_her_signed_in(client, organisation):
    member = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    log_in(client, member)
    member_update(member=member, phone="070-123 45 67", role=Role.ADMIN)
    assert _signed_in(client, organisation)


def test_a_session_begun_before_the_timeouts_gets_one_at_its_next_request(client, organisation):
    from members.sessions import SESSION_AGE_KEY

    log_in(client, MemberFactory(organisation=organisation, role=Role.ADMIN))
    session = client.session
    del session[SESSION_AGE_KEY]
    session.set_expiry(None)
    session.save()
    assert _signed_in(client, organisation)
    assert client.session.get_expiry_age() == 2 * 60 * 60
