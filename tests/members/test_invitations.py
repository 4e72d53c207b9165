"""Invitations as the invited person meets them: an address that already has a login is asked to log in and
answer; only she can accept; accepting links her login, declining links nothing. Her address is her login's:
she changes it herself, with verification, and her memberships follow."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from core.models import User
from members.models import Member, Role
from members.services import MemberUpdateRefused, member_invite, member_mark_left, member_update
from notices.tasks import dispatch_due_notices
from tests.conftest import log_in
from tests.factories import PASSWORD, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _invited(organisation, email, **extra) -> Member:
    member = Member.objects.create(organisation=organisation, first_name="Bodil", email=email, **extra)
    return member_invite(member=member)


def test_an_address_with_a_login_is_asked_to_log_in_and_answer(client, organisation, other_organisation):
    bodil = MemberFactory(organisation=other_organisation, user=UserFactory(email="bodil@example.org"))
    invited = _invited(organisation, "bodil@example.org")
    assert invited.user_id is None and invited.invited_at is not None
    assert invited.login_state == "invited"

    dispatch_due_notices()
    [message] = mail.outbox
    assert message.to == ["bodil@example.org"]
    assert "/password/reset/key/" not in message.body  # no key: she logs in with her own password
    assert organisation.name not in message.subject + message.body  # discreet

    log_in(client, bodil)
    home = client.get(reverse("home"))
    assert home.status_code == 200 and organisation.name in home.content.decode()
    response = client.post(reverse("invitation_answer", kwargs={"pk": invited.pk}), {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == organisation.get_absolute_url()
    invited.refresh_from_db()
    assert invited.user == bodil.user and invited.invited_at is None and invited.login_state == "active"


def test_declining_links_nothing(client, organisation, other_organisation):
    bodil = MemberFactory(organisation=other_organisation, user=UserFactory(email="bodil@example.org"))
    invited = _invited(organisation, "bodil@example.org")
    log_in(client, bodil)
    client.post(reverse("invitation_answer", kwargs={"pk": invited.pk}), {"answer": "decline"})
    invited.refresh_from_db()
    assert invited.user_id is None and invited.invited_at is None
    assert client.get(reverse("home")).status_code == 302  # straight to her one shelter again


def test_nobody_else_can_answer_her_invitation(client, organisation, other_organisation, volunteer):
    MemberFactory(organisation=other_organisation, user=UserFactory(email="bodil@example.org"))
    invited = _invited(organisation, "bodil@example.org")
    log_in(client, volunteer)
    response = client.post(reverse("invitation_answer", kwargs={"pk": invited.pk}), {"answer": "accept"})
    assert response.status_code == 404
    invited.refresh_from_db()
    assert invited.user_id is None and invited.invited_at is not None


def test_a_second_membership_in_the_same_shelter_is_refused_and_closed(client, organisation, volunteer):
    # A coordinator typed the address of a protected member (hidden from her) for someone new.
    Member.objects.filter(pk=volunteer.pk).update(protected_identity=True)
    copy = _invited(organisation, volunteer.email)
    log_in(client, volunteer)
    response = client.post(reverse("invitation_answer", kwargs={"pk": copy.pk}), {"answer": "accept"}, follow=True)
    assert "redan" in response.content.decode()
    copy.refresh_from_db()
    assert copy.user_id is None and copy.invited_at is None


def test_a_new_address_gets_its_own_login_and_a_set_password_link(organisation):
    invited = _invited(organisation, "ny@example.org")
    assert invited.user.email == "ny@example.org" and not invited.user.has_usable_password()
    dispatch_due_notices()
    [message] = mail.outbox
    assert message.to == ["ny@example.org"] and "/password/reset/key/" in message.body


def test_correcting_the_address_before_she_answers_withdraws_the_first_login(organisation, coordinator):
    invited = _invited(organisation, "felskrivet@example.org")
    first_login = invited.user
    member_update(member=invited, by=coordinator, email="ratt@example.org")
    assert not User.objects.filter(pk=first_login.pk).exists()
    invited.refresh_from_db()
    assert invited.user_id is None and invited.login_state == "none"
    member_invite(member=invited, invited_by=coordinator)
    invited.refresh_from_db()
    assert invited.user.email == "ratt@example.org"


def test_staff_cannot_change_the_address_of_a_login(organisation, admin_member, volunteer):
    with pytest.raises(MemberUpdateRefused):
        member_update(member=volunteer, by=admin_member, email="annan@example.org")
    volunteer.refresh_from_db()
    assert volunteer.email == volunteer.user.email


def test_she_changes_her_address_herself_with_verification(client, organisation, other_organisation, volunteer):
    old_address = volunteer.user.email
    elsewhere = MemberFactory(organisation=other_organisation, user=volunteer.user)
    log_in(client, volunteer)
    # Holding her open session is not enough (a stolen phone): she is asked for her password first.
    response = client.post(reverse("account_email"), {"email": "vera.ny@example.org", "action_add": ""})
    assert response.status_code == 302 and reverse("account_reauthenticate") in response["Location"]
    assert not EmailAddress.objects.filter(email="vera.ny@example.org").exists()
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("account_email"), {"email": "vera.ny@example.org", "action_add": ""})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.email != "vera.ny@example.org"  # not before she confirms
    [message] = [m for m in mail.outbox if "vera.ny@example.org" in m.to]
    link = re.search(r"https?://\S+", message.body).group(0)
    client.post(re.sub(r"^https?://[^/]+", "", link))
    for member in (volunteer, elsewhere):
        member.refresh_from_db()
        assert member.email == "vera.ny@example.org"
    volunteer.user.refresh_from_db()
    assert volunteer.user.email == "vera.ny@example.org"
    # Her old address is told that it changed.
    assert any(old_address in m.to for m in mail.outbox if "vera.ny@example.org" not in m.to)


def test_the_shelter_keeps_an_admin(organisation, admin_member):
    with pytest.raises(MemberUpdateRefused):
        member_update(member=admin_member, by=admin_member, role=Role.COORDINATOR)
    second = MemberFactory(organisation=organisation, role=Role.ADMIN)
    with pytest.raises(MemberUpdateRefused):
        member_mark_left(member=admin_member, by=admin_member)  # nobody marks herself as left
    member_mark_left(member=second, by=admin_member)
    with pytest.raises(MemberUpdateRefused):
        member_update(member=admin_member, by=admin_member, status="left")


def test_a_post_without_an_answer_changes_nothing(client, organisation, other_organisation):
    bodil = MemberFactory(organisation=other_organisation, user=UserFactory(email="bodil@example.org"))
    invited = _invited(organisation, "bodil@example.org")
    log_in(client, bodil)
    response = client.post(reverse("invitation_answer", kwargs={"pk": invited.pk}), {"answer": "kanske"})
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.user_id is None and invited.invited_at is not None
