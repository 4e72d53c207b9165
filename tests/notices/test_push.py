"""Web push (issue 18, point 2): a notice goes to each of her push devices, signed with our VAPID key and encrypted
for that browser, and the answers of the push service decide what happens: delivered, forgotten (404/410), refused
(other 4xx: failed, not retried), or tried again later (5xx, no answer) without a second copy to a device that took it.

The push service is a real one on a loopback port (tests/notices/push_standin.py): it verifies the ES256 signature,
`aud`, `exp` and `sub` of the VAPID token, and decrypts the aes128gcm payload with the subscription's own keys.
Time bounds are generous upper bounds (< 3 s for a 0.5 s PUSH_TIMEOUT): they prove boundedness, nothing more.
"""

import json
import os
import stat
import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from notices import outbox
from notices import push as webpush
from notices.channels import PermanentDeliveryError
from notices.kinds import NoticeKind
from notices.models import Channel, Notice, NoticeStatus, PushDevice
from shifts.reminders import reminder_variant
from tests.concurrency import require_postgres
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, PushDeviceFactory, ShiftFactory
from tests.frozen import closed_port
from tests.notices.push_standin import PushServiceStandIn

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
CALL_OUT_TEXT = f"Jourplan: Ett pass behöver dig: tors 20–23. Svara i Jourplan. {SITE}/answer/abc123/"


class PushPing(NoticeKind):
    """A call-out-like notice whose SMS text carries her link (as callout_ask's does)."""

    slug = "test_push_ping"
    label = "Ping"
    planned_by = "these tests"

    def render(self, notice):
        return outbox.Message(subject="Jourplan: Ett pass behöver dig", text="…", sms=CALL_OUT_TEXT)


@pytest.fixture(autouse=True)
def _push(settings):
    settings.NOTICE_KINDS = (*settings.NOTICE_KINDS, f"{__name__}.PushPing")
    settings.VAPID_PRIVATE_KEY = webpush.private_key_text(webpush.generate_private_key())
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_SUBJECT = "mailto:drift@jourplan.example"
    settings.PUSH_TIMEOUT = 0.5
    settings.PUSH_SERVICE_HOSTS = ["127.0.0.1"]  # the stand-in; plain http only because it is loopback
    settings.SITE_URL = SITE
    return settings


@pytest.fixture
def push_service():
    with PushServiceStandIn().running() as service:
        yield service


def volunteer(organisation, **extra):
    """A volunteer who gets her notices by push (in English: the reasons below are asserted in English)."""
    return MemberFactory(organisation=organisation, notice_channel=Channel.PUSH, **{"language": "en", **extra})


def device_of(member, subscription):
    """What the opt-in page stores from the browser's PushSubscription."""
    return PushDeviceFactory(
        member=member, endpoint=subscription.endpoint, p256dh=subscription.p256dh, auth=subscription.auth
    )


def subscribed(push_service, member, *modes):
    """Her devices, one per mode, each subscribed (as a browser does) with today's application server key."""
    subscriptions = [push_service.subscribe(server_key=webpush.application_server_key(), mode=m) for m in modes]
    return subscriptions, [device_of(member, s) for s in subscriptions]


def plan(member, kind="test_push_ping", **extra):
    notice = outbox.notice_plan(
        recipient=member, kind=kind, due_at=extra.pop("due_at", timezone.now() - timedelta(minutes=1)), **extra
    )
    assert notice is not None and notice.channel == Channel.PUSH
    return notice


def send(notice, now=None):
    status = outbox.notice_send(notice_id=notice.pk, now=now)
    notice.refresh_from_db()
    return status


# --- Delivered ------------------------------------------------------------------------------------------------------


def test_a_push_notice_reaches_her_device_signed_with_our_key_and_readable_only_by_her_browser(
    organisation, push_service
):
    member = volunteer(organisation)
    (subscription,), (device,) = subscribed(push_service, member, "ok")
    notice = plan(member)

    assert send(notice) == NoticeStatus.SENT
    (received,) = push_service.received_by(subscription)  # its VAPID token verified, its payload decrypted
    assert received.payload == {
        "title": "Jourplan",
        "body": "Ett pass behöver dig: tors 20–23. Svara i Jourplan.",
        "url": f"{SITE}/answer/abc123/",
        "tag": f"jourplan-{notice.pk}",
    }
    assert received.claims["aud"] == push_service.origin
    assert received.claims["sub"] == "mailto:drift@jourplan.example"
    assert timezone.now().timestamp() + 11 * 3600 < received.claims["exp"] <= timezone.now().timestamp() + 12 * 3600
    assert received.headers["ttl"] == str(12 * 3600)
    assert received.headers["urgency"] == "normal"
    assert received.headers["topic"] == f"jourplan-{notice.pk}"
    assert (notice.status, notice.attempts, notice.sent_at is not None) == (NoticeStatus.SENT, 1, True)
    device.refresh_from_db()
    assert device.last_used_at is not None
    # Sent once: neither beat nor a retry sends it again.
    assert outbox.notice_send(notice_id=notice.pk) == "skipped"
    assert len(push_service.requests) == 1


def test_a_real_reminder_by_push_names_neither_her_shelter_nor_the_line(organisation, push_service):
    member = volunteer(organisation, reminder_offsets_minutes=[1440], language="sv")
    (subscription,), _ = subscribed(push_service, member, "ok")
    line = LineFactory(organisation=organisation, name="Stödtelefonen för våldsutsatta kvinnor")
    shift = ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=1, hours=1))
    assignment = AssignmentFactory(shift=shift, member=member)
    notice = plan(member, kind="shift_reminder", subject=assignment, variant=reminder_variant(1440, shift.starts_at))

    assert send(notice) == NoticeStatus.SENT

    (received,) = push_service.received_by(subscription)
    seen = json.dumps(received.payload, ensure_ascii=False)
    assert received.payload["title"] == "Jourplan"
    assert received.payload["body"].startswith("Påminnelse")
    assert received.payload["url"] == f"{SITE}/"
    for secret in (organisation.name, "Kvinnojouren", line.name, "våld", member.first_name, member.last_name):
        assert secret not in seen


def test_each_of_her_devices_gets_the_notice_once(organisation, push_service):
    member = volunteer(organisation)
    (phone, tablet), _ = subscribed(push_service, member, "ok", "ok")
    someone_else = volunteer(organisation)
    (hers,), _ = subscribed(push_service, someone_else, "ok")

    assert send(plan(member)) == NoticeStatus.SENT

    assert len(push_service.received_by(phone)) == len(push_service.received_by(tablet)) == 1
    assert push_service.received_by(hers) == []


# --- The push service's answers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["gone", "not_found"])
def test_a_device_the_push_service_says_is_gone_is_forgotten_and_the_notice_fails_for_good(
    organisation, push_service, mode
):
    member = volunteer(organisation)
    _, (device,) = subscribed(push_service, member, mode)
    notice = plan(member)

    assert send(notice) == NoticeStatus.FAILED

    assert not PushDevice.objects.filter(pk=device.pk).exists()
    assert notice.last_error == "Every device she had chosen for push notifications is gone."
    assert outbox.notice_send(notice_id=notice.pk) == "skipped"  # failed for good: not retried
    assert len(push_service.requests) == 1


def test_with_two_devices_one_gone_the_other_gets_it_and_the_gone_one_is_forgotten(organisation, push_service):
    member = volunteer(organisation)
    (working, _gone), (kept, forgotten) = subscribed(push_service, member, "ok", "gone")

    assert send(plan(member)) == NoticeStatus.SENT

    assert len(push_service.received_by(working)) == 1
    assert list(member.push_devices.all()) == [kept]
    assert not PushDevice.objects.filter(pk=forgotten.pk).exists()


@pytest.mark.parametrize(("mode", "status"), [("too_large", "413"), ("bad_request", "400")])
def test_a_request_the_push_service_refuses_fails_the_notice_and_keeps_the_device(
    organisation, push_service, mode, status
):
    member = volunteer(organisation)
    _, (device,) = subscribed(push_service, member, mode)
    notice = plan(member)

    assert send(notice) == NoticeStatus.FAILED

    assert notice.last_error.startswith("The push service refused it:") and status in notice.last_error
    assert PushDevice.objects.filter(pk=device.pk).exists()  # refused is not gone
    assert len(push_service.requests) == 1


def test_a_push_signed_with_another_key_than_the_subscription_was_made_for_is_refused(
    organisation, push_service, settings
):
    member = volunteer(organisation)
    (subscription,), (device,) = subscribed(push_service, member, "ok")
    # The operator replaced the VAPID key: subscriptions made for the old one are refused by the push service.
    settings.VAPID_PRIVATE_KEY = webpush.private_key_text(webpush.generate_private_key())
    notice = plan(member)

    assert send(notice) == NoticeStatus.FAILED

    assert push_service.received == []
    ((_, answered, why),) = push_service.refused
    assert (answered, why) == (403, "k is not the key this subscription was made for")
    assert "403" in notice.last_error
    assert PushDevice.objects.filter(pk=device.pk).exists()


def test_a_payload_encrypted_for_other_keys_does_not_decrypt_at_the_push_service(organisation, push_service):
    """The stand-in really decrypts: a device stored with another browser's keys gets nothing readable."""
    member = volunteer(organisation)
    subscription = push_service.subscribe(server_key=webpush.application_server_key())
    stranger = push_service.subscribe(server_key=webpush.application_server_key())
    PushDeviceFactory(member=member, endpoint=subscription.endpoint, p256dh=stranger.p256dh, auth=stranger.auth)
    notice = plan(member)

    assert send(notice) == NoticeStatus.FAILED

    ((_, answered, why),) = push_service.refused
    assert answered == 400 and why.startswith("payload does not decrypt")
    assert push_service.received == []


def test_the_stand_in_refuses_a_token_whose_signature_does_not_verify(push_service):
    subscription = push_service.subscribe(server_key=webpush.application_server_key())
    signer = webpush.vapid_keys()
    from py_vapid import Vapid02

    claims = {"sub": "mailto:drift@jourplan.example", "aud": push_service.origin, "exp": int(time.time()) + 3600}
    token, key = Vapid02(private_key=signer.private_key).sign(claims)["Authorization"].split(" ", 1)[1].split(",")
    head, body, signature = token.removeprefix("t=").split(".")
    forged = f"vapid t={head}.{body}.{signature[::-1]}, {key}"
    with pytest.raises(ValueError, match="does not verify"):
        push_service.verify_vapid(forged, subscription)
    late = {**claims, "exp": int(time.time()) + 25 * 3600}
    with pytest.raises(ValueError, match="24 hours"):
        push_service.verify_vapid(Vapid02(private_key=signer.private_key).sign(late)["Authorization"], subscription)


# --- Tried again, never twice to a device ---------------------------------------------------------------------------


def test_a_failing_push_service_is_tried_again_later_and_a_device_that_took_it_gets_no_second_copy(
    organisation, push_service
):
    member = volunteer(organisation)
    (working, failing), (took_it, _) = subscribed(push_service, member, "ok", "error")
    notice = plan(member)

    assert send(notice) == NoticeStatus.PENDING

    assert notice.due_at > timezone.now()  # after the outbox's backoff
    assert "500" in notice.last_error
    assert notice.payload["push_delivered"] == [took_it.pk]
    assert len(push_service.received_by(working)) == 1

    failing.mode = "ok"  # the push service is back
    assert send(notice, now=notice.due_at) == NoticeStatus.SENT

    assert len(push_service.received_by(working)) == 1  # not twice
    assert len(push_service.received_by(failing)) == 1
    assert notice.attempts == 2


def test_a_notice_that_failed_after_reaching_one_device_is_not_sent_to_it_again_on_try_again(
    organisation, push_service
):
    member = volunteer(organisation)
    (working, failing), _ = subscribed(push_service, member, "ok", "error")
    notice = plan(member)
    now = timezone.now()
    for _attempt in range(outbox.MAX_ATTEMPTS):
        send(notice, now=now)
        now = notice.due_at
    assert notice.status == NoticeStatus.FAILED
    assert len(push_service.received_by(working)) == 1

    failing.mode = "ok"
    assert outbox.notice_retry(notice_id=notice.pk, organisation=organisation, now=now)
    assert send(notice, now=now) == NoticeStatus.SENT

    assert len(push_service.received_by(working)) == 1
    assert len(push_service.received_by(failing)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_that_blinks_after_a_device_took_it_does_not_make_the_retry_send_it_again(
    organisation, push_service
):
    """PostgreSQL ends the worker's connection the moment the push service has taken the notice for one device,
    while another device needs a retry: the record of who took it survives (reconnect), and the retry skips her."""
    require_postgres("it ends the worker's PostgreSQL session from a second connection")
    member = volunteer(organisation)
    (working, failing), (took_it, _) = subscribed(push_service, member, "ok", "error")
    notice = plan(member)
    connection.ensure_connection()
    worker = connection.connection.info.backend_pid
    db = connection.settings_dict

    def end_the_workers_session(received):
        push_service.on_accept = None
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
            password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True,
        ) as admin:  # fmt: skip
            assert admin.execute("SELECT pg_terminate_backend(%s)", [worker]).fetchone() == (True,)

    push_service.on_accept = end_the_workers_session

    assert send(notice) == NoticeStatus.PENDING

    assert connection.connection.info.backend_pid != worker  # it did reconnect
    assert notice.payload["push_delivered"] == [took_it.pk]
    failing.mode = "ok"
    assert send(notice, now=notice.due_at) == NoticeStatus.SENT
    assert len(push_service.received_by(working)) == len(push_service.received_by(failing)) == 1


def test_a_push_service_that_never_answers_holds_the_worker_about_push_timeout_once(organisation, push_service):
    member = volunteer(organisation)
    subscribed(push_service, member, "hang", "hang", "hang")  # three devices on one silent push service
    notice = plan(member)

    started = time.monotonic()
    status = send(notice)
    elapsed = time.monotonic() - started

    assert status == NoticeStatus.PENDING  # tried again later
    assert elapsed < 3, f"the worker waited {elapsed:.1f} s for a silent push service (PUSH_TIMEOUT=0.5)"
    assert len(push_service.requests) == 1  # the other devices on that service wait for the next attempt
    assert "no answer within 0.5 s" in notice.last_error
    assert member.push_devices.count() == 3


def test_a_push_service_that_is_down_is_tried_again_later(organisation, push_service):
    member = volunteer(organisation)
    subscription = push_service.subscribe(server_key=webpush.application_server_key())
    PushDeviceFactory(
        member=member, endpoint=f"http://127.0.0.1:{closed_port()}/wpush/v2/x",
        p256dh=subscription.p256dh, auth=subscription.auth,
    )  # fmt: skip
    notice = plan(member)

    assert send(notice) == NoticeStatus.PENDING
    assert "not reachable" in notice.last_error


# --- Where push goes, and when --------------------------------------------------------------------------------------


def test_a_device_that_names_no_push_service_is_never_contacted(organisation, push_service):
    member = volunteer(organisation)
    subscription = push_service.subscribe(server_key=webpush.application_server_key())
    port = push_service.server.server_address[1]
    PushDeviceFactory(
        member=member, endpoint=f"http://localhost:{port}/wpush/v2/{subscription.token}",
        p256dh=subscription.p256dh, auth=subscription.auth,
    )  # fmt: skip
    notice = plan(member)

    assert send(notice) == NoticeStatus.FAILED

    assert push_service.requests == []
    assert "not a push service" in notice.last_error


def test_a_redirect_from_the_push_service_is_not_followed(organisation, push_service):
    member = volunteer(organisation)
    subscribed(push_service, member, "redirect")
    notice = plan(member)

    assert send(notice) == NoticeStatus.FAILED

    assert len(push_service.requests) == 1  # nothing went to /internal/admin
    assert "307 redirect, not followed" in notice.last_error


@pytest.mark.parametrize(
    ("endpoint", "allowed"),
    [
        ("https://fcm.googleapis.com/fcm/send/abc", True),
        ("https://updates.push.services.mozilla.com/wpush/v2/abc", True),
        ("https://web.push.apple.com/QGx", True),
        ("https://wns2-par02p.notify.windows.com/w/?token=abc", True),
        ("http://fcm.googleapis.com/fcm/send/abc", False),
        ("https://fcm.googleapis.com:8443/fcm/send/abc", False),
        ("https://fcm.googleapis.com.evil.example/abc", False),
        ("https://evilfcm.googleapis.com.example/abc", False),
        ("https://user:pw@fcm.googleapis.com/abc", False),
        ("https://10.0.0.7/abc", False),
        ("http://127.0.0.1:6379/", False),
        ("https://[::1]/abc", False),
        ("javascript:alert(1)", False),
        ("https://fcm.googleapis.com:99999/", False),
    ],
)
def test_only_push_services_may_be_named_as_endpoints(settings, endpoint, allowed):
    from config import settings as defaults

    settings.PUSH_SERVICE_HOSTS = defaults.PUSH_SERVICE_HOSTS
    assert (webpush.endpoint_refusal(endpoint) == "") is allowed


def test_push_waits_for_the_end_of_her_quiet_hours(organisation, push_service):
    member = volunteer(organisation, quiet_hours_start=clock(22), quiet_hours_end=clock(8))
    (subscription,), _ = subscribed(push_service, member, "ok")
    night = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 23:30 in Stockholm
    notice = plan(member, due_at=night - timedelta(minutes=1))

    assert send(notice, now=night) == "postponed"

    assert push_service.requests == []
    assert notice.status == NoticeStatus.PENDING and notice.attempts == 0
    assert notice.due_at == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # 08:00 in Stockholm
    assert send(notice, now=notice.due_at) == NoticeStatus.SENT
    assert len(push_service.received_by(subscription)) == 1


def test_with_no_device_left_push_cannot_deliver_it(organisation):
    """The outbox moves a push notice to e-mail when she has no device when it is sent; a device gone between
    that check and the send leaves push_deliver with none: failed for good, not retried."""
    member = volunteer(organisation)
    notice = Notice(pk=1, recipient=member, organisation=organisation, kind="test_push_ping", payload={})
    with pytest.raises(PermanentDeliveryError, match="ingen enhet"):
        webpush.push_deliver(notice, PushPing().render(notice))


# --- Keys -----------------------------------------------------------------------------------------------------------


def test_the_application_server_key_is_the_public_half_of_the_private_key(settings):
    key = webpush.generate_private_key()
    settings.VAPID_PRIVATE_KEY = webpush.private_key_text(key)
    public = webpush.application_server_key()
    assert len(public) == 87 and "=" not in public
    raw = webpush._b64decode(public)
    assert raw[0] == 4 and len(raw) == 65
    settings.VAPID_PUBLIC_KEY = public
    assert webpush.push_enabled() and webpush.check_push_settings() == []


def test_in_development_a_key_pair_is_made_once_in_var_readable_only_by_its_owner(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    assert webpush.check_push_settings() == []
    assert not (tmp_path / "vapid.json").exists()  # the check writes nothing

    first = webpush.application_server_key()

    key_file = tmp_path / "vapid.json"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert json.loads(key_file.read_text())["public_key"] == first
    assert webpush.application_server_key() == first  # made once
    assert webpush.push_enabled()
    assert [p.name for p in tmp_path.iterdir()] == ["vapid.json"]  # no temporary file left


def test_two_processes_making_the_development_keys_at_once_get_the_same_pair(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    start = threading.Barrier(4)
    keys = []

    def make():
        start.wait()
        keys.append(webpush.private_key_text(webpush.embedded_private_key(tmp_path / "vapid.json")))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(keys)) == 1


def test_in_production_without_keys_push_is_off_and_the_check_warns(settings, tmp_path):
    settings.DEBUG = False
    settings.VAR_DIR = tmp_path
    settings.VAPID_PRIVATE_KEY = ""
    assert webpush.push_enabled() is False
    assert webpush.application_server_key() == ""
    (warning,) = webpush.check_push_settings()
    assert warning.id == "notices.W001"
    assert list(tmp_path.iterdir()) == []  # production never makes keys


@pytest.mark.parametrize(
    ("private", "public", "subject"),
    [
        ("not-a-key", "", ""),
        ("", "BExample", ""),
        (None, "B" + "A" * 86, ""),  # the public key of another pair
        (None, "", "drift@jourplan.example"),  # no mailto:
        (None, "", "https://jourplan.example/kontakt"),  # a path: push services want an origin
    ],
)
def test_keys_or_a_subject_that_cannot_work_are_errors_and_push_is_off(settings, private, public, subject):
    settings.DEBUG = False
    if private is not None:
        settings.VAPID_PRIVATE_KEY = private
    settings.VAPID_PUBLIC_KEY = public
    settings.VAPID_SUBJECT = subject
    (error,) = webpush.check_push_settings()
    assert error.id == "notices.E001"
    assert webpush.push_enabled() is False and webpush.application_server_key() == ""


def test_a_pem_private_key_works_too(settings):
    from cryptography.hazmat.primitives import serialization

    key = webpush.generate_private_key()
    settings.VAPID_PRIVATE_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.VAPID_PUBLIC_KEY = webpush.VapidKeys(private_key=key, subject="").application_server_key
    assert webpush.check_push_settings() == []


def test_the_body_is_short_and_only_our_own_links_become_the_url():
    notice = Notice(pk=7)
    long_text = "Jourplan: " + "x" * 1000 + " https://evil.example/phish"
    payload = webpush.push_payload(notice, outbox.Message(subject="s", text="t", sms=long_text))
    assert len(payload["body"]) == webpush.MAX_BODY and payload["body"].endswith("…")
    assert payload["url"] == f"{SITE}/"
    assert webpush.push_payload(notice, outbox.Message(subject="Jourplan: Pass 18–21", text="t"))["body"] == (
        "Pass 18–21"
    )
