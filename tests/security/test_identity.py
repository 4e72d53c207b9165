"""A login belongs to its person (issue 13, findings 1, 2, 4, 5, 6 and the profile's e-mail oracle of 10).

Shelter staff manage memberships, never logins: an invitation to an address that already has a login waits for
that person to accept it, logged in with her own credentials; set-password keys go only to a login this shelter's
invitation created, at that login's own address; nobody acts above her rank; erasing a membership leaves a login
with other standing untouched. Each test is written against the pages, so it also runs on the code before this
change (where each one failed).
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from core.models import User
from members.models import Member, MemberStatus, Role
from members.services import member_invite, member_update
from notices.tasks import dispatch_due_notices
from tests.conftest import log_in
from tests.factories import PASSWORD, MemberFactory, UserFactory

ATTACKER = "angripare@example.net"


def url(name, organisation, **kwargs):
    return reverse(f"members:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def invite(client, organisation, email, role=Role.VOLUNTEER, first_name="Vera"):
    return client.post(
        url("invite", organisation), {"first_name": first_name, "last_name": "", "email": email, "role": role}
    )


def edit(client, member, **changes):
    data = {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "email": member.email,
        "language": "sv",
        "membership_type": "full",
        "status": member.status,
    }
    data.update(changes)
    return client.post(url("member_edit", member.organisation, pk=member.pk), data)


def keys_mailed_to(address: str, login) -> list[str]:
    """Set-password links for `login` in mails to `address`."""
    from allauth.account.utils import user_pk_to_url_str

    link = f"/password/reset/key/{user_pk_to_url_str(login)}-"
    return [m.body for m in mail.outbox if address in m.to and link in m.body]


@pytest.mark.django_db
def test_finding_1_no_coordinator_can_take_over_another_shelters_pending_admin(
    client, organisation, other_organisation, coordinator
):
    # The other shelter's first admin was invited and has not chosen her password yet.
    victim = Member.objects.create(
        organisation=other_organisation, first_name="Vera", email="vera@example.org", role=Role.ADMIN
    )
    member_invite(member=victim)
    dispatch_due_notices()
    mail.outbox.clear()

    log_in(client, coordinator)
    invite(client, organisation, "vera@example.org")
    copy = Member.objects.get(organisation=organisation, email="vera@example.org")
    edit(client, copy, email=ATTACKER)
    dispatch_due_notices()  # the invitation planned before the edit goes out now
    client.post(url("member_invite_existing", organisation, pk=copy.pk))
    dispatch_due_notices()

    login = User.objects.get(email="vera@example.org")
    assert keys_mailed_to(ATTACKER, login) == []
    assert not login.has_usable_password()
    assert not Member.objects.filter(organisation=organisation, user=login).exists()


@pytest.mark.django_db
def test_finding_2_a_coordinator_cannot_make_an_admin(client, organisation, coordinator):
    log_in(client, coordinator)
    page = client.get(url("invite", organisation)).content.decode()
    assert 'value="admin"' not in page and 'value="coordinator"' not in page

    invite(client, organisation, "ny.admin@example.org", role=Role.ADMIN)
    invite(client, organisation, "ny.samordnare@example.org", role=Role.COORDINATOR)
    assert (
        not Member.objects.filter(organisation=organisation, role__in=[Role.ADMIN, Role.COORDINATOR])
        .exclude(pk=coordinator.pk)
        .exists()
    )


@pytest.mark.django_db
def test_finding_4_a_shelter_cannot_erase_the_operator(client, organisation, coordinator):
    operator = UserFactory(email="operator@example.org", is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=operator, type=Authenticator.Type.TOTP, data={"secret": "x"})
    log_in(client, coordinator)
    invite(client, organisation, "operator@example.org")
    member = Member.objects.get(organisation=organisation, email="operator@example.org")
    client.post(url("member_leave", organisation, pk=member.pk))
    client.post(url("member_erase", organisation, pk=member.pk))

    operator.refresh_from_db()
    assert operator.is_active and operator.email == "operator@example.org" and operator.check_password(PASSWORD)
    assert Authenticator.objects.filter(user=operator).exists()
    assert EmailAddress.objects.filter(user=operator, email="operator@example.org").exists()


@pytest.mark.django_db
def test_finding_5_inviting_an_address_with_a_login_links_nothing_and_reads_the_same(
    client, organisation, other_organisation, coordinator
):
    bodil = MemberFactory(organisation=other_organisation, user=UserFactory(email="bodil@example.org"))
    member_update(member=bodil, by=bodil, phone="070-111 22 33")  # an audit entry of hers in her own shelter
    her_entries = list(LogEntry.objects.filter(actor=bodil.user).values("pk", "actor_email"))

    log_in(client, coordinator)
    pages = []
    for name in ("bodil", "berit"):
        response = invite(client, organisation, f"{name}@example.org", first_name=name.title())
        assert response.status_code == 302
        pages.append(client.get(response["Location"]))
    assert _masked(pages[0], "bodil") == _masked(pages[1], "berit")
    details = [
        client.get(url("member_detail", organisation, pk=Member.objects.get(organisation=organisation, email=e).pk))
        for e in ("bodil@example.org", "berit@example.org")
    ]
    assert _masked(details[0], "bodil") == _masked(details[1], "berit")

    # Nothing of hers is linked: her shelter list does not show the inviting shelter until she accepts.
    assert not Member.objects.filter(organisation=organisation, user=bodil.user).exists()
    client.logout()
    log_in(client, bodil)
    home = client.get(reverse("home"), follow=True)
    assert url("portal", organisation) not in home.content.decode()

    # The inviting shelter marks her left and erases her: her login and her own shelter's audit trail stay.
    log_in(client, coordinator)
    invited = Member.objects.get(organisation=organisation, email="bodil@example.org")
    client.post(url("member_leave", organisation, pk=invited.pk))
    client.post(url("member_erase", organisation, pk=invited.pk))
    bodil.user.refresh_from_db()
    assert bodil.user.is_active and bodil.user.check_password(PASSWORD)
    assert list(LogEntry.objects.filter(pk__in=[e["pk"] for e in her_entries]).values("pk", "actor_email")) == (
        her_entries
    )


def _masked(response, name: str) -> str:
    page = response.content.decode()
    page = re.sub(rf"{name}(@example\.org)?", "X", page, flags=re.IGNORECASE)
    page = re.sub(r"/members/\d+/", "/members/N/", page)
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page)  # CSRF tokens


@pytest.mark.django_db
def test_finding_6_a_coordinator_cannot_remove_or_erase_an_admin(client, organisation, coordinator, admin_member):
    log_in(client, coordinator)
    response = client.post(url("member_leave", organisation, pk=admin_member.pk))
    assert response.status_code == 403
    admin_member.refresh_from_db()
    assert admin_member.status == MemberStatus.ACTIVE

    Member.objects.filter(pk=admin_member.pk).update(status=MemberStatus.LEFT)
    assert client.post(url("member_erase", organisation, pk=admin_member.pk)).status_code == 403
    admin_member.refresh_from_db()
    assert admin_member.erased_at is None and admin_member.user_id is not None


@pytest.mark.django_db
def test_finding_10_the_profile_form_tells_no_one_whose_address_is_taken(client, organisation, volunteer):
    MemberFactory(organisation=organisation, email="annan@example.org", user=None, protected_identity=True)
    log_in(client, volunteer)
    response = client.post(
        url("profile", organisation),
        {"email": "annan@example.org", "phone": "", "postal_address": "", "language": "sv"},
    )
    assert response.status_code == 302
    assert "finns redan" not in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.email == volunteer.user.email


@pytest.mark.django_db
def test_finding_9_erasure_removes_the_shelters_stored_import_uploads(
    organisation, other_organisation, coordinator, other_shelter_coordinator, tmp_path, monkeypatch
):
    from members import gdpr, imports

    monkeypatch.setattr(imports, "UPLOAD_DIR", tmp_path / "imports")
    leaver = MemberFactory(organisation=organisation, first_name="Lisa", status=MemberStatus.LEFT)
    content = f"Förnamn;E-post;Telefon\nLisa;{leaver.email};070-123 45 67\n".encode()
    ours = imports.upload_store(kind=imports.MEMBERS, organisation=organisation, member=coordinator, content=content)
    theirs = imports.upload_store(
        kind=imports.MEMBERS, organisation=other_organisation, member=other_shelter_coordinator, content=b"x"
    )

    gdpr.member_erase(member=leaver, by=coordinator)

    kept = imports.upload_load(
        kind=imports.MEMBERS, organisation=other_organisation, member=other_shelter_coordinator, token=theirs
    )
    assert kept == b"x"
    gone = imports.upload_load(kind=imports.MEMBERS, organisation=organisation, member=coordinator, token=ours)
    assert gone is None
    assert b"Lisa" not in b"".join(p.read_bytes() for p in (tmp_path / "imports").rglob("*") if p.is_file())
