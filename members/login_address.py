"""A linked member's e-mail address is her login's address: when she changes it (Account → E-mail, confirmed
by a link to the new address), every membership of hers follows. Shelter staff never change it."""

from __future__ import annotations

import logging

from allauth.account.signals import email_changed
from django.db import IntegrityError, transaction

from .models import Member

logger = logging.getLogger(__name__)


def memberships_follow_login_address(*, user) -> None:
    for member in Member.objects.filter(user=user, erased_at=None).exclude(email=user.email):
        try:
            with transaction.atomic():
                Member.objects.filter(pk=member.pk).update(email=user.email)
        except IntegrityError:
            # Another member of that shelter is registered with this address; notices still reach her at her
            # login's address (notices.recipient_email), and the register keeps the old one until merged.
            logger.warning("Member %s keeps her old address: it is taken in her shelter", member.pk)


def _on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs) -> None:
    memberships_follow_login_address(user=user)


email_changed.connect(_on_email_changed, dispatch_uid="members.login_address")
