"""Benchmark: the training matrix and a month's qualification checks, on a throw-away SQLite database.

Run: python benchmarks/trainings_matrix.py — seeds shelters of 50 and 400 members (6 courses, ~3 records
each), then prints median and p95 ms, queries and rows for the matrix page and for checking a whole month
(every member × 31 days × 2 lines). Exits non-zero only when it could not run.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jourplan-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from benchmarks._table import record  # noqa: E402
from core.models import Organisation, User  # noqa: E402
from members.middleware import SESSION_KEY  # noqa: E402
from members.models import Member, Role  # noqa: E402
from trainings.models import Course, TrainingRecord  # noqa: E402
from trainings.qualification import QualificationChecker, Requirements  # noqa: E402

RUNS = 15


def seed(size: int) -> tuple[Organisation, Member]:
    organisation = Organisation.objects.create(name=f"Bench {size}", slug=f"bench-{size}")
    members = Member.objects.bulk_create(
        Member(organisation=organisation, first_name=f"Person{i}", last_name="Bench", email=f"p{i}-{size}@bench.test")
        for i in range(size)
    )
    courses = list(Course.objects.filter(organisation=organisation))
    rng = random.Random(size)
    records = []
    for member in members:
        for course in rng.sample(courses, 3):
            completed = date(2026, 1, 1) - timedelta(days=rng.randint(0, 1200))
            records.append(
                TrainingRecord(
                    member=member, course=course, completed_on=completed, expires_on=course.expires_on(completed)
                )
            )
    TrainingRecord.objects.bulk_create(records, batch_size=1000)
    user = User.objects.create_user(email=f"coordinator-{size}@bench.test", password="bench-password-1")
    coordinator = Member.objects.create(organisation=organisation, user=user, first_name="Co", role=Role.COORDINATOR)
    return organisation, coordinator


def measure(fn):
    timings, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            rows = fn()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], queries, rows


def bench(size: int) -> None:
    organisation, coordinator = seed(size)
    client = Client(HTTP_HOST="localhost")
    client.force_login(coordinator.user)
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    url = reverse("trainings:matrix", kwargs={"organisation": organisation.slug})

    def page():
        response = client.get(url, {"on": "2026-06-01"})
        assert response.status_code == 200
        return size + 1

    courses = list(Course.objects.filter(organisation=organisation).values_list("pk", flat=True))
    lines = [Requirements(courses=courses[:2]), Requirements(courses=courses[2:4])]
    days = [date(2026, 3, 1) + timedelta(days=i) for i in range(31)]

    def month():
        members = list(Member.objects.filter(organisation=organisation).only("pk"))
        checker = QualificationChecker(organisation, members, on_dates=days)
        return sum(1 for m in members for d in days for line in lines if checker.is_qualified(m, line, on=d))

    for what, fn in ((f"matrix page, {size + 1} members", page), (f"month check, {size + 1}x31x2 lines", month)):
        median, p95, queries, rows = measure(fn)
        print(f"{what:<38}{median:>10.1f}{p95:>10.1f}{queries:>9}{rows:>9}")
        record(f"trainings: {what}", median_ms=median, p95_ms=p95, queries=queries, note=f"{rows} rows (SQLite)")


def main() -> int:
    call_command("migrate", verbosity=0)
    print(f"{'what':<38}{'median ms':>10}{'p95 ms':>10}{'queries':>9}{'rows':>9}")
    for size in (50, 400):
        bench(size)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001
        print(f"benchmark could not run: {exc}", file=sys.stderr)
        sys.exit(1)
