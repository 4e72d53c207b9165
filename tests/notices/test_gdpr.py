"""Her notification choices and push devices in her GDPR export: what she chose and which devices, in words, never
the push service's address or keys."""

import pytest
from django.urls import reverse

from members.gdpr import member_export
from notices.models import Channel, ChannelChoice, Topic
from tests.conftest import log_in
from tests.factories import PushDeviceFactory

pytestmark = pytest.mark.django_db


def test_her_export_holds_her_channel_choices_and_devices_without_their_keys(volunteer):
    ChannelChoice.objects.create(member=volunteer, topic=Topic.REMINDERS, channel=Channel.SMS)
    ChannelChoice.objects.create(member=volunteer, topic=Topic.REMINDERS, channel=Channel.EMAIL)
    device = PushDeviceFactory(member=volunteer, label="Firefox på Android")
    section = member_export(volunteer)["notification_settings"]
    assert section["channel_choices"] == [
        {"topic": "reminders", "channel": "email"},
        {"topic": "reminders", "channel": "sms"},
    ]
    (row,) = section["push_devices"]
    assert row["device"] == "Firefox på Android" and row["last_used_at"] is None
    assert device.endpoint not in str(section) and device.auth not in str(row.values())


def test_her_data_page_shows_them_in_words(client, organisation, volunteer):
    ChannelChoice.objects.create(member=volunteer, topic=Topic.CALLOUTS, channel=Channel.SMS)
    PushDeviceFactory(member=volunteer, label="Safari på iPhone")
    page = log_in(client, volunteer).get(reverse("members:my_data", kwargs={"organisation": organisation.slug}))
    text = page.content.decode()
    assert "Enheter för push-aviseringar" in text and "Safari på iPhone" in text
    assert "Så får du aviseringar" in text and "SMS" in text
