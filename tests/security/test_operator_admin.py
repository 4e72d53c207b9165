"""The Django admin belongs to federation operators, who are nobody's shelter admin and own nobody's login:
through it they cannot change a member's role, status, protected identity, contact data or login, nor a
login's e-mail address, password, second factor or operator standing. They can still fix what is theirs
to fix (a typo in a name, a shelter's settings) and deactivate a login."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from members.models import MemberStatus, Role
from tests.conftest import log_in
from tests.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    operator = UserFactory(email="operator@jourplan.test", is_staff=True, is_superuser=True)
    return log_in(client, operator)


def _form_data(response) -> dict:
    """What the browser would send back for the admin's change form, as the page shows it."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else field.prepare_value(value)
    return {key: "" if value is None else value for key, value in data.items()} | {"_save": "Spara"}


def _change(client, model: str, obj, **changes):
    url = reverse(f"admin:{obj._meta.app_label}_{model}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, _form_data(page) | changes)


def test_an_operator_cannot_change_a_members_role_status_identity_contact_or_login(
    operator_client, organisation, other_organisation
):
    member = MemberFactory(
        organisation=organisation,
        role=Role.VOLUNTEER,
        first_name="Vanja",
        phone="+46701234567",
        postal_address="Storgatan 1",
    )
    own_user, other_user = member.user, UserFactory(email="operatorns@example.org")
    response = _change(
        operator_client,
        "member",
        member,
        first_name="Vanja-Li",  # what an operator may fix ...
        role=Role.ADMIN,  # ... and what she may not
        status=MemberStatus.LEFT,
        protected_identity="on",
        email="annan@example.org",
        phone="+46709999999",
        postal_address="Annan väg 2",
        user=str(other_user.pk),
        organisation=str(other_organisation.pk),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    member.refresh_from_db()
    assert member.first_name == "Vanja-Li"  # the form still saves
    assert member.role == Role.VOLUNTEER
    assert member.status == MemberStatus.ACTIVE
    assert member.protected_identity is False
    assert member.email == own_user.email
    assert str(member.phone) == "+46701234567"
    assert member.postal_address == "Storgatan 1"
    assert member.user_id == own_user.pk
    assert member.organisation_id == organisation.pk


def test_a_protected_members_contact_data_is_neither_shown_nor_changed(operator_client, organisation):
    member = MemberFactory(organisation=organisation, protected_identity=True, postal_address="Hemlig väg 3")
    page = operator_client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert "Hemlig väg 3" not in page.content.decode() and member.email not in page.content.decode()
    _change(operator_client, "member", member, protected_identity="", postal_address="Ny väg 4", email="x@example.org")
    member.refresh_from_db()
    assert member.protected_identity is True
    assert member.postal_address == "Hemlig väg 3"


def test_members_are_neither_added_nor_deleted_through_the_admin(operator_client, volunteer):
    assert operator_client.get(reverse("admin:members_member_add")).status_code == 403
    assert (
        operator_client.post(reverse("admin:members_member_delete", args=[volunteer.pk]), {"post": "yes"}).status_code
        == 403
    )
    volunteer.refresh_from_db()


def test_an_operator_cannot_change_a_logins_email_password_or_operator_standing(operator_client, volunteer):
    user = volunteer.user
    response = _change(
        operator_client,
        "user",
        user,
        email="kapad@example.org",
        is_staff="on",
        is_superuser="on",
        password="md5$x$y",
        password1="ett-nytt-långt-lösenord-3",
        password2="ett-nytt-långt-lösenord-3",
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == volunteer.email
    assert not user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)

    set_password = reverse("admin:auth_user_password_change", args=[user.pk])
    new_password = {"password1": "ett-nytt-långt-lösenord-3", "password2": "ett-nytt-långt-lösenord-3"}
    assert operator_client.get(set_password).status_code == 403
    assert operator_client.post(set_password, new_password | {"usable_password": "true"}).status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    assert operator_client.get(reverse("admin:core_user_add")).status_code == 403
    assert operator_client.post(reverse("admin:core_user_delete", args=[user.pk]), {"post": "yes"}).status_code == 403


def test_an_operator_can_deactivate_a_login(operator_client, volunteer):
    user = volunteer.user
    data = _change(operator_client, "user", user, is_active="")
    assert data.status_code == 302
    user.refresh_from_db()
    assert user.is_active is False


def test_an_operator_cannot_give_a_login_another_address_or_read_its_totp_secret(operator_client, coordinator):
    user = coordinator.user
    address = EmailAddress.objects.get(user=user)
    change = reverse("admin:account_emailaddress_change", args=[address.pk])
    assert (
        operator_client.post(change, {"email": "kapad@example.org", "user": user.pk, "verified": "on"}).status_code
        == 403
    )
    assert operator_client.get(reverse("admin:account_emailaddress_add")).status_code == 403
    address.refresh_from_db()
    assert address.email == user.email

    secret = generate_totp_secret()
    authenticator = TOTP.activate(user, secret).instance
    page = operator_client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert page.status_code == 200 and secret not in page.content.decode()
    refused = operator_client.post(
        reverse("admin:mfa_authenticator_change", args=[authenticator.pk]),
        {"user": user.pk, "type": "totp", "data": '{"secret": "AAAA"}', "created_at_0": "2026-01-01"},
    )
    assert refused.status_code == 403
    authenticator.refresh_from_db()
    assert authenticator.data["secret"] != "AAAA"
    assert operator_client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    # A lost phone: the operator removes the authenticator, and the coordinator sets up a new one at next login.
    delete = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert operator_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Authenticator.objects.filter(pk=authenticator.pk).exists()
