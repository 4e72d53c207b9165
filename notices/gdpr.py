"""The notices' part of a member's GDPR export (members.gdpr.member_export adds it as "notification_settings"): the
channels she chose per topic, and the devices she let Jourplan send push notifications to (the device's name and
dates, never the push service's address or keys). Erasure deletes both with her membership (CASCADE); push
devices are also removed by members.gdpr's erasure itself."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .models import Channel, ChannelChoice, PushDevice, Topic

if TYPE_CHECKING:
    from members.models import Member


def export_notification_settings(member: Member) -> dict[str, list[dict[str, Any]]]:
    zone = member.organisation.zone

    def local(moment: datetime | None) -> str | None:
        return moment.astimezone(zone).isoformat() if moment else None

    return {
        "channel_choices": [
            {"topic": choice.topic, "channel": choice.channel}
            for choice in ChannelChoice.objects.filter(member=member).order_by("topic", "channel")
        ],
        "push_devices": [
            {"device": device.label, "added_at": local(device.created_at), "last_used_at": local(device.last_used_at)}
            for device in PushDevice.objects.filter(member=member).order_by("created_at", "pk")
        ],
    }


EXPORT_VALUE_LABELS = {"topic": Topic.choices, "channel": Channel.choices}
