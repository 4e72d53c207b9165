"""Exactly once (issue 6, point 3): duplicate beat ticks, a retried task and two workers at once never send
a notice twice. The claim is a conditional UPDATE (pending → sending) before anything is sent."""

import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError, connection, connections
from django.utils import timezone

from notices import outbox as notices
from notices import tasks
from notices.kinds import NoticeKind
from notices.models import Notice, NoticeStatus
from tests.concurrency import require_postgres
from tests.factories import MemberFactory


class Ping(NoticeKind):
    slug = "test_ping"
    label = "Ping"
    planned_by = "these tests"

    def render(self, notice):
        return notices.Message(subject="Jourplan: ping", text=f"ping {notice.variant}")


@pytest.fixture(autouse=True)
def _ping_kind(settings):
    settings.NOTICE_KINDS = (*settings.NOTICE_KINDS, f"{__name__}.Ping")


def plan(member, count, prefix=""):
    past = timezone.now() - timedelta(minutes=1)
    return [
        notices.notice_plan(recipient=member, kind="test_ping", variant=f"{prefix}{n}", due_at=past).pk
        for n in range(count)
    ]


@pytest.mark.django_db
def test_planning_the_same_notice_twice_creates_one_row(volunteer):
    first = notices.notice_plan(recipient=volunteer, kind="test_ping", variant="24h")
    assert first is not None
    assert notices.notice_plan(recipient=volunteer, kind="test_ping", variant="24h") is None
    rows = [{"recipient": volunteer, "kind": "test_ping", "variant": "24h"}] * 2
    assert notices.notice_plan_many(rows) == 0
    assert Notice.objects.filter(kind="test_ping").count() == 1


@pytest.mark.django_db
def test_duplicate_beat_ticks_send_each_notice_once(volunteer):
    ids = plan(volunteer, 5)
    assert tasks.dispatch_due_notices() == 5  # eager in tests: the batch is sent at once
    assert tasks.dispatch_due_notices() == 0
    assert len(mail.outbox) == 5
    assert set(Notice.objects.filter(pk__in=ids).values_list("status", flat=True)) == {NoticeStatus.SENT}


@pytest.mark.django_db
def test_two_ticks_that_saw_the_same_due_rows_send_each_once(volunteer):
    plan(volunteer, 3)
    now = timezone.now()
    first, second = notices.due_notice_ids(now), notices.due_notice_ids(now)
    assert first == second
    tasks.send_notices(first)
    tasks.send_notices(second)
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_retried_task_sends_nothing_again(volunteer):
    ids = plan(volunteer, 4)
    tasks.send_notices(ids)
    tasks.send_notices(ids)  # Celery redelivered the same message (acks_late, worker lost)
    assert len(mail.outbox) == 4
    assert [notices.notice_send(notice_id=pk) for pk in ids] == ["skipped"] * 4


@pytest.mark.django_db
def test_a_row_left_sending_is_failed_after_the_lease_never_resent(volunteer):
    (pk,) = plan(volunteer, 1)
    claimed_at = timezone.now() - notices.SENDING_LEASE - timedelta(seconds=1)
    Notice.objects.filter(pk=pk).update(status=NoticeStatus.SENDING, claimed_at=claimed_at, attempts=1)
    (fresh,) = plan(volunteer, 1, prefix="fresh-")
    Notice.objects.filter(pk=fresh).update(status=NoticeStatus.SENDING, claimed_at=timezone.now(), attempts=1)
    tasks.dispatch_due_notices()
    stale = Notice.objects.get(pk=pk)
    assert stale.status == NoticeStatus.IN_DOUBT
    assert "may or may not have been delivered" in stale.last_error
    assert Notice.objects.get(pk=fresh).status == NoticeStatus.SENDING  # still inside its lease
    assert mail.outbox == []


def _wait_like_sqlite(execute, sql, params, many, context):
    """pytest-django's SQLite test database is in memory with a shared cache, which answers a statement that
    meets another connection's lock with "database table is locked" at once instead of waiting. The real
    database is a file with a busy timeout, where SQLite retries the statement until the lock is free: do the
    same here (a statement that failed on a lock changed nothing, so retrying it is what SQLite itself does)."""
    for _ in range(500):
        try:
            return execute(sql, params, many, context)
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.005)
    return execute(sql, params, many, context)


def _two_workers_at_once(ids):
    """Two threads, each with its own database connection, send the same ids at the same moment."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            if connection.vendor == "sqlite":
                with connection.execute_wrapper(_wait_like_sqlite):
                    results.append([notices.notice_send(notice_id=pk) for pk in ids])
            else:
                results.append([notices.notice_send(notice_id=pk) for pk in ids])
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_notice_once(organisation):
    member = MemberFactory(organisation=organisation)
    ids = plan(member, 20)
    results = _two_workers_at_once(ids)
    assert len(mail.outbox) == 20
    assert sorted(m.body for m in mail.outbox) == sorted(f"ping {n}" for n in range(20))
    # Per notice, exactly one of the two workers sent it; the other skipped it.
    for first, second in zip(*results, strict=True):
        assert sorted([first, second]) == ["sent", "skipped"]
    assert Notice.objects.filter(pk__in=ids, status=NoticeStatus.SENT).count() == 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_on_postgresql(organisation):
    require_postgres("CI runs the suite a second time with it")
    assert connection.vendor == "postgresql"
    member = MemberFactory(organisation=organisation)
    ids = plan(member, 50)
    _two_workers_at_once(ids)
    assert len(mail.outbox) == 50
    assert len({m.body for m in mail.outbox}) == 50
