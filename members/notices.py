"""The register's notice kinds (listed in settings.NOTICE_KINDS): invitations (a set-password link for a login an
invitation made, or "log in and answer" for an address that already has a login) and the request to sign a new
version of the confidentiality pledge. All three are planned by services when something happens."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notices.kinds import NoticeKind, subject_of
from notices.models import Notice
from notices.outbox import Message, notice_plan_many, render_template_message, site_url

from .models import Member, MemberStatus, PledgeSignature, PledgeText
from .onboarding import current_pledge


class Invitation(NoticeKind):
    """The invitation: a set-your-password link (allauth's reset token), made at send time."""

    slug = "invitation"
    label = _("Invitation")
    planned_by = "members.services.member_invite"

    def is_obsolete(self, notice: Notice) -> str:
        user = notice.recipient.user
        if user is None or not user.is_active:
            return "The member has no active login."
        if user.has_usable_password():
            return "The member has already set a password."
        if user.last_login is not None or user.is_staff or user.is_superuser:
            return "The login is in use; a shelter never sends a key for it."
        return ""

    def render(self, notice: Notice) -> Message:
        from allauth.account.forms import default_token_generator
        from allauth.account.utils import user_pk_to_url_str

        user = notice.recipient.user
        # The key is for this login, and _deliver sends it to this login's own address (recipient_email).
        key = default_token_generator.make_token(user)
        link = site_url(
            reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})
        )
        days = settings.PASSWORD_RESET_TIMEOUT // 86400
        return render_template_message(
            self.template_name, {"member": notice.recipient, "link": link, "days": days, "login_url": site_url("/")}
        )


class MembershipInvitation(NoticeKind):
    """An invitation to an address that already has a login: no key, only "log in and answer". Nothing is
    linked until she accepts; a withdrawn, answered or retargeted invitation is dropped."""

    slug = "membership_invitation"
    label = _("Invitation for an existing login")
    planned_by = "members.services.member_invite"

    def is_obsolete(self, notice: Notice) -> str:
        member = notice.recipient
        if member.user_id or member.invited_at is None or member.erased_at or member.status == MemberStatus.LEFT:
            return "The invitation is no longer open."
        return ""

    def render(self, notice: Notice) -> Message:
        return render_template_message(self.template_name, {"member": notice.recipient, "login_url": site_url("/")})


class PledgeNewVersion(NoticeKind):
    """Asks a member who signed an older version of the pledge to sign the new one."""

    slug = "pledge_new_version"
    label = _("New confidentiality pledge")
    planned_by = "members.services.pledge_publish (through plan_pledge_sign_again)"

    def load(self, notice: Notice) -> PledgeText | None:
        return subject_of(PledgeText.objects.all(), notice)

    def is_obsolete(self, notice: Notice) -> str:
        """Dropped when she has signed it meanwhile, a newer version replaced it, or she has left."""
        member, pledge = notice.recipient, self.subject(notice)
        if pledge is None or current_pledge(member.organisation) != pledge:
            return "Not the current pledge any more."
        if member.status == MemberStatus.LEFT or member.erased_at:
            return "The member has left."
        if PledgeSignature.objects.filter(member=member, pledge_text=pledge).exists():
            return "Already signed."
        return ""

    def render(self, notice: Notice) -> Message:
        member, pledge = notice.recipient, self.subject(notice)
        link = site_url(reverse("members:pledge", kwargs={"organisation": member.organisation.slug}))
        return render_template_message(self.template_name, {"member": member, "link": link, "version": pledge.version})


def plan_pledge_sign_again(pledge_text: PledgeText) -> int:
    """Plan a notice to every current member with a login who signed an older version of the pledge."""
    signed_before = PledgeSignature.objects.filter(
        pledge_text__organisation=pledge_text.organisation, pledge_text__version__lt=pledge_text.version
    ).values("member_id")
    recipients = (
        Member.objects.for_organisation(pledge_text.organisation).current().with_login().filter(pk__in=signed_before)
    )
    return notice_plan_many(
        {"recipient": member, "kind": PledgeNewVersion.slug, "subject": pledge_text} for member in recipients
    )
