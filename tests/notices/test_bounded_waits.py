"""Bounded waits (issue 15, point 2): a mail server that accepts the connection and never answers cannot hold a
worker; one that takes the whole message and then goes silent leaves the notice in doubt, never sent twice;
one that accepts the message and then hangs on QUIT has delivered it. SMS backends are built with SMS_TIMEOUT.

The mail servers are real: a socket server on a loopback port (tests/frozen.py, and a small SMTP dialogue here).
The time bounds are generous upper bounds (< 3 s for a 1 s timeout): they prove boundedness, nothing more.
"""

import socket
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from notices import outbox as notices
from notices import tasks
from notices.kinds import NoticeKind
from notices.models import Channel, Notice, NoticeStatus
from tests.factories import MemberFactory
from tests.frozen import frozen_server

pytestmark = pytest.mark.django_db


class BoundedPing(NoticeKind):
    slug = "test_bounded_ping"
    label = "Ping"
    planned_by = "these tests"

    def render(self, notice):
        return notices.Message(subject="Jourplan: ping", text="ping")


@pytest.fixture(autouse=True)
def _smtp(settings):
    settings.NOTICE_KINDS = (*settings.NOTICE_KINDS, f"{__name__}.BoundedPing")
    settings.EMAIL_BACKEND = "notices.channels.SmtpEmailBackend"  # what EMAIL_URL=smtp://… gives (settings.py)
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    return settings


def _plan():
    member = MemberFactory()
    return notices.notice_plan(recipient=member, kind="test_bounded_ping", due_at=timezone.now() - timedelta(minutes=1))


def _send_timed(notice):
    started = time.monotonic()
    status = notices.notice_send(notice_id=notice.pk)
    return status, time.monotonic() - started


def test_a_frozen_mail_server_gives_up_within_email_timeout_and_the_notice_is_retried_later(_smtp):
    notice = _plan()
    with frozen_server() as (port, accepted):
        _smtp.EMAIL_PORT = port
        status, elapsed = _send_timed(notice)
        assert accepted  # the worker did reach it, and waited for a greeting that never came
    assert status == NoticeStatus.PENDING
    assert elapsed < 3, f"the worker waited {elapsed:.1f} s for a frozen mail server (EMAIL_TIMEOUT=1)"
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.PENDING, 1)  # not stuck "sending"
    assert notice.due_at > timezone.now()  # retried after its backoff
    assert "timed out" in notice.last_error


class SmtpStandIn:
    """A tiny SMTP server on a loopback port that answers the dialogue and then, at a chosen point, goes silent:
    after the message's final "." (`silent_after_data`), or at QUIT (`silent_at_quit`). Counts messages taken."""

    def __init__(self, *, silent_after_data: bool = False, silent_at_quit: bool = False):
        self.silent_after_data, self.silent_at_quit = silent_after_data, silent_at_quit
        self.messages = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.stop = threading.Event()
        self.clients: list[socket.socket] = []

    def serve(self):
        while not self.stop.is_set():
            try:
                client, _ = self.server.accept()
            except TimeoutError:
                continue
            self.clients.append(client)
            threading.Thread(target=self.talk, args=(client,), daemon=True).start()

    def talk(self, client):
        reader = client.makefile("rb")
        client.sendall(b"220 stand-in ESMTP\r\n")
        for line in reader:
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                client.sendall(b"250 stand-in\r\n")
            elif verb == b"DATA":
                client.sendall(b"354 go ahead\r\n")
                for body_line in reader:
                    if body_line == b".\r\n":
                        break
                self.messages += 1
                if self.silent_after_data:
                    self.stop.wait(10)  # took the whole message; never says so
                    return
                client.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                if self.silent_at_quit:
                    self.stop.wait(10)
                    return
                client.sendall(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                client.sendall(b"250 ok\r\n")

    @contextmanager
    def running(self):
        thread = threading.Thread(target=self.serve, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            thread.join(timeout=2)
            for client in self.clients:
                client.close()
            self.server.close()


def test_a_server_that_took_the_message_and_went_silent_leaves_the_notice_in_doubt_never_resent(_smtp):
    notice = _plan()
    with SmtpStandIn(silent_after_data=True).running() as server:
        _smtp.EMAIL_PORT = server.port
        status, elapsed = _send_timed(notice)
        assert server.messages == 1
        assert elapsed < 3
        assert status == NoticeStatus.IN_DOUBT
        notice.refresh_from_db()
        assert notice.status == NoticeStatus.IN_DOUBT and notice.sent_at is None
        # Neither beat nor a coordinator sends it again.
        assert tasks.dispatch_due_notices() == 0
        assert notices.notice_retry(notice_id=notice.pk, organisation=notice.organisation) is False
        assert server.messages == 1


def test_a_server_that_accepted_the_message_and_hangs_at_quit_has_delivered_it(_smtp):
    notice = _plan()
    with SmtpStandIn(silent_at_quit=True).running() as server:
        _smtp.EMAIL_PORT = server.port
        status, elapsed = _send_timed(notice)
        assert (status, server.messages) == (NoticeStatus.SENT, 1)
        assert elapsed < 3
        assert tasks.dispatch_due_notices() == 0
        assert server.messages == 1
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT


def test_an_answering_mail_server_gets_each_notice_once(_smtp):
    planned = [_plan() for _ in range(3)]
    with SmtpStandIn().running() as server:
        _smtp.EMAIL_PORT = server.port
        tasks.send_notices([n.pk for n in planned])
        assert server.messages == 3
    assert set(Notice.objects.filter(pk__in=[n.pk for n in planned]).values_list("status", flat=True)) == {"sent"}


class TimeoutRecordingSms:
    timeouts: list[float] = []

    def __init__(self, *, timeout: float) -> None:
        self.timeouts.append(timeout)

    def send(self, to: str, text: str, *, sender: str = "Jourplan", report_url: str = "") -> None:
        pass


def test_the_sms_backend_is_built_with_sms_timeout(settings):
    settings.SMS_BACKEND = f"{__name__}.TimeoutRecordingSms"
    settings.SMS_TIMEOUT = 2.5
    member = MemberFactory(notice_channel=Channel.SMS, phone="+46701234567")
    notice = notices.notice_plan(recipient=member, kind="test_bounded_ping", due_at=timezone.now() - timedelta(1))
    assert notices.notice_send(notice_id=notice.pk) == NoticeStatus.SENT
    assert TimeoutRecordingSms.timeouts == [2.5]
