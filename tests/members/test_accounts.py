"""Logging in, invitations, closed sign-up and the required second factor."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from core.models import User
from members.models import Member, Role
from notices.tasks import dispatch_due_notices
from tests.conftest import log_in
from tests.factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password_lands_in_her_shelter(client, volunteer):
    response = client.post(reverse("account_login"), {"login": volunteer.user.email, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == f"/{volunteer.organisation.slug}/"
    assert "Vera" in response.content.decode()


def test_login_page_is_swedish_by_default(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert 'lang="sv"' in response.content.decode()
    assert "Logga in" in response.content.decode()


def test_wrong_password_is_refused(client, volunteer):
    response = client.post(reverse("account_login"), {"login": volunteer.user.email, "password": "fel-lösenord"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "signup_closed" in [t.name.split("/")[-1].removesuffix(".html") for t in response.templates] or (
        "stängd" in response.content.decode().lower()
    )
    client.post(reverse("account_signup"), {"email": "new@example.org", "password1": "x" * 12, "password2": "x" * 12})
    assert not User.objects.filter(email="new@example.org").exists()


def _invite(coordinator_client, organisation, email="ny@example.org"):
    return coordinator_client.post(
        reverse("members:invite", kwargs={"organisation": organisation.slug}),
        {"first_name": "Nora", "last_name": "Ny", "email": email, "role": Role.VOLUNTEER},
    )


def _invitation_link():
    dispatch_due_notices()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    return message, re.search(r"http://\S+", message.body).group(0)


def test_invite_set_password_and_land_in_the_portal(client, coordinator_client, organisation):
    response = _invite(coordinator_client, organisation)
    assert response.status_code == 302
    member = Member.objects.get(email="ny@example.org")
    assert member.user is not None and not member.user.has_usable_password()

    message, link = _invitation_link()
    assert organisation.name not in message.subject and organisation.name not in message.body
    assert message.to == ["ny@example.org"]

    client.logout()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    action = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(action, {"password1": "ett-långt-lösenord-9", "password2": "ett-långt-lösenord-9"})
    assert response.status_code == 302
    portal = client.get(reverse("home"), follow=True)
    assert portal.redirect_chain[-1][0] == f"/{organisation.slug}/"
    assert "Nora" in portal.content.decode()

    # The link is single use: a second visit gets a clear page.
    client.logout()
    again = client.get(link, follow=True)
    assert "Länken fungerar inte längre" in again.content.decode()


def test_expired_invitation_gets_a_clear_page(client, coordinator_client, organisation, settings):
    import time_machine

    _invite(coordinator_client, organisation)
    _, link = _invitation_link()
    client.logout()
    with time_machine.travel(60 * 60 * 24 * 30, tick=False):  # far beyond PASSWORD_RESET_TIMEOUT
        pass
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.get(link, follow=True)
    assert "Länken fungerar inte längre" in page.content.decode()


def test_inviting_an_existing_email_of_the_shelter_is_refused(coordinator_client, organisation, volunteer):
    response = _invite(coordinator_client, organisation, email=volunteer.email)
    assert response.status_code == 200
    assert "finns redan" in response.content.decode()
    assert Member.objects.filter(email=volunteer.email).count() == 1


def test_coordinator_without_second_factor_must_set_it_up(client, coordinator):
    log_in(client, coordinator, second_factor=False)
    response = client.get(reverse("members:portal", kwargs={"organisation": coordinator.organisation.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_coordinator_with_totp_must_use_it(client, coordinator):
    Authenticator.objects.create(user=coordinator.user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    log_in(client, coordinator, second_factor=False)
    response = client.get(reverse("members:portal", kwargs={"organisation": coordinator.organisation.slug}))
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_admin_site_needs_second_factor_too(client):
    operator = User.objects.create_superuser(email="op@example.org", password=PASSWORD)
    log_in(client, operator, second_factor=False)
    assert client.get("/admin/")["Location"].startswith(reverse("mfa_activate_totp"))
    log_in(client, operator)
    assert client.get("/admin/").status_code == 200


def test_volunteer_needs_no_second_factor(client, volunteer):
    log_in(client, volunteer, second_factor=False)
    assert (
        client.get(reverse("members:portal", kwargs={"organisation": volunteer.organisation.slug})).status_code == 200
    )


def test_another_shelters_urls_are_404(client, volunteer, other_organisation):
    log_in(client, volunteer)
    assert client.get(reverse("members:portal", kwargs={"organisation": other_organisation.slug})).status_code == 404
    assert client.get("/no-such-shelter/").status_code == 404


def test_a_person_in_two_shelters_chooses(client, volunteer, other_organisation):
    MemberFactory(organisation=other_organisation, user=volunteer.user, email=volunteer.email)
    log_in(client, volunteer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert other_organisation.name in response.content.decode()
