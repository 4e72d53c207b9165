"""Announcements: a coordinator's short message to the volunteers of her shelter, and who got it and read it.

Who gets an announcement is decided once, when it is sent (`announcements.selectors.recipients`): one
`AnnouncementReceipt` per recipient, made in bulk in the same transaction as the announcement and its notices. The
filters are kept on the announcement only to say on the coordinators' list whom it was for.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.validators import single_line
from members.models import Member

TITLE_MAX = 80
BODY_MAX = 1000


class AnnouncementQuerySet(models.QuerySet["Announcement"]):
    def for_organisation(self, organisation: Organisation) -> AnnouncementQuerySet:
        return self.filter(organisation=organisation)

    def with_read_counts(self) -> AnnouncementQuerySet:
        """Annotate `recipient_count` and `read_count` in the same query."""
        return self.annotate(
            recipient_count=Count("receipts", distinct=True),
            read_count=Count("receipts", filter=Q(receipts__read_at__isnull=False), distinct=True),
        )


class Announcement(models.Model):
    """One message from a coordinator to the volunteers chosen by its filters. No reply, no list of recipients
    for the recipients: each sees her own copy only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="announcements")
    # Erasing the author (members.gdpr) unlinks her: the message stays the shelter's, signed "a coordinator".
    author = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[single_line])
    body = models.TextField(_("message"), max_length=BODY_MAX)
    # The filters it was sent with (recipients are resolved once, at send): lines (none = every line), member
    # statuses, and a line she had to be qualified for on the day it was sent.
    lines = models.ManyToManyField("shifts.Line", blank=True, related_name="+", verbose_name=_("lines"))
    statuses = models.JSONField(_("member statuses"), default=list, blank=True)
    qualified_for = models.ForeignKey(
        "shifts.Line",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("qualified for"),
    )
    include_author = models.BooleanField(_("a copy to the author"), default=False)
    # The write form's one-time key: a send that is retried (a double click, a resent form) finds the announcement
    # the first one made instead of making a second.
    send_key = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "send_key"], condition=~Q(send_key=""), name="announcement_one_send_per_key"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"], name="announcement_org_created_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.title}"


class ReceiptQuerySet(models.QuerySet["AnnouncementReceipt"]):
    def for_member(self, member: Member) -> ReceiptQuerySet:
        return self.filter(member=member, announcement__organisation_id=member.organisation_id)

    def unread(self) -> ReceiptQuerySet:
        return self.filter(read_at=None)


class AnnouncementReceipt(models.Model):
    """One recipient's copy of an announcement, and when she read it in Jourplan (None: not yet)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="receipts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="announcement_receipts")
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("announcement receipt")
        verbose_name_plural = _("announcement receipts")
        constraints = [
            models.UniqueConstraint(fields=["announcement", "member"], name="announcement_receipt_once_per_member"),
        ]
        indexes = [models.Index(fields=["member", "read_at"], name="receipt_member_read_idx")]

    def __str__(self) -> str:
        return f"{self.announcement_id} → {self.member_id}"
