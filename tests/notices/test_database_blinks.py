"""Exactly once, even when the database blinks (issue 15, point 1).

PostgreSQL ends the worker's connection (pg_terminate_backend, from a second connection) at the worst moments:
right after the mail was accepted and before the row is marked sent; while a notice is rendered; just before
a claim. Each notice goes out once, the delivered one is recorded "sent", and the batch goes on.

PostgreSQL only: SQLite has no connection to lose.
"""

from datetime import timedelta

import psycopg
import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.utils import timezone

from notices import outbox as notices
from notices import tasks
from notices.kinds import NoticeKind
from notices.models import Notice, NoticeStatus
from tests.concurrency import require_postgres
from tests.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TERMINATED: list[int] = []  # the backend pids ended, in order


def _terminate_my_backend() -> None:
    """End this thread's database session from a second connection, as an administrator or a failover would."""
    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
        dbname=db["NAME"], autocommit=True,
    ) as admin:  # fmt: skip
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    TERMINATED.append(pid)


class BlinkAfterAcceptingBackend(LocmemBackend):
    """Accepts the mail (into mail.outbox), then the database drops the worker's connection, for the mails
    whose body is in BLINK_AFTER."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if any(message.body in BLINK_AFTER for message in messages):
            _terminate_my_backend()
        return sent


BLINK_AFTER: set[str] = set()
BLINK_WHILE_RENDERING: set[str] = set()


class BlinkPing(NoticeKind):
    slug = "test_blink_ping"
    label = "Ping"
    planned_by = "these tests"

    def render(self, notice):
        if notice.variant in BLINK_WHILE_RENDERING:
            BLINK_WHILE_RENDERING.discard(notice.variant)
            _terminate_my_backend()
            Notice.objects.filter(pk=notice.pk).exists()  # the kind reads current data: the connection is gone
        return notices.Message(subject="Jourplan: ping", text=f"ping {notice.variant}")


@pytest.fixture(autouse=True)
def _blinking(settings):
    require_postgres("pg_terminate_backend needs PostgreSQL")
    settings.NOTICE_KINDS = (*settings.NOTICE_KINDS, f"{__name__}.BlinkPing")
    settings.EMAIL_BACKEND = f"{__name__}.BlinkAfterAcceptingBackend"
    TERMINATED.clear()
    BLINK_AFTER.clear()
    BLINK_WHILE_RENDERING.clear()
    yield
    BLINK_AFTER.clear()
    BLINK_WHILE_RENDERING.clear()


def _plan(count):
    member = MemberFactory()
    past = timezone.now() - timedelta(minutes=1)
    return [
        notices.notice_plan(recipient=member, kind="test_blink_ping", variant=str(n), due_at=past).pk
        for n in range(count)
    ]


def _statuses(ids):
    return dict(Notice.objects.filter(pk__in=ids).values_list("variant", "status"))


def test_a_connection_dropped_after_the_mail_was_accepted_still_records_it_sent(organisation):
    ids = _plan(10)
    BLINK_AFTER.update({"ping 1", "ping 4", "ping 7"})  # three terminations, as in the issue
    tasks.send_notices(ids)
    assert len(TERMINATED) == 3 and len(set(TERMINATED)) == 3  # three different sessions really ended
    assert sorted(m.body for m in mail.outbox) == sorted(f"ping {n}" for n in range(10))  # one mail each
    assert set(_statuses(ids).values()) == {NoticeStatus.SENT}  # recorded, not left "sending"
    # Nothing for the lease to find, nothing for beat (or a coordinator) to send again.
    assert notices.release_stale_claims(timezone.now() + notices.SENDING_LEASE + timedelta(seconds=1)) == 0
    assert tasks.dispatch_due_notices() == 0
    assert len(mail.outbox) == 10


def test_a_connection_dropped_while_rendering_puts_that_notice_back_and_the_batch_goes_on(organisation):
    ids = _plan(5)
    BLINK_WHILE_RENDERING.add("2")
    tasks.send_notices(ids)
    assert len(TERMINATED) == 1
    assert sorted(m.body for m in mail.outbox) == ["ping 0", "ping 1", "ping 3", "ping 4"]
    statuses = _statuses(ids)
    assert statuses.pop("2") == NoticeStatus.PENDING  # nothing left the worker: it is sent later
    assert set(statuses.values()) == {NoticeStatus.SENT}
    blinked = Notice.objects.get(pk__in=ids, variant="2")
    assert blinked.due_at > timezone.now()  # after a backoff, by a later tick
    assert notices.notice_send(notice_id=blinked.pk, now=blinked.due_at) == NoticeStatus.SENT
    assert sorted(m.body for m in mail.outbox) == [f"ping {n}" for n in range(5)]


def test_a_connection_dropped_at_a_claim_leaves_that_notice_to_the_next_tick_and_the_batch_goes_on(organisation):
    ids = _plan(5)
    claims = {"n": 0}

    def drop_before_the_third_claim(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("UPDATE") and "attempts" in sql and '"claimed_at"' in sql:
            claims["n"] += 1
            if claims["n"] == 3:
                _terminate_my_backend()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(drop_before_the_third_claim):
        tasks.send_notices(ids)
    assert len(TERMINATED) == 1
    statuses = _statuses(ids)
    assert statuses.pop("2") == NoticeStatus.PENDING  # never claimed
    assert set(statuses.values()) == {NoticeStatus.SENT}  # the two after it were sent on a new connection
    assert tasks.dispatch_due_notices() == 1  # the next tick
    assert sorted(m.body for m in mail.outbox) == [f"ping {n}" for n in range(5)]
