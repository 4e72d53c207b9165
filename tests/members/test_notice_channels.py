"""Channels (issue 6, point 4): her channel choice is honoured (SMS only with a phone number) and no SMS is
sent in her quiet hours (wall-clock time in her shelter's zone; windows may cross midnight and a DST change)."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from notices import outbox as notices
from notices.kinds import NoticeKind
from notices.models import Channel, Notice, NoticeStatus
from tests.factories import MemberFactory
from tests.sms import RECORDING, RecordingSmsBackend


class ChannelPing(NoticeKind):
    slug = "test_channel_ping"
    label = "Ping"
    planned_by = "these tests"

    def render(self, notice):
        return notices.Message(subject="Jourplan: ping", text="ping by mail", sms="ping by sms")


@pytest.fixture(autouse=True)
def _ping_kind(settings):
    settings.NOTICE_KINDS = (*settings.NOTICE_KINDS, f"{__name__}.ChannelPing")


@pytest.fixture(autouse=True)
def _clean_sms_log(settings):
    settings.SMS_BACKEND = RECORDING
    RecordingSmsBackend.clear()
    yield
    RecordingSmsBackend.clear()


def member(organisation, **prefs):
    return MemberFactory(organisation=organisation, phone="+46701234567", **prefs)


def send_now(recipient):
    notice = notices.notice_plan(recipient=recipient, kind="test_channel_ping")
    return notice, notices.notice_send(notice_id=notice.pk)


@pytest.mark.django_db
def test_sms_when_she_chose_sms_and_has_a_phone(organisation):
    notice, status = send_now(member(organisation, notice_channel=Channel.SMS))
    assert status == NoticeStatus.SENT
    assert RecordingSmsBackend.sent == [("+46701234567", "ping by sms")]
    assert mail.outbox == []
    notice.refresh_from_db()
    assert notice.channel == Channel.SMS


@pytest.mark.django_db
def test_email_when_she_chose_sms_but_has_no_phone(organisation):
    recipient = MemberFactory(organisation=organisation, notice_channel=Channel.SMS, phone="")
    notice, status = send_now(recipient)
    assert status == NoticeStatus.SENT
    assert RecordingSmsBackend.sent == []
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.channel == Channel.EMAIL


@pytest.mark.django_db
def test_email_by_default_even_with_a_phone(organisation):
    send_now(member(organisation))
    assert RecordingSmsBackend.sent == [] and len(mail.outbox) == 1


@pytest.mark.django_db
def test_her_choice_at_send_time_wins_over_the_channel_at_planning_time(organisation):
    recipient = member(organisation)
    notice = notices.notice_plan(recipient=recipient, kind="test_channel_ping")
    assert notice.channel == Channel.EMAIL
    recipient.notice_channel = Channel.SMS
    recipient.save(update_fields=["notice_channel"])
    notices.notice_send(notice_id=notice.pk)
    assert len(RecordingSmsBackend.sent) == 1 and mail.outbox == []


def stockholm(*args):
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Stockholm"))


NIGHT = {"quiet_hours_start": time(22, 0), "quiet_hours_end": time(8, 0)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("local_now", "postponed_to"),
    [
        (stockholm(2026, 11, 24, 23, 30), stockholm(2026, 11, 25, 8, 0)),  # before midnight
        (stockholm(2026, 11, 25, 3, 0), stockholm(2026, 11, 25, 8, 0)),  # after midnight
        (stockholm(2026, 11, 24, 22, 0), stockholm(2026, 11, 25, 8, 0)),  # the window's first minute
    ],
)
def test_an_sms_in_her_quiet_hours_is_postponed_to_their_end(organisation, local_now, postponed_to):
    recipient = member(organisation, notice_channel=Channel.SMS, **NIGHT)
    with time_machine.travel(local_now, tick=False):
        notice, status = send_now(recipient)
    assert status == "postponed"
    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.claimed_at) == (NoticeStatus.PENDING, 0, None)
    assert notice.due_at == postponed_to
    assert RecordingSmsBackend.sent == []
    with time_machine.travel(postponed_to, tick=False):
        assert notices.notice_send(notice_id=notice.pk) == NoticeStatus.SENT
    assert len(RecordingSmsBackend.sent) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("local_now", [stockholm(2026, 11, 24, 8, 0), stockholm(2026, 11, 24, 21, 59)])
def test_an_sms_outside_her_quiet_hours_goes_at_once(organisation, local_now):
    recipient = member(organisation, notice_channel=Channel.SMS, **NIGHT)
    with time_machine.travel(local_now, tick=False):
        assert send_now(recipient)[1] == NoticeStatus.SENT


@pytest.mark.django_db
def test_a_daytime_window_that_does_not_cross_midnight(organisation):
    recipient = member(organisation, notice_channel=Channel.SMS, quiet_hours_start=time(9), quiet_hours_end=time(17))
    with time_machine.travel(stockholm(2026, 6, 1, 12, 0), tick=False):
        notice, status = send_now(recipient)
    assert status == "postponed"
    notice.refresh_from_db()
    assert notice.due_at == stockholm(2026, 6, 1, 17, 0)
    with time_machine.travel(stockholm(2026, 6, 1, 18, 0), tick=False):
        assert send_now(member(organisation, notice_channel=Channel.SMS, **NIGHT))[1] == NoticeStatus.SENT


@pytest.mark.django_db
def test_email_is_not_postponed_by_quiet_hours(organisation):
    recipient = member(organisation, notice_channel=Channel.EMAIL, **NIGHT)
    with time_machine.travel(stockholm(2026, 11, 24, 23, 30), tick=False):
        assert send_now(recipient)[1] == NoticeStatus.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_quiet_hours_across_the_spring_forward_night(organisation):
    """29 March 2026: clocks go 02:00 → 03:00 in Stockholm, so 23:00 → 08:00 is only 8 real hours."""
    recipient = member(organisation, notice_channel=Channel.SMS, **NIGHT)
    with time_machine.travel(stockholm(2026, 3, 28, 23, 0), tick=False):
        notice, _ = send_now(recipient)
    notice.refresh_from_db()
    assert notice.due_at == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)  # 08:00 CEST
    assert notice.due_at - stockholm(2026, 3, 28, 23, 0) == timedelta(hours=8)


@pytest.mark.django_db
def test_quiet_hours_across_the_autumn_night(organisation):
    """25 October 2026: clocks go 03:00 → 02:00; 23:00 → 08:00 is 10 real hours."""
    recipient = member(organisation, notice_channel=Channel.SMS, **NIGHT)
    with time_machine.travel(stockholm(2026, 10, 24, 23, 0), tick=False):
        notice, _ = send_now(recipient)
    notice.refresh_from_db()
    assert notice.due_at == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)  # 08:00 CET
    assert notice.due_at - stockholm(2026, 10, 24, 23, 0) == timedelta(hours=10)


@pytest.mark.django_db
def test_quiet_hours_ending_in_the_skipped_hour_end_when_the_clock_jumps(organisation):
    recipient = member(
        organisation, notice_channel=Channel.SMS, quiet_hours_start=time(22), quiet_hours_end=time(2, 30)
    )
    with time_machine.travel(stockholm(2026, 3, 28, 23, 0), tick=False):
        notice, _ = send_now(recipient)
    notice.refresh_from_db()
    assert notice.due_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST, just after the jump


@pytest.mark.django_db
def test_quiet_hours_use_her_shelters_time_zone(organisation):
    organisation.time_zone = "America/New_York"
    organisation.save(update_fields=["time_zone"])
    recipient = member(organisation, notice_channel=Channel.SMS, **NIGHT)
    # 12:00 in Stockholm is 06:00 in New York: inside her quiet hours there.
    with time_machine.travel(stockholm(2026, 11, 24, 12, 0), tick=False):
        notice, status = send_now(recipient)
    assert status == "postponed"
    notice.refresh_from_db()
    assert notice.due_at == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 08:00 EST


@pytest.mark.django_db
def test_a_postponed_sms_is_not_sent_twice(organisation):
    recipient = member(organisation, notice_channel=Channel.SMS, **NIGHT)
    with time_machine.travel(stockholm(2026, 11, 24, 23, 30), tick=False):
        notice, _ = send_now(recipient)
    with time_machine.travel(stockholm(2026, 11, 25, 8, 1), tick=False):
        from notices import tasks

        tasks.dispatch_due_notices()
        tasks.dispatch_due_notices()
    assert len(RecordingSmsBackend.sent) == 1
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.SENT
