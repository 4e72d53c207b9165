"""Benchmark: import 5,000 members from a CSV (preview + confirm) and count the member list's queries.

Run: .venv/bin/python benchmarks/members_import.py
Sets up Django against a throw-away SQLite database in a temp dir, so it never touches your data.
Prints a table (what, seconds, rows, queries); exits non-zero only when it could not run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="jourplan-bench-import-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from benchmarks._table import record  # noqa: E402
from core.models import Organisation, User  # noqa: E402
from members import imports  # noqa: E402
from members.middleware import SESSION_KEY  # noqa: E402
from members.models import Member, Role  # noqa: E402

SIZE = 5_000
SMALL = 100


def member_csv(count: int, prefix: str) -> bytes:
    lines = ["Förnamn;Efternamn;E-post;Telefon;Språk;Roll;Status;Medlem sedan;Medlemstyp"]
    for i in range(count):
        phone = f"070-{i // 10000 % 10}{i % 10000:04d}00"[:13]
        lines.append(
            f"Förnamn{i};Efternamn{i};{prefix}{i}@example.se;{phone};sv;ideell;aktiv;2020-01-{i % 28 + 1:02d};"
            + ("stödjande" if i % 5 == 0 else "fullt")
        )
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def shelter_with_coordinator(slug: str) -> tuple[Organisation, Member]:
    organisation = Organisation.objects.create(name=f"Bänkjouren {slug}", slug=slug)
    user = User.objects.create_user(f"samordnare@{slug}.example.se")
    coordinator = Member.objects.create(
        organisation=organisation, user=user, first_name="Cecilia", email=user.email, role=Role.COORDINATOR
    )
    return organisation, coordinator


def list_queries(organisation: Organisation, coordinator: Member) -> tuple[int | None, str]:
    for name in ("members:list", "members:member_list"):
        try:
            url = reverse(name, kwargs={"organisation": organisation.slug})
            break
        except NoReverseMatch:
            continue
    else:
        return None, "member list URL not available"
    client = Client()
    client.force_login(coordinator.user)
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    connection.queries_log.clear()  # DEBUG keeps at most 9,000 queries; the import filled the log
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        return None, f"member list answered {response.status_code}"
    return len(captured.captured_queries), ""


def main() -> int:
    setup_test_environment()
    imports.UPLOAD_DIR = Path(WORKDIR) / "imports"
    call_command("migrate", verbosity=0, interactive=False)
    results = []

    small_org, small_coordinator = shelter_with_coordinator("liten")
    content = member_csv(SMALL - 1, "liten")
    imports.import_confirm(kind=imports.MEMBERS, organisation=small_org, content=content, by=small_coordinator)

    big_org, big_coordinator = shelter_with_coordinator("stor")
    content = member_csv(SIZE, "stor")
    started = time.perf_counter()
    preview = imports.import_preview(kind=imports.MEMBERS, organisation=big_org, content=content, by=big_coordinator)
    preview_seconds = time.perf_counter() - started
    if preview.has_errors:
        print("The generated file has errors:", *preview.lines()[:10], sep="\n  ")
        return 1
    started = time.perf_counter()
    done = imports.import_confirm(kind=imports.MEMBERS, organisation=big_org, content=content, by=big_coordinator)
    confirm_seconds = time.perf_counter() - started
    results.append(("import preview (dry run)", f"{preview_seconds:.2f}", len(preview.rows), ""))
    results.append(("import confirm", f"{confirm_seconds:.2f}", done.new_count, ""))
    results.append(("import total", f"{preview_seconds + confirm_seconds:.2f}", done.new_count, ""))
    record(
        f"members import: {done.new_count} members, preview + confirm",
        median_ms=(preview_seconds + confirm_seconds) * 1000,
        note="one run (SQLite)",
    )

    for organisation, coordinator in ((small_org, small_coordinator), (big_org, big_coordinator)):
        count = Member.objects.filter(organisation=organisation).count()
        started = time.perf_counter()
        queries, problem = list_queries(organisation, coordinator)
        seconds = time.perf_counter() - started
        what = f"member list page, {count} members"
        if queries is not None:
            record(f"members import: {what}", median_ms=seconds * 1000, queries=queries, note="one request (SQLite)")
        results.append(
            (what, f"{seconds:.2f}" if queries is not None else "-", count, queries if queries is not None else problem)
        )

    widths = [max(len(str(row[i])) for row in [("what", "seconds", "rows", "queries"), *results]) for i in range(4)]
    for row in [("what", "seconds", "rows", "queries"), *results]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"(throw-away SQLite database, removed afterwards; {os.cpu_count()} CPUs)")
    return 0


if __name__ == "__main__":
    try:
        code = main()
        connection.close()
        shutil.rmtree(WORKDIR, ignore_errors=True)
        sys.exit(code)
    except Exception as error:  # noqa: BLE001 — the benchmark reports, it does not crash
        import traceback

        traceback.print_exc()
        print(f"benchmark could not run: {error}", file=sys.stderr)
        sys.exit(2)
