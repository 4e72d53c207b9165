"""Sending an announcement: the message, a copy per recipient and one notice per recipient and channel, in one
transaction; a retried send plans nothing twice; bad input changes nothing and says why in Swedish; reading is
idempotent and drops her notices still waiting."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from announcements.models import Announcement, AnnouncementReceipt
from announcements.services import AnnouncementError, RecipientsChanged, announcement_read, announcement_send
from members.models import MemberStatus, Role
from notices.models import Channel, ChannelChoice, Notice, NoticeStatus, Topic
from notices.outbox import notice_plan_many, notice_send
from tests.factories import LineFactory, MemberFactory

pytestmark = pytest.mark.django_db


def nothing_saved() -> bool:
    return not (
        Announcement.objects.exists()
        or AnnouncementReceipt.objects.exists()
        or Notice.objects.filter(kind="announcement").exists()
    )


@pytest.fixture
def volunteers(organisation):
    return [MemberFactory(organisation=organisation, first_name=name) for name in ("Anna", "Bodil", "Cornelia")]


@pytest.fixture
def by_sms_too(organisation, volunteers):
    """Anna wants announcements by e-mail and SMS, and her shelter lets announcements go by SMS."""
    organisation.sms_topics = [Topic.ANNOUNCEMENTS]
    organisation.save()
    anna = volunteers[0]
    anna.phone = "+46701234567"
    anna.save()
    for channel in (Channel.EMAIL, Channel.SMS):
        ChannelChoice.objects.create(member=anna, topic=Topic.ANNOUNCEMENTS, channel=channel)
    return anna


def notices_per_channel() -> Counter:
    return Counter(
        (notice.recipient.first_name, notice.channel) for notice in Notice.objects.filter(kind="announcement")
    )


def test_a_send_makes_the_message_a_copy_each_and_plans_her_notices(organisation, coordinator, volunteers):
    announcement = announcement_send(
        organisation=organisation, author=coordinator, title=" Jourmöte ", body="Torsdag kl 18 i lokalen.\n"
    )
    assert (announcement.title, announcement.body) == ("Jourmöte", "Torsdag kl 18 i lokalen.")
    assert announcement.sent_at is not None and announcement.author == coordinator
    assert announcement.statuses == [MemberStatus.ACTIVE]
    assert {r.member.first_name: r.read_at for r in announcement.receipts.all()} == {
        "Anna": None,
        "Bodil": None,
        "Cornelia": None,
    }
    notices = Notice.objects.filter(kind="announcement")
    assert {notice.recipient.first_name for notice in notices} == {"Anna", "Bodil", "Cornelia"}
    assert all(notice.status == NoticeStatus.PENDING and notice.subject_id == announcement.pk for notice in notices)


def test_exactly_one_notice_per_recipient_and_channel_even_when_the_send_is_retried(
    organisation, coordinator, volunteers, by_sms_too
):
    first = announcement_send(
        organisation=organisation, author=coordinator, title="Jourmöte", body="Torsdag.", send_key="k" * 20
    )
    expected = Counter({("Anna", "email"): 1, ("Anna", "sms"): 1, ("Bodil", "email"): 1, ("Cornelia", "email"): 1})
    assert notices_per_channel() == expected
    # The same form sent again (a double click, the browser resending it): the same message, nothing more.
    again = announcement_send(
        organisation=organisation, author=coordinator, title="Jourmöte", body="Torsdag.", send_key="k" * 20
    )
    assert again.pk == first.pk
    assert Announcement.objects.count() == 1 and AnnouncementReceipt.objects.count() == 3
    assert notices_per_channel() == expected
    # Planning its notices again (as a retried task would) finds them planned.
    assert notice_plan_many([{"recipient": volunteers[0], "kind": "announcement", "subject": first}]) == 0
    assert notices_per_channel() == expected
    # Sent, and a second worker or a redelivered task finds nothing left to send.
    for notice in Notice.objects.filter(kind="announcement"):
        assert notice_send(notice_id=notice.pk) == NoticeStatus.SENT
        assert notice_send(notice_id=notice.pk) == "skipped"
    assert Counter(Notice.objects.filter(kind="announcement").values_list("status", flat=True)) == {"sent": 4}


def test_two_messages_are_two_messages(organisation, coordinator, volunteers):
    announcement_send(organisation=organisation, author=coordinator, title="Jourmöte", body="Torsdag.")
    announcement_send(organisation=organisation, author=coordinator, title="Jourmöte", body="Torsdag.")
    assert Announcement.objects.count() == 2
    assert Notice.objects.filter(kind="announcement").count() == 6


@pytest.mark.parametrize(
    ("title", "body", "said"),
    [
        ("", "Torsdag.", "Skriv en rubrik."),
        ("   ", "Torsdag.", "Skriv en rubrik."),
        ("Jour\nmöte", "Torsdag.", "Skriv rubriken på en rad, utan radbrytningar."),
        ("x" * 81, "Torsdag.", "Rubriken får vara högst 80 tecken."),
        ("Jourmöte", "", "Skriv meddelandet."),
        ("Jourmöte", "x" * 1001, "Meddelandet får vara högst 1000 tecken."),
    ],
)
def test_bad_text_changes_nothing_and_says_why_in_swedish(organisation, coordinator, volunteers, title, body, said):
    with pytest.raises(AnnouncementError) as refused:
        announcement_send(organisation=organisation, author=coordinator, title=title, body=body)
    assert said in refused.value.message
    assert nothing_saved()


def test_bad_filters_change_nothing_and_say_why_in_swedish(organisation, coordinator, volunteers, other_organisation):
    their_line = LineFactory(organisation=other_organisation)
    attempts = [
        ({"statuses": []}, "Välj vilka medlemsstatusar du skriver till"),
        ({"statuses": [MemberStatus.LEFT]}, "Välj vilka medlemsstatusar du skriver till"),
        ({"lines": [their_line]}, "Välj linjer i den här jouren."),
        ({"qualified_for": their_line}, "Välj linjer i den här jouren."),
    ]
    for filters, said in attempts:
        with pytest.raises(AnnouncementError) as refused:
            announcement_send(organisation=organisation, author=coordinator, title="Hej", body="Hej.", **filters)
        assert said in refused.value.message, filters
    assert nothing_saved()


def test_nobody_matching_sends_nothing(organisation, coordinator, volunteers):
    with pytest.raises(AnnouncementError) as refused:
        announcement_send(
            organisation=organisation, author=coordinator, title="Hej", body="Hej.", statuses=[MemberStatus.PAUSED]
        )
    assert refused.value.message == "Ingen matchar filtren, så meddelandet skickades inte."
    assert nothing_saved()


def test_only_a_coordinator_of_the_shelter_can_send(organisation, volunteers, other_shelter_coordinator):
    volunteer = volunteers[0]
    left = MemberFactory(organisation=organisation, role=Role.COORDINATOR, status=MemberStatus.LEFT)
    for author in (volunteer, other_shelter_coordinator, left):
        with pytest.raises(AnnouncementError) as refused:
            announcement_send(organisation=organisation, author=author, title="Hej", body="Hej.")
        assert refused.value.message == "Bara en samordnare i den här jouren kan skicka ett meddelande."
    assert nothing_saved()


def test_a_changed_number_of_recipients_refuses_the_confirmed_send(organisation, coordinator, volunteers):
    with pytest.raises(RecipientsChanged) as changed:
        announcement_send(organisation=organisation, author=coordinator, title="Hej", body="Hej.", expected_count=2)
    assert changed.value.count == 3
    assert "3 personer" in changed.value.message
    assert nothing_saved()


def test_reading_marks_her_copy_once(organisation, coordinator, volunteers):
    anna = volunteers[0]
    announcement = announcement_send(organisation=organisation, author=coordinator, title="Hej", body="Hej.")
    first = timezone.now()
    assert announcement_read(announcement=announcement, member=anna, now=first) is True
    assert announcement_read(announcement=announcement, member=anna, now=first + timedelta(hours=1)) is False
    assert AnnouncementReceipt.objects.get(member=anna).read_at == first
    # Someone without a copy reads nothing and marks nothing.
    assert announcement_read(announcement=announcement, member=coordinator) is False
    assert AnnouncementReceipt.objects.filter(read_at__isnull=False).count() == 1


def test_a_notice_still_waiting_when_she_has_read_it_is_dropped(organisation, coordinator, volunteers):
    anna = volunteers[0]
    announcement = announcement_send(organisation=organisation, author=coordinator, title="Hej", body="Hej.")
    announcement_read(announcement=announcement, member=anna)
    notice = Notice.objects.get(kind="announcement", recipient=anna)
    assert notice_send(notice_id=notice.pk) == NoticeStatus.DROPPED
    notice.refresh_from_db()
    assert notice.last_error == "She has already read the message in Jourplan."


def test_a_send_costs_the_same_number_of_queries_for_ten_or_forty_recipients(organisation, coordinator):
    def queries_for(count: int) -> int:
        MemberFactory.create_batch(count, organisation=organisation)
        with CaptureQueriesContext(connection) as captured:
            announcement_send(organisation=organisation, author=coordinator, title="Hej", body="Hej.")
        AnnouncementReceipt.objects.all().delete()
        Notice.objects.all().delete()
        Announcement.objects.all().delete()
        return len(captured)

    assert queries_for(10) == queries_for(30)
