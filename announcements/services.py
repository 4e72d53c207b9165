"""Sending an announcement and marking it read: every write of the app, one transaction each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import JourplanError
from core.models import Organisation
from core.validators import LINE_BREAKS
from members.models import Member, MemberStatus
from notices.outbox import notice_plan_many
from shifts.models import Line

from .models import BODY_MAX, TITLE_MAX, Announcement, AnnouncementReceipt
from .notices import AnnouncementSent
from .selectors import AUDIENCE_STATUSES, Audience, recipients


class AnnouncementError(JourplanError):
    """An announcement could not be sent (the reason in words); nothing was saved or planned."""


class RecipientsChanged(AnnouncementError):
    """The recipients are not as many as the preview said (someone joined, left or qualified meanwhile)."""

    def __init__(self, count: int):
        self.count = count
        super().__init__(
            ngettext(
                "The message would now reach %(count)d person, not as many as before. Check and send again.",
                "The message would now reach %(count)d people, not as many as before. Check and send again.",
                count,
            )
            % {"count": count}
        )


def _checked_text(title: str, body: str) -> tuple[str, str]:
    title, body = title.strip(), body.strip()
    problems = []
    if not title:
        problems.append(_("Write a title."))
    elif len(title) > TITLE_MAX:
        problems.append(_("The title can be at most %(count)d characters.") % {"count": TITLE_MAX})
    elif not LINE_BREAKS.isdisjoint(title):
        problems.append(_("Write the title on one line, without line breaks."))
    if not body:
        problems.append(_("Write the message."))
    elif len(body) > BODY_MAX:
        problems.append(_("The message can be at most %(count)d characters.") % {"count": BODY_MAX})
    if problems:
        raise AnnouncementError(*problems)
    return title, body


def _checked_audience(organisation: Organisation, audience: Audience) -> None:
    if not audience.statuses or any(status not in AUDIENCE_STATUSES for status in audience.statuses):
        raise AnnouncementError(_("Choose the member statuses to write to: active, paused or prospective."))
    chosen = [*audience.lines, *([audience.qualified_for] if audience.qualified_for is not None else [])]
    if any(line.organisation_id != organisation.pk for line in chosen):
        raise AnnouncementError(_("Choose lines of this shelter."))


@transaction.atomic
def announcement_send(
    *,
    organisation: Organisation,
    author: Member,
    title: str,
    body: str,
    lines: Sequence[Line] = (),
    statuses: Sequence[str] = (MemberStatus.ACTIVE,),
    qualified_for: Line | None = None,
    include_author: bool = False,
    send_key: str = "",
    expected_count: int | None = None,
    now: datetime | None = None,
) -> Announcement:
    """Send a message to the volunteers the filters choose (selectors.recipients, resolved now, once).

    Guarantees: the announcement, one receipt per recipient and one `announcement` notice per recipient (planned
    through the outbox: a row for each channel she gets announcements by) are one transaction: all or nothing. A
    send repeated with the same `send_key` (a double click, a resent form, two requests at once) returns the
    announcement the first made and plans nothing more. With `expected_count` (the number the preview showed) a
    different number of recipients refuses the send (RecipientsChanged). Raises AnnouncementError, with Swedish
    sentences, when the author is no current coordinator of the shelter, the text or filters are invalid, or nobody
    matches.
    """
    now = now or timezone.now()
    if send_key:
        earlier = Announcement.objects.filter(organisation=organisation, send_key=send_key).first()
        if earlier is not None:
            return earlier
    if (
        author.organisation_id != organisation.pk
        or not author.is_coordinator
        or author.erased_at is not None
        or author.status == MemberStatus.LEFT
    ):
        raise AnnouncementError(_("Only a coordinator of this shelter can send a message."))
    title, body = _checked_text(title, body)
    audience = Audience(
        lines=list(lines), statuses=list(statuses), qualified_for=qualified_for, include_author=include_author
    )
    _checked_audience(organisation, audience)
    chosen = recipients(organisation, audience, author=author, now=now)
    if not chosen:
        raise AnnouncementError(_("Nobody matches the filters, so the message was not sent."))
    if expected_count is not None and expected_count != len(chosen):
        raise RecipientsChanged(len(chosen))
    try:
        with transaction.atomic():
            announcement = Announcement.objects.create(
                organisation=organisation,
                author=author,
                title=title,
                body=body,
                statuses=list(dict.fromkeys(audience.statuses)),
                qualified_for=qualified_for,
                include_author=include_author,
                send_key=send_key,
                created_at=now,
                sent_at=now,
            )
    except IntegrityError:
        if not send_key:
            raise
        # The same key was sent at the same moment and the other request got there first: its announcement.
        return Announcement.objects.get(organisation=organisation, send_key=send_key)
    announcement.lines.set(audience.lines)
    AnnouncementReceipt.objects.bulk_create(
        [AnnouncementReceipt(announcement=announcement, member=member) for member in chosen], batch_size=500
    )
    notice_plan_many(
        [
            {"recipient": member, "kind": AnnouncementSent.slug, "subject": announcement, "due_at": now}
            for member in chosen
        ]
    )
    return announcement


@transaction.atomic
def announcement_read(*, announcement: Announcement, member: Member, now: datetime | None = None) -> bool:
    """Mark her copy read, the first time only (reading again changes nothing). Returns whether this call marked it;
    False too when she has no copy. Her notices about it still waiting (an SMS held by her quiet hours) are then
    dropped at send time (AnnouncementSent.is_obsolete)."""
    marked = AnnouncementReceipt.objects.filter(announcement=announcement, member=member, read_at=None).update(
        read_at=now or timezone.now()
    )
    return bool(marked)
