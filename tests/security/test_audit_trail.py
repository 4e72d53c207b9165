"""The admins' audit trail: changes of members' personal data and exports, her shelter only, paginated with
a constant number of queries."""

from datetime import date

import pytest
from auditlog.context import set_actor
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import log_export
from members.models import Role
from members.services import interview_record, member_update
from members.views.audit import PAGE_SIZE
from tests.conftest import log_in
from tests.factories import MemberFactory
from trainings.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db


def _page(client, organisation, page=1):
    return client.get(reverse("members:audit_trail", kwargs={"organisation": organisation.slug}), {"page": page})


def test_admin_sees_who_changed_what_and_who_exported(client, organisation, admin_member, coordinator):
    member = MemberFactory(organisation=organisation, role=Role.VOLUNTEER, first_name="Greta", phone="")
    with set_actor(coordinator.user):  # what AuditlogMiddleware does for a request
        member_update(member=member, by=coordinator, status="paused", phone="070-999 88 77")
    log_export(obj=organisation, what="member list (csv)", by=coordinator)
    log_in(client, admin_member)
    html = _page(client, organisation).content.decode()
    assert "Granskningslogg" in html
    assert "Ändrad" in html and "Status: Aktiv → Vilande" in html
    assert "Telefon: – → ändrad (visas inte)" in html
    assert "Exporterad" in html and "Medlemslista (CSV)" in html
    assert coordinator.first_name in html  # who did it
    assert "998877" not in html and "example.org" not in html  # contact data is not shown, not even masked


def test_onboarding_payments_and_training_records_say_whose_they_are(client, organisation, admin_member, coordinator):
    member = MemberFactory(organisation=organisation, first_name="Ingrid", last_name="Lund")
    course = Course.objects.filter(organisation=organisation).order_by("pk").first()
    with set_actor(coordinator.user):
        interview_record(member=member, held_on=date(2026, 1, 5), by=coordinator)
        TrainingRecord(member=member, course=course, completed_on=date(2026, 1, 6)).save()
    log_in(client, admin_member)
    html = _page(client, organisation).content.decode()
    assert f"Ingrid Lund: {course.name} 2026-01-06" in html
    assert html.count("Ingrid Lund: ") >= 2  # the interview too


def test_another_shelters_changes_are_not_shown(client, organisation, other_organisation, admin_member):
    stranger = MemberFactory(organisation=other_organisation, first_name="Främlingen")
    member_update(member=stranger, status="paused")
    log_export(obj=other_organisation, what="member list (csv)", by=stranger)
    log_in(client, admin_member)
    html = _page(client, organisation).content.decode()
    assert "Främlingen" not in html and "Medlemslista (CSV)" not in html


def test_the_page_is_in_the_admins_navigation_only(client, organisation, admin_member, coordinator):
    url = reverse("members:audit_trail", kwargs={"organisation": organisation.slug})
    portal = reverse("members:portal", kwargs={"organisation": organisation.slug})
    assert url in log_in(client, admin_member).get(portal).content.decode()
    assert url not in log_in(client, coordinator).get(portal).content.decode()


def _queries(client, organisation, page=1) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert _page(client, organisation, page).status_code == 200
    return len(queries)


def test_constant_query_count_and_pages(client, organisation, admin_member, coordinator):
    members = [MemberFactory(organisation=organisation) for _ in range(3)]
    log_in(client, admin_member)
    for n, member in enumerate(members):
        with set_actor(coordinator.user):
            member_update(member=member, by=coordinator, notes=f"första {n}")
    _queries(client, organisation)  # the first request of a session also sets its timeout by role
    few = _queries(client, organisation)
    for n in range(PAGE_SIZE + 10):
        actor = coordinator if n % 2 else admin_member
        with set_actor(actor.user):
            member_update(member=members[n % 3], by=actor, notes=f"anteckning {n}")
    many = _queries(client, organisation)
    assert many == few, (few, many)
    second = _page(client, organisation, page=2).content.decode()
    assert "2 / 2" in second
