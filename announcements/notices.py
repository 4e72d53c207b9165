"""The announcement's notice kind (listed in settings.NOTICE_KINDS): "you have a new message", on her channels.

Discreet: the SMS (and push) says only "Jourplan: nytt meddelande. Läs i Jourplan." and her link, which names no
shelter (`/messages/<pk>/`, behind her login). The e-mail's subject says the same; its body carries the title and
the text, written by the coordinator, and never the shelter's name or the author's.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.models import MemberStatus
from notices.kinds import NoticeKind
from notices.models import Notice, Topic
from notices.outbox import DropNotice, Message, render_template_message, site_url

from .models import Announcement, AnnouncementReceipt


def open_url(announcement: Announcement) -> str:
    """Her link to the message, absolute and without the shelter's address (it opens after her login)."""
    return site_url(reverse("announcement_open", kwargs={"pk": announcement.pk}))


class AnnouncementSent(NoticeKind):
    """A coordinator wrote to her: "new message, read it in Jourplan" (the e-mail with the text)."""

    slug = "announcement"
    label = _("Announcement")
    topic = Topic.ANNOUNCEMENTS
    planned_by = "announcements.services.announcement_send"

    def load(self, notice: Notice) -> AnnouncementReceipt | None:
        if notice.subject_id is None:
            return None
        return (
            AnnouncementReceipt.objects.select_related("announcement")
            .filter(announcement_id=notice.subject_id, member_id=notice.recipient_id)
            .first()
        )

    def is_obsolete(self, notice: Notice) -> str:
        receipt = self.subject(notice)
        if receipt is None:
            return "The message or her copy of it is gone."
        recipient = notice.recipient
        if recipient.erased_at is not None or recipient.status == MemberStatus.LEFT:
            return "She has left the shelter."
        if receipt.read_at is not None:
            return "She has already read the message in Jourplan."
        return ""

    def render(self, notice: Notice) -> Message:
        receipt = self.subject(notice)
        if receipt is None:
            raise DropNotice("The message or her copy of it is gone.")
        announcement = receipt.announcement
        context = {"title": announcement.title, "body": announcement.body, "url": open_url(announcement)}
        return render_template_message(self.template_name, context)
