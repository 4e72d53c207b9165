"""`manage.py seed_federation` fills a load-test database with shelters that work like real ones."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from core.models import Organisation
from members.models import Member, Role
from shifts.models import Assignment, Shift
from tests.conftest import log_in

pytestmark = pytest.mark.django_db


def test_it_refuses_a_database_not_named_for_it():
    with pytest.raises(CommandError, match='must contain "fed"'):
        call_command("seed_federation", shelters=1, volunteers=2)
    assert not Organisation.objects.filter(slug__startswith="fed-").exists()


def test_seeded_shelters_have_members_shifts_and_working_pages(client):
    out = StringIO()
    call_command("seed_federation", shelters=2, volunteers=4, database_name_check="off", stdout=out)
    assert "Seeded 2 shelters" in out.getvalue()
    organisations = Organisation.objects.filter(slug__startswith="fed-")
    assert organisations.count() == 2
    first = organisations.order_by("slug").first()
    assert Member.objects.filter(organisation=first, role=Role.VOLUNTEER).count() == 4
    assert Shift.objects.filter(line__organisation=first).exists()
    assert Assignment.objects.filter(shift__line__organisation=first).exists()
    # Each shelter's coordinator sees its own rota; the second run adds nothing.
    coordinator = Member.objects.filter(organisation=first, role=Role.COORDINATOR).first()
    log_in(client, coordinator)
    assert client.get(reverse("shifts:rota_month", kwargs={"organisation": first.slug})).status_code == 200
    with pytest.raises(CommandError, match="already here"):
        call_command("seed_federation", shelters=2, volunteers=4, database_name_check="off")
    assert organisations.count() == 2
