"""Benchmark: draining 10,000 due notices with one in-process "worker", on a throw-away SQLite database.

Run: python benchmarks/notices.py [count] — seeds `count` (default 10,000) due notices of a kind the
benchmark registers itself (a short text), e-mail to Django's locmem backend, then runs beat's scan
(`dispatch_due_notices`' steps) and `send_notices` batch by batch, exactly as one worker would. Prints the
seconds, notices per second, the query count of one scan and per batch of 100. Exits non-zero only when it
could not run.
"""

import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jourplan-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks._table import record  # noqa: E402
from core.models import Organisation  # noqa: E402
from members.models import Member  # noqa: E402
from notices import outbox as notices  # noqa: E402
from notices import tasks  # noqa: E402
from notices.kinds import NoticeKind, plan_due  # noqa: E402
from notices.models import Notice, NoticeStatus, Topic  # noqa: E402

MEMBERS = 400


class BenchReminder(NoticeKind):
    slug = "bench_reminder"
    label = "Benchmark reminder"
    topic = Topic.REMINDERS
    planned_by = "seed() below"

    def render(self, notice):
        return notices.Message(subject="Jourplan: Påminnelse", text=f"Påminnelse: pass {notice.variant}")


# Listed like every kind (before the kinds are first read): the project's kinds plan too, on an empty rota.
settings.NOTICE_KINDS = (*settings.NOTICE_KINDS, "__main__.BenchReminder")


def seed(count: int) -> None:
    organisation = Organisation.objects.create(name="Bench", slug="bench")
    members = Member.objects.bulk_create(
        Member(organisation=organisation, first_name=f"P{i}", last_name="Bench", email=f"p{i}@bench.test")
        for i in range(MEMBERS)
    )
    due = timezone.now() - timedelta(minutes=5)
    Notice.objects.bulk_create(
        (
            Notice(
                organisation=organisation,
                recipient=members[i % MEMBERS],
                kind="bench_reminder",
                variant=str(i),
                dedupe_key=f"bench_reminder:{i}",
                due_at=due,
            )
            for i in range(count)
        ),
        batch_size=1000,
    )


def scan() -> list[int]:
    """The scan part of tasks.dispatch_due_notices (which would hand each batch to the queue)."""
    now = timezone.now()
    notices.release_stale_claims(now)
    plan_due(now)
    return notices.due_notice_ids(now)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("migrate", verbosity=0)
    seed(count)

    scan_queries, batch_queries = [], []
    started = time.perf_counter()
    while True:
        connection.queries_log.clear()  # the log keeps 9,000 queries; a full log would miscount
        with CaptureQueriesContext(connection) as queries:
            ids = scan()
        scan_queries.append(len(queries))
        if not ids:
            break
        for start in range(0, len(ids), tasks.BATCH_SIZE):
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as queries:
                tasks.send_notices(ids[start : start + tasks.BATCH_SIZE])
            batch_queries.append(len(queries))
    seconds = time.perf_counter() - started

    sent = Notice.objects.filter(status=NoticeStatus.SENT).count()
    print(f"notices: {count}, sent: {sent}, mails in locmem outbox: {len(mail.outbox)}")
    print(f"drained in {seconds:.2f} s: {count / seconds:.0f} notices/s")
    record(
        f"notices: {count} due notices, one worker",
        median_ms=seconds * 1000,
        queries=max(scan_queries),
        note=f"{count / seconds:.0f} notices/s; queries = per scan tick (SQLite, locmem mail)",
    )
    print(f"scan queries per tick: {sorted(set(scan_queries))} over {len(scan_queries)} ticks")
    print(
        f"queries per batch of {tasks.BATCH_SIZE}: {sorted(set(batch_queries))} over {len(batch_queries)} batches "
        f"(per notice: claim, load, mark = 3)"
    )
    return 0 if sent == count else 1


if __name__ == "__main__":
    sys.exit(main())
