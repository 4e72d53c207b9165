"""Writes on how notices reach people: a member's channels per topic and her quiet hours, and a shelter's SMS
settings. One transaction each; a refusal is a JourplanError with a translated sentence, and nothing changes."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import JourplanError
from core.models import Organisation
from core.validators import validate_sms_sender

from .models import Channel, ChannelChoice, Notice, PushDevice, Topic
from .outbox import CHANNELS, EMAIL_ONLY_TOPICS

if TYPE_CHECKING:  # the register's member (members imports notices, never the reverse)
    from members.models import Member

# The topics she (and her shelter, for SMS) chooses channels for; an account notice always goes by e-mail.
CHOOSABLE_TOPICS: tuple[str, ...] = tuple(topic for topic in Topic.values if topic not in EMAIL_ONLY_TOPICS)


class ChannelChoiceRefused(JourplanError):
    pass


class SmsSettingsRefused(JourplanError):
    pass


# What she reads for each topic, in her words (msgids of their own: "Call-outs" and "Announcements" are both
# "Utskick" on the coordinators' pages).
TOPIC_LABELS = {
    Topic.REMINDERS: gettext_lazy("Reminders"),
    Topic.CALLOUTS: gettext_lazy("Asks to take a shift"),
    Topic.CHANGES: gettext_lazy("Changes to my shifts"),
    Topic.ANNOUNCEMENTS: gettext_lazy("Messages from the shelter"),
    Topic.ACCOUNT: gettext_lazy("My membership and login"),
}


def topic_label(topic: str) -> str:
    return str(TOPIC_LABELS.get(Topic(topic), Topic(topic).label))


def sms_allowed(organisation: Organisation, topic: str) -> bool:
    return topic in CHOOSABLE_TOPICS and topic in (organisation.sms_topics or ())


def member_has_push_device(member: Member) -> bool:
    return PushDevice.objects.filter(member=member).exists()


def offered_channels(member: Member, topic: str, *, has_push: bool) -> list[str]:
    """The channels she may choose for `topic`: e-mail; SMS when she has a phone number and her shelter allows SMS
    for the topic; push when she has a device on this shelter."""
    offered = [Channel.EMAIL.value]
    if member.phone and sms_allowed(member.organisation, topic):
        offered.append(Channel.SMS.value)
    if has_push:
        offered.append(Channel.PUSH.value)
    return offered


@transaction.atomic
def channel_choices_replace(
    *,
    member: Member,
    choices: Mapping[str, Iterable[str]],
    quiet_hours_start: time | None,
    quiet_hours_end: time | None,
) -> None:
    """Replace her channels for every choosable topic (at least one each, each one offered to her now) and her
    quiet hours (both or neither; no SMS or push between them), in one transaction. Her choices for an account
    notice are never stored: those always go by e-mail."""
    member_model = type(member)
    member = member_model._default_manager.select_for_update().select_related("organisation").get(pk=member.pk)
    has_push = member_has_push_device(member)
    rows: list[ChannelChoice] = []
    for topic in CHOOSABLE_TOPICS:
        chosen = set(choices.get(topic) or ())
        if not chosen:
            raise ChannelChoiceRefused(
                _("Choose at least one way to get %(topic)s.") % {"topic": topic_label(topic).lower()}
            )
        offered = offered_channels(member, topic, has_push=has_push)
        if not chosen <= set(offered):
            raise ChannelChoiceRefused(
                _("%(topic)s cannot be sent to you that way. Reload the page and choose again.")
                % {"topic": topic_label(topic)}
            )
        rows.extend(ChannelChoice(member=member, topic=topic, channel=c) for c in CHANNELS if c in chosen)
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        raise ChannelChoiceRefused(_("Give both times for your quiet hours, or neither."))
    if quiet_hours_start is not None and quiet_hours_start == quiet_hours_end:
        raise ChannelChoiceRefused(_("Your quiet hours must start and end at different times."))
    ChannelChoice.objects.filter(member=member).delete()
    ChannelChoice.objects.bulk_create(rows)
    if (member.quiet_hours_start, member.quiet_hours_end) != (quiet_hours_start, quiet_hours_end):
        member.quiet_hours_start, member.quiet_hours_end = quiet_hours_start, quiet_hours_end
        member.save(update_fields=["quiet_hours_start", "quiet_hours_end", "updated_at"])


@transaction.atomic
def organisation_sms_settings_update(*, organisation: Organisation, topics: Iterable[str], sender: str) -> Organisation:
    """Set which topics of notices may go by SMS (it costs money; account notices never do) and the name an SMS
    is sent from: 2–11 letters or digits starting with a letter, naming neither the shelter nor its kind
    (core.validators.validate_sms_sender). Saved with save(), so the audit trail records the change and who made
    it. Refused with the reason, nothing changed."""
    sender = (sender or "").strip()
    chosen = set(topics)
    if not chosen <= set(CHOOSABLE_TOPICS):
        raise SmsSettingsRefused(_("Notices about membership and logins are always sent by e-mail."))
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    try:
        Organisation._meta.get_field("sms_sender").clean(sender, organisation)
        validate_sms_sender(sender, name=organisation.name, slug=organisation.slug)
    except ValidationError as refused:
        raise SmsSettingsRefused(*refused.messages) from None
    organisation.sms_topics = [topic for topic in CHOOSABLE_TOPICS if topic in chosen]
    organisation.sms_sender = sender
    organisation.save(update_fields=["sms_topics", "sms_sender"])
    return organisation


@dataclass(frozen=True)
class SmsCount:
    month: date  # its first day
    count: int


def sms_counts(organisation: Organisation, now: datetime) -> tuple[SmsCount, SmsCount]:
    """The SMS the shelter sent this month and last month (by `sent_at`, months in the shelter's time zone), in
    one query: what its provider will bill."""
    zone = organisation.zone
    local = now.astimezone(zone)
    this_month = local.date().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    next_month = this_month + timedelta(days=calendar.monthrange(this_month.year, this_month.month)[1])

    def start(day: date) -> datetime:
        return datetime.combine(day, time(0), tzinfo=zone)

    counts = (
        Notice.objects.for_organisation(organisation)
        .filter(channel=Channel.SMS)
        .aggregate(
            this=Count("pk", filter=Q(sent_at__gte=start(this_month), sent_at__lt=start(next_month))),
            last=Count("pk", filter=Q(sent_at__gte=start(last_month), sent_at__lt=start(this_month))),
        )
    )
    return SmsCount(this_month, counts["this"]), SmsCount(last_month, counts["last"])
