"""Writes on shelters, members and logins. Each service is one transaction and raises JourplanError."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import JourplanError
from .models import Member, MemberStatus, Organisation, Role, User
from .notices import notice_plan


class InvitationRefused(JourplanError):
    pass


def _login_for(email: str) -> User:
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email)  # unusable password until she sets one
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def member_invite(*, member: Member, invited_by: Member | None = None) -> Member:
    """Give the member a login (or link her existing one) and plan the invitation mail.

    Guarantees: her e-mail address becomes her verified login; a person who already has a password
    (she belongs to another shelter) is linked without a new mail. Re-inviting plans a fresh mail.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.email:
        raise InvitationRefused(_("Add an e-mail address before inviting her."))
    if member.status == MemberStatus.LEFT or member.erased_at:
        raise InvitationRefused(_("A member who has left cannot be invited."))
    if member.user_id and member.user.has_usable_password():
        raise InvitationRefused(_("She already has a login."))
    user = _login_for(member.email)
    if Member.objects.filter(organisation=member.organisation, user=user).exclude(pk=member.pk).exists():
        raise InvitationRefused(_("This e-mail address already belongs to another member of the shelter."))
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    if not user.has_usable_password():
        notice_plan(recipient=member, kind="invitation", variant=timezone.now().strftime("%Y%m%d%H%M%S%f"))
    return member


@transaction.atomic
def organisation_create(
    *, name: str, slug: str, admin_email: str, admin_first_name: str, time_zone: str = "Europe/Stockholm"
) -> Organisation:
    """Create a shelter and invite its first admin (federation operators only)."""
    if Organisation.objects.filter(slug=slug).exists():
        raise JourplanError(_("A shelter with this address already exists."))
    organisation = Organisation(name=name, slug=slug, time_zone=time_zone)
    organisation.full_clean()
    organisation.save()
    admin = Member.objects.create(
        organisation=organisation,
        first_name=admin_first_name,
        email=admin_email.strip().lower(),
        role=Role.ADMIN,
        status=MemberStatus.ACTIVE,
    )
    member_invite(member=admin)
    return organisation
