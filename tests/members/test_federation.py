"""Federation operators create shelters and appoint their first admin from a page."""

import pytest
from django.core import mail
from django.urls import reverse

from core.models import Organisation, User
from members.models import Member, Role
from notices.tasks import dispatch_due_notices
from tests.conftest import log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    return log_in(client, User.objects.create_superuser(email="op@example.org", password=PASSWORD))


def test_operator_creates_a_shelter_and_its_admin_is_invited(operator_client):
    response = operator_client.post(
        reverse("federation:shelters"),
        {
            "name": "Kvinnojouren Norr",
            "slug": "norr",
            "time_zone": "Europe/Stockholm",
            "admin_first_name": "Greta",
            "admin_email": "Greta@Example.org",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(slug="norr")
    admin = Member.objects.get(organisation=organisation)
    assert admin.role == Role.ADMIN and admin.email == "greta@example.org"
    dispatch_due_notices()
    assert mail.outbox[0].to == ["greta@example.org"]


@pytest.mark.parametrize("slug", ["accounts", "admin", "healthz"])
def test_a_reserved_address_is_refused_with_a_message(operator_client, slug):
    response = operator_client.post(
        reverse("federation:shelters"),
        {"name": "X", "slug": slug, "time_zone": "Europe/Stockholm", "admin_first_name": "A", "admin_email": "a@b.se"},
    )
    assert response.status_code == 200
    assert "reserverad" in response.content.decode()
    assert not Organisation.objects.exists() and not User.objects.filter(email="a@b.se").exists()


def test_an_unknown_time_zone_is_refused(operator_client):
    response = operator_client.post(
        reverse("federation:shelters"),
        {"name": "X", "slug": "x", "time_zone": "Mars/Olympus", "admin_first_name": "A", "admin_email": "a@b.se"},
    )
    assert "Okänd tidszon" in response.content.decode()
    assert not Organisation.objects.exists()
