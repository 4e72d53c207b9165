"""The register's notice kinds: invitations (a set-password link for a login an invitation made, or "log in and
answer" for an address that already has a login)."""

from __future__ import annotations

from django.conf import settings

from notices.models import Notice
from notices.outbox import DropNotice, Message, notice_kind, render_template_message, site_url


@notice_kind("invitation")
def render_invitation(notice: Notice) -> Message:
    """The invitation: a set-your-password link (allauth's reset token), made at send time."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.urls import reverse

    user = notice.recipient.user
    if user is None or not user.is_active:
        raise DropNotice("The member has no active login.")
    if user.has_usable_password():
        raise DropNotice("The member has already set a password.")
    if user.last_login is not None or user.is_staff or user.is_superuser:
        raise DropNotice("The login is in use; a shelter never sends a key for it.")
    # The key is for this login, and _deliver sends it to this login's own address (recipient_email).
    key = default_token_generator.make_token(user)
    link = site_url(reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key}))
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    return render_template_message(
        "invitation", {"member": notice.recipient, "link": link, "days": days, "login_url": site_url("/")}
    )


@notice_kind("membership_invitation")
def render_membership_invitation(notice: Notice) -> Message:
    """An invitation to an address that already has a login: no key, only "log in and answer". Nothing is
    linked until she accepts; a withdrawn, answered or retargeted invitation is dropped."""
    member = notice.recipient
    if member.user_id or member.invited_at is None or member.erased_at or member.status == "left":
        raise DropNotice("The invitation is no longer open.")
    return render_template_message("membership_invitation", {"member": member, "login_url": site_url("/")})
