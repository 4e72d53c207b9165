"""Channels per topic (issue 18, point 3): one Notice row per channel she wants for the kind's topic and can be
reached by (SMS: a phone number and her shelter allows SMS for the topic; push: a device; e-mail: always), e-mail
when nothing remains; account notices always by e-mail. At send time a row whose channel is gone gives way to a
sibling row, or moves to e-mail. Exactly once across channels: each channel's row is sent once, and a retry on one
channel never sends the other again.

SMS goes to the recording backend (tests/sms.py); push to the local push service stand-in
(tests/notices/push_standin.py), which checks the VAPID signature and decrypts the payload.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Role
from notices import outbox, tasks
from notices import push as webpush
from notices.kinds import NoticeKind, registered_kinds
from notices.models import Channel, ChannelChoice, Notice, NoticeStatus, PushDevice, Topic
from shifts.services import shift_cancel
from tests.factories import MemberFactory, PushDeviceFactory, ShiftFactory
from tests.notices.push_standin import PushServiceStandIn
from tests.sms import RECORDING, RecordingSmsBackend

pytestmark = pytest.mark.django_db

PHONE = "+46701234567"
EVERY_TOPIC = [Topic.REMINDERS, Topic.CALLOUTS, Topic.CHANGES, Topic.ANNOUNCEMENTS]
SITE = "http://127.0.0.1:8000"


class FlakySmsBackend(RecordingSmsBackend):
    """The provider fails the first `failures` sends (a 5xx: try again later), then takes them."""

    failures = 0

    def send(self, to, text, *, sender="Jourplan", report_url=""):
        if FlakySmsBackend.failures > 0:
            FlakySmsBackend.failures -= 1
            raise ConnectionError("503 from the SMS provider")
        return super().send(to, text, sender=sender, report_url=report_url)


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.SMS_BACKEND = RECORDING
    RecordingSmsBackend.clear()
    FlakySmsBackend.failures = 0
    settings.VAPID_PRIVATE_KEY = webpush.private_key_text(webpush.generate_private_key())
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:drift@jourplan.example"
    settings.PUSH_TIMEOUT = 0.5
    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]
    settings.SITE_URL = SITE
    yield
    RecordingSmsBackend.clear()


@pytest.fixture
def shelter(organisation):
    """Her shelter lets call-outs, changes and reminders go by SMS (not announcements)."""
    organisation.sms_topics = [Topic.REMINDERS, Topic.CALLOUTS, Topic.CHANGES]
    organisation.save(update_fields=["sms_topics"])
    return organisation


def volunteer(organisation, *, phone=PHONE, wants=None, device=False, **extra):
    """A volunteer who wants `wants` (topic → channels) and has a push device when `device`."""
    member = MemberFactory(organisation=organisation, phone=phone, language="en", **extra)
    for topic, channels in (wants or {}).items():
        ChannelChoice.objects.bulk_create(ChannelChoice(member=member, topic=topic, channel=c) for c in channels)
    if device:
        PushDeviceFactory(member=member)
    return member


def cancelled_shift(organisation):
    return ShiftFactory(line__organisation=organisation, cancelled_at=timezone.now())


def plan_cancelled(member, shift=None):
    """Her notice that a shift is cancelled (topic: changes), as shift_cancel plans it."""
    shift = shift or cancelled_shift(member.organisation)
    return outbox.notice_plan(recipient=member, kind="shift_cancelled", subject=shift)


def rows_of(member):
    return {n.channel: n for n in Notice.objects.filter(recipient=member)}


def send_due(now=None):
    """Every due row, as a worker sends them (twice, as two beat ticks may)."""
    for notice_id in outbox.due_notice_ids(now or timezone.now()) * 2:
        outbox.notice_send(notice_id=notice_id, now=now)


# --- Every kind has a topic -------------------------------------------------------------------------------------


def test_every_listed_kind_names_its_topic():
    for slug, kind in registered_kinds().items():
        assert kind.topic in Topic.values, f"{slug} names no topic (NoticeKind.topic)"


def test_notices_about_her_login_and_membership_are_account_notices():
    kinds = registered_kinds()
    for slug in ("invitation", "membership_invitation", "pledge_new_version"):
        assert kinds[slug].topic == Topic.ACCOUNT
    assert kinds["shift_reminder"].topic == Topic.REMINDERS
    assert kinds["callout_ask"].topic == Topic.CALLOUTS
    assert kinds["shift_cancelled"].topic == Topic.CHANGES


# --- Planning: one row per channel ------------------------------------------------------------------------------


def test_one_row_per_channel_she_wants_for_the_topic(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms", "push"]}, device=True)
    shift = cancelled_shift(shelter)

    first = plan_cancelled(member, shift)

    rows = rows_of(member)
    assert set(rows) == {Channel.EMAIL, Channel.SMS, Channel.PUSH}
    assert first == rows[Channel.EMAIL]
    key = outbox.dedupe_key(kind="shift_cancelled", recipient_id=member.pk, subject=shift)
    assert rows[Channel.EMAIL].dedupe_key == key  # an e-mail row keeps the key every row had before
    assert rows[Channel.SMS].dedupe_key == f"{key}@sms"
    assert rows[Channel.PUSH].dedupe_key == f"{key}@push"


def test_planning_again_plans_nothing_on_any_channel(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms"]})
    shift = cancelled_shift(shelter)
    plan_cancelled(member, shift)

    assert plan_cancelled(member, shift) is None
    row = {"recipient": member, "kind": "shift_cancelled", "subject": shift}
    assert outbox.notice_plan_many([row]) == 0
    ChannelChoice.objects.create(member=member, topic=Topic.CHANGES, channel=Channel.PUSH)
    PushDeviceFactory(member=member)
    assert plan_cancelled(member, shift) is None  # a new channel does not plan the notice a second time
    assert Notice.objects.filter(recipient=member).count() == 2


def test_a_row_planned_before_channels_were_per_topic_still_counts(shelter):
    """A row planned before this change (an SMS row with the bare key) keeps the notice from being planned again."""
    member = volunteer(shelter, wants={Topic.CHANGES: ["sms"]})
    shift = cancelled_shift(shelter)
    key = outbox.dedupe_key(kind="shift_cancelled", recipient_id=member.pk, subject=shift)
    Notice.objects.create(
        organisation=shelter, recipient=member, kind="shift_cancelled", channel=Channel.SMS, dedupe_key=key
    )
    assert plan_cancelled(member, shift) is None


def test_no_sms_row_for_a_topic_her_shelter_does_not_send_by_sms(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms"]})
    shelter.sms_topics = [Topic.REMINDERS]
    shelter.save(update_fields=["sms_topics"])
    plan_cancelled(member)
    assert set(rows_of(member)) == {Channel.EMAIL}


def test_no_sms_row_without_a_phone_number(shelter):
    member = volunteer(shelter, phone="", wants={Topic.CHANGES: ["email", "sms"]})
    plan_cancelled(member)
    assert set(rows_of(member)) == {Channel.EMAIL}


def test_no_push_row_without_a_device(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["sms", "push"]})
    plan_cancelled(member)
    assert set(rows_of(member)) == {Channel.SMS}


def test_e_mail_when_none_of_her_channels_is_possible(shelter):
    member = volunteer(shelter, phone="", wants={Topic.CHANGES: ["sms", "push"]})
    plan_cancelled(member)
    assert set(rows_of(member)) == {Channel.EMAIL}


def test_her_default_channel_for_a_topic_she_chose_nothing_for(shelter):
    member = volunteer(shelter, notice_channel=Channel.SMS, wants={Topic.REMINDERS: ["email"]})
    plan_cancelled(member)
    assert set(rows_of(member)) == {Channel.SMS}


def test_account_notices_always_go_by_e_mail(shelter):
    member = volunteer(shelter, notice_channel=Channel.SMS, wants=dict.fromkeys(EVERY_TOPIC, ["sms", "push"]))
    PushDeviceFactory(member=member)
    shelter.sms_topics = [*EVERY_TOPIC, Topic.ACCOUNT]  # even a shelter that (wrongly) lists them
    shelter.save(update_fields=["sms_topics"])
    outbox.notice_plan(recipient=member, kind="invitation")
    assert set(rows_of(member)) == {Channel.EMAIL}


def test_the_services_plan_per_channel_and_count_people(shelter, coordinator):
    """shift_cancel (a caller of notice_plan) counts the people told, not the rows."""
    shift = ShiftFactory(line__organisation=shelter)
    both = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms"]})
    plain = volunteer(shelter)
    for member in (both, plain):
        shift.assignments.create(member=member, status="confirmed", created_at=timezone.now())
    assert shift_cancel(shift=shift, by=coordinator) == 2
    assert set(rows_of(both)) == {Channel.EMAIL, Channel.SMS} and set(rows_of(plain)) == {Channel.EMAIL}


@pytest.mark.parametrize("count", [1, 12])
def test_planning_many_reads_her_choices_in_one_query_whatever_the_number(shelter, count):
    members = [volunteer(shelter, wants={Topic.CHANGES: ["email", "sms", "push"]}, device=True) for _ in range(count)]
    shift = cancelled_shift(shelter)
    rows = [{"recipient": m, "kind": "shift_cancelled", "subject": shift} for m in members]
    outbox.notice_plan_many([])  # content types cached
    outbox.dedupe_key(kind="x", recipient_id=0, subject=shift)
    with CaptureQueriesContext(connection) as queries:
        assert outbox.notice_plan_many(rows) == count
    assert len(queries) == 3  # her choices and devices; the existing keys; the insert
    assert Notice.objects.count() == 3 * count


# --- Send time: a channel that is gone --------------------------------------------------------------------------


def test_an_sms_row_whose_phone_is_gone_gives_way_to_her_e_mail_row(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms"]})
    plan_cancelled(member)
    member.phone = ""
    member.save(update_fields=["phone"])

    send_due()

    rows = rows_of(member)
    assert rows[Channel.EMAIL].status == NoticeStatus.SENT
    assert rows[Channel.SMS].status == NoticeStatus.DROPPED
    assert "no phone number" in rows[Channel.SMS].last_error and "email" in rows[Channel.SMS].last_error
    assert len(mail.outbox) == 1 and RecordingSmsBackend.sent == []


def test_an_sms_row_the_shelter_no_longer_allows_gives_way(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms"]})
    plan_cancelled(member)
    shelter.sms_topics = [Topic.REMINDERS]
    shelter.save(update_fields=["sms_topics"])

    send_due()

    rows = rows_of(member)
    assert rows[Channel.SMS].status == NoticeStatus.DROPPED
    assert "does not send these notices by SMS" in rows[Channel.SMS].last_error
    assert len(mail.outbox) == 1 and RecordingSmsBackend.sent == []


def test_a_push_row_whose_device_is_gone_gives_way(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["sms", "push"]}, device=True)
    plan_cancelled(member)
    PushDevice.objects.filter(member=member).delete()

    send_due()

    rows = rows_of(member)
    assert rows[Channel.PUSH].status == NoticeStatus.DROPPED
    assert "no device" in rows[Channel.PUSH].last_error
    assert rows[Channel.SMS].status == NoticeStatus.SENT
    assert len(RecordingSmsBackend.sent) == 1 and mail.outbox == []


def test_a_lone_row_whose_channel_is_gone_falls_back_to_e_mail(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["sms"]})
    plan_cancelled(member)
    member.phone = ""
    member.save(update_fields=["phone"])

    send_due()

    (row,) = rows_of(member).values()
    assert (row.channel, row.status) == (Channel.EMAIL, NoticeStatus.SENT)
    assert len(mail.outbox) == 1 and RecordingSmsBackend.sent == []


def test_two_rows_that_both_lost_their_channel_reach_her_once_by_e_mail(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["sms", "push"]}, device=True)
    plan_cancelled(member)
    member.phone = ""
    member.save(update_fields=["phone"])
    PushDevice.objects.filter(member=member).delete()

    send_due()

    statuses = sorted(Notice.objects.filter(recipient=member).values_list("channel", "status"))
    assert statuses == [(Channel.EMAIL, NoticeStatus.SENT), (Channel.PUSH, NoticeStatus.DROPPED)]
    assert len(mail.outbox) == 1


def test_a_channel_she_no_longer_wants_is_not_used(shelter):
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms"]})
    plan_cancelled(member)
    ChannelChoice.objects.filter(member=member, channel=Channel.SMS).delete()  # she took SMS off for changes

    send_due()

    rows = rows_of(member)
    assert rows[Channel.SMS].status == NoticeStatus.DROPPED
    assert "no longer wants" in rows[Channel.SMS].last_error
    assert len(mail.outbox) == 1 and RecordingSmsBackend.sent == []


def stockholm(*args):
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_quiet_hours_hold_back_sms_and_push_but_not_e_mail(shelter):
    member = volunteer(
        shelter,
        wants={Topic.CHANGES: ["email", "sms", "push"]},
        device=True,
        quiet_hours_start=time(22),
        quiet_hours_end=time(8),
    )
    night = stockholm(2026, 11, 24, 23, 30)
    with time_machine.travel(night, tick=False):
        plan_cancelled(member)
        send_due()

    rows = rows_of(member)
    assert rows[Channel.EMAIL].status == NoticeStatus.SENT
    for channel in (Channel.SMS, Channel.PUSH):
        assert rows[channel].status == NoticeStatus.PENDING
        assert rows[channel].due_at == stockholm(2026, 11, 25, 8, 0)
        assert rows[channel].attempts == 0
    assert RecordingSmsBackend.sent == []


@pytest.mark.parametrize(("wants", "choice_reads"), [(None, 0), ({Topic.CHANGES: ["email"]}, 1)])
def test_sending_reads_her_choices_in_one_query_at_most(shelter, wants, choice_reads):
    """Claim, load (with whether she has a device and chose anything), the kind's own read, mark; her choices for
    the topic one query more, only when she made any."""
    member = volunteer(shelter, wants=wants)
    notice = plan_cancelled(member)
    with CaptureQueriesContext(connection) as queries:
        assert outbox.notice_send(notice_id=notice.pk) == NoticeStatus.SENT
    kind_reads = 1  # shift_cancelled loads its shift
    assert len(queries) == 3 + kind_reads + choice_reads


# --- Exactly once across channels -------------------------------------------------------------------------------


@pytest.fixture
def push_service():
    with PushServiceStandIn().running() as service:
        yield service


def subscribed(push_service, member, mode="ok"):
    subscription = push_service.subscribe(server_key=webpush.application_server_key(), mode=mode)
    PushDeviceFactory(member=member, endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth)
    return subscription


def test_a_notice_by_e_mail_sms_and_push_reaches_each_once_whatever_the_ticks(shelter, push_service):
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms", "push"]})
    subscription = subscribed(push_service, member)
    plan_cancelled(member)

    tasks.dispatch_due_notices()
    tasks.dispatch_due_notices()
    send_due()

    assert len(mail.outbox) == 1
    assert [to for to, _text in RecordingSmsBackend.sent] == [PHONE]
    assert len(push_service.received_by(subscription)) == 1
    rows = rows_of(member)
    assert {row.status for row in rows.values()} == {NoticeStatus.SENT}
    assert rows[Channel.SMS].provider_ref == "test1"


def test_a_retry_after_an_sms_failure_sends_only_the_sms(shelter, settings, push_service):
    settings.SMS_BACKEND = f"{__name__}.FlakySmsBackend"
    FlakySmsBackend.failures = 1
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms", "push"]})
    subscription = subscribed(push_service, member)
    plan_cancelled(member)

    send_due()
    rows = rows_of(member)
    assert rows[Channel.SMS].status == NoticeStatus.PENDING and rows[Channel.SMS].attempts == 1
    assert rows[Channel.EMAIL].status == rows[Channel.PUSH].status == NoticeStatus.SENT

    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        send_due(later)
        tasks.dispatch_due_notices()

    assert len(RecordingSmsBackend.sent) == 1
    assert len(mail.outbox) == 1
    assert len(push_service.received_by(subscription)) == 1
    assert rows_of(member)[Channel.SMS].status == NoticeStatus.SENT


def test_a_retry_after_a_push_failure_never_sends_the_sms_again(shelter, push_service):
    member = volunteer(shelter, wants={Topic.CHANGES: ["sms", "push"]})
    subscription = subscribed(push_service, member, mode="error")  # the push service answers 500
    plan_cancelled(member)

    send_due()
    rows = rows_of(member)
    assert rows[Channel.PUSH].status == NoticeStatus.PENDING and rows[Channel.SMS].status == NoticeStatus.SENT

    subscription.mode = "ok"  # the push service is back
    later = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        send_due(later)

    assert len(RecordingSmsBackend.sent) == 1
    assert len(push_service.received_by(subscription)) == 1
    assert rows_of(member)[Channel.PUSH].status == NoticeStatus.SENT


def test_a_coordinators_try_again_of_a_failed_sms_sends_only_the_sms(shelter, settings):
    settings.SMS_BACKEND = f"{__name__}.FlakySmsBackend"
    FlakySmsBackend.failures = outbox.MAX_ATTEMPTS
    member = volunteer(shelter, wants={Topic.CHANGES: ["email", "sms"]})
    plan_cancelled(member)
    moment = timezone.now()
    for _attempt in range(outbox.MAX_ATTEMPTS):
        moment += timedelta(hours=2)
        with time_machine.travel(moment, tick=False):
            send_due(moment)
    failed = rows_of(member)[Channel.SMS]
    assert failed.status == NoticeStatus.FAILED and len(mail.outbox) == 1

    assert outbox.notice_retry(notice_id=failed.pk, organisation=shelter)
    send_due()

    assert len(RecordingSmsBackend.sent) == 1 and len(mail.outbox) == 1


def test_a_kind_without_a_topic_goes_by_her_default_channel(organisation, settings):
    """A test's or benchmark's own kind (not in NOTICE_KINDS' real list) keeps the old rule: her default channel."""

    settings.NOTICE_KINDS = (*settings.NOTICE_KINDS, f"{__name__}.Untopical")
    member = volunteer(organisation, notice_channel=Channel.SMS)
    outbox.notice_plan(recipient=member, kind="test_untopical")
    assert set(rows_of(member)) == {Channel.SMS}


class Untopical(NoticeKind):
    slug = "test_untopical"
    label = "Untopical"
    planned_by = "these tests"

    def render(self, notice):
        return outbox.Message(subject="Jourplan: test", text="test")


def test_coordinators_alerts_follow_their_choice_for_call_outs(shelter):
    coordinator = volunteer(shelter, role=Role.COORDINATOR, wants={Topic.CALLOUTS: ["sms"]})
    shift = ShiftFactory(line__organisation=shelter, starts_at=datetime.now(UTC) + timedelta(hours=3))
    outbox.notice_plan(recipient=coordinator, kind="understaffed_alert", subject=shift)
    assert set(rows_of(coordinator)) == {Channel.SMS}
