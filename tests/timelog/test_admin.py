"""The Django admin for the federation's operator: kinds can be looked at and renamed, entries only read, and no
member's name shows on an entry."""

import pytest
from django.urls import reverse

from tests.conftest import log_in
from tests.factories import MemberFactory, UserFactory

from .factories import TimeEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    return log_in(client, UserFactory(email="operator@jourplan.test", is_staff=True, is_superuser=True))


def test_the_operator_reads_entries_without_names_and_cannot_change_them(operator_client, organisation):
    entry = TimeEntryFactory(member=MemberFactory(organisation=organisation, first_name="Vanja", last_name="Ek"))

    listing = operator_client.get(reverse("admin:timelog_timeentry_changelist"))
    page = operator_client.get(reverse("admin:timelog_timeentry_change", args=[entry.pk]))

    assert listing.status_code == 200 and page.status_code == 200
    assert "Vanja" not in listing.content.decode() and "Vanja" not in page.content.decode()
    assert operator_client.get(reverse("admin:timelog_timeentry_add")).status_code == 403
    assert (
        operator_client.post(reverse("admin:timelog_timeentry_change", args=[entry.pk]), {"hours": "9"}).status_code
        == 403
    )
    assert operator_client.get(reverse("admin:timelog_timeentry_delete", args=[entry.pk])).status_code == 403
    entry.refresh_from_db()
    assert entry.hours == 2


def test_the_operator_sees_the_kinds(operator_client, organisation):
    entry = TimeEntryFactory(member=MemberFactory(organisation=organisation))
    assert operator_client.get(reverse("admin:timelog_timekind_changelist")).status_code == 200
    assert operator_client.get(reverse("admin:timelog_timekind_change", args=[entry.kind.pk])).status_code == 200
    assert operator_client.get(reverse("admin:timelog_timekind_delete", args=[entry.kind.pk])).status_code == 403
