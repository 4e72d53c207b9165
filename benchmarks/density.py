"""Benchmark: the portal and rota pages at a real shelter's density and at ten times it (issue 16), DEBUG off.

Run: python benchmarks/density.py — seeds 1× (one shelter, 60 volunteers, 3 lines × 3 shifts a day for a month
from tomorrow = 279 shifts) and then 10× (600 volunteers, 30 lines, 2,790 shifts) with benchmarks/_density_seed.py,
and measures, for each, the volunteer's open shifts and her own shifts, the coordinator's month rota, week view,
gaps, the page of a shift below its minimum (and its assign list, which htmx loads into it as a second request;
without JavaScript the page at ?assign=1), the coordinator's start page, and the floor every page inside a shelter
pays (an empty page with the base template and her menu): median and p95 ms over 15 requests (DENSITY_RUNS=…
for more; after two warm-up requests), the query count and the size of the HTML (uncompressed). Then it prints
both densities side by side and the performance bar of issue 16, criterion by criterion, PASS or FAIL.

Production-like: DEBUG=false, the manifest static storage (collectstatic into a temporary folder), sessions in
the database, requests as through the TLS proxy (X-Forwarded-Proto: https). The database is a throw-away SQLite
file, or a throw-away PostgreSQL database (test_<name>, dropped afterwards) when DATABASE_URL names PostgreSQL.
Pages are found by URL name; a page that cannot be reversed or answers with an error is reported and skipped.
Exits non-zero only when it could not run.
"""

import logging
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="jourplan-density-")
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))
if not POSTGRES:
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# What a production web process gets (an .env with DEBUG=true does not override these: they are set first).
os.environ["DEBUG"] = "false"
os.environ["SECRET_KEY"] = "density-bench-" + secrets.token_urlsafe(32)
os.environ["ALLOWED_HOSTS"] = "localhost,127.0.0.1,testserver"
os.environ["STATIC_ROOT"] = f"{_tmp}/static"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, clear_url_caches, path, reverse  # noqa: E402

import config.urls  # noqa: E402
from benchmarks._density_seed import Density, seed_density  # noqa: E402
from benchmarks._table import record  # noqa: E402
from members.access import shelter_view  # noqa: E402
from members.middleware import SESSION_KEY  # noqa: E402
from members.models import Member, Role  # noqa: E402

RUNS = int(os.environ.get("DENSITY_RUNS", "15"))  # requests timed per page and density
WARM_UP = 2
DENSITIES = {"1×": {"lines": 3, "volunteers": 60}, "10×": {"lines": 30, "volunteers": 600}}
DAYS = 31
# ephios 0.27 on the same seeds, measured earlier on this machine (issue 16).
EPHIOS_1X = {"open shifts": 266.0, "month rota": 198.0, "shift page (a gap)": 98.0}
EPHIOS_10X = {"open shifts": 356.0}
MAX_GROWTH = 1.5  # 10× may take at most this many times the page's own 1× time
MAX_KB_10X = 150.0


def _client(member: Member, headers: dict[str, str] | None = None) -> Client:
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https", headers=headers)
    assert member.user is not None  # every seeded member has a login
    client.force_login(member.user)
    session = client.session
    session[SESSION_KEY] = True  # the coordinator's second factor, as after a TOTP login
    session.save()
    return client


@shelter_view(Role.VOLUNTEER)
def _floor(request: HttpRequest) -> HttpResponse:
    """What every page inside a shelter costs before its own work: the middleware, the session and the login, the
    shelter and her membership (shelter_view), the base template with the menu, and saving the session."""
    return render(request, "base.html")


# Only in this benchmark's process: the floor page's URL (a shelter's path, so the middleware treats it as one).
config.urls.urlpatterns.append(path("<slug:organisation>/density-floor/", _floor, name="density_floor"))
clear_url_caches()


def pages(seeded: Density) -> list[tuple[str, str, str, dict, str]]:
    """(what, URL name, who, URL kwargs, query string) for every page measured."""
    org = {"organisation": seeded.organisation.slug}
    return [
        ("open shifts", "shifts:portal_open", "volunteer", org, ""),
        ("my shifts", "shifts:portal_mine", "volunteer", org, ""),
        ("month rota", "shifts:rota_month", "coordinator", org, f"?month={seeded.month:%Y-%m}"),
        ("week rota", "shifts:rota_week", "coordinator", org, f"?week={seeded.week:%Y-%m-%d}"),
        ("gaps", "shifts:rota_gaps", "coordinator", org, ""),
        ("shift page (a gap)", "shifts:rota_shift", "coordinator", {**org, "pk": seeded.gap_shift.pk}, ""),
        # The shift page's assign list (who may take it, the gap's suggestions, whom a call-out asks): htmx loads it
        # into the page at once, as its own request; without JavaScript it is the page at ?assign=1.
        ("shift page: assign list", "shifts:rota_shift", "htmx", {**org, "pk": seeded.gap_shift.pk}, "?assign=1"),
        (
            "shift page + list, no JS",
            "shifts:rota_shift",
            "coordinator",
            {**org, "pk": seeded.gap_shift.pk},
            "?assign=1",
        ),
        ("start page (coordinator)", "members:portal", "coordinator", org, ""),
        # Issue 17: the gaps list with each gap's first three suggestions (25 gaps a page), asked for explicitly.
        ("gaps list with suggestions", "shifts:rota_gaps", "coordinator", org, "?weeks=4&page=1"),
        # The floor: an empty page inside the shelter with the base template and her menu (_floor).
        ("floor: empty page, vol.", "density_floor", "volunteer", org, ""),
        ("floor: empty page, coord.", "density_floor", "coordinator", org, ""),
    ]


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _first_look(client: Client, url: str) -> dict:
    """Warm up, then count the queries and bytes of one request."""
    for _ in range(WARM_UP):
        response = client.get(url)
        if response.status_code != 200:
            return {"error": f"answered {response.status_code}"}
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return {"queries": len(captured), "kb": len(response.content) / 1024}  # the next request empties the log


def measure_page(visits: dict[str, tuple[Client, str]]) -> dict[str, dict]:
    """One page at every density: queries and size, then RUNS timed requests (outside the query capture),
    the densities taking turns so that a machine busy with other work slows them alike."""
    results = {label: _first_look(client, url) for label, (client, url) in visits.items()}
    timed = [label for label, result in results.items() if "error" not in result]
    wall: dict[str, list[float]] = {label: [] for label in timed}
    cpu: dict[str, list[float]] = {label: [] for label in timed}
    for _ in range(RUNS):
        for label in timed:
            client, url = visits[label]
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall[label].append((time.perf_counter() - start) * 1000)
            cpu[label].append((time.process_time() - start_cpu) * 1000)
    for label in timed:
        ordered = sorted(wall[label])
        results[label].update(
            median=statistics.median(ordered), p95=percentile(ordered, 0.95), cpu=statistics.median(cpu[label])
        )
    return results


def _visit(seeded: Density, clients: dict[str, Client], name: str, who: str, kwargs: dict, query: str):
    try:
        return clients[who], reverse(name, kwargs=kwargs) + query
    except NoReverseMatch:
        return None


def bench() -> list[dict]:
    """Seed every density, then measure page by page."""
    runs = []
    for label, size in DENSITIES.items():
        start = time.perf_counter()
        seeded = seed_density(days=DAYS, slug=f"density-{size['lines']}", **size)
        runs.append(
            {
                "label": label,
                "seeded": seeded,
                **size,
                "seconds": time.perf_counter() - start,
                "clients": {
                    "volunteer": _client(seeded.volunteer),
                    "coordinator": _client(seeded.coordinator),
                    # The coordinator's browser asking for the shift page's assign list (its placeholder's request).
                    "htmx": _client(seeded.coordinator, {"HX-Request": "true", "HX-Target": "assign-choices"}),
                },
                "results": {},
            }
        )
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them on a live database
    for n, (what, name, *_) in enumerate(pages(runs[0]["seeded"])):
        visits = {}
        for run in runs:
            _, _, who, kwargs, query = pages(run["seeded"])[n]
            visit = _visit(run["seeded"], run["clients"], name, who, kwargs, query)
            if visit is None:
                run["results"][what] = {"error": f"no URL named {name} with {sorted(kwargs)}"}
            else:
                visits[run["label"]] = visit
        logging.disable(logging.ERROR)  # a page that fails is reported in the table, without its traceback
        try:
            measured = measure_page(visits)
        except Exception as exc:  # noqa: BLE001 — another engineer's page mid-change must not stop the rest
            measured = {label: {"error": f"{type(exc).__name__}: {exc}"[:160]} for label in visits}
        finally:
            logging.disable(logging.NOTSET)
        for run in runs:
            if run["label"] in measured:
                run["results"][what] = measured[run["label"]]
    return runs


def _cell(result: dict | None, key: str, digits: int = 1) -> str:
    if not result or "error" in result:
        return "–"
    value = result[key]
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def side_by_side(small: dict, large: dict) -> list[str]:
    head = f"{'page':<26}" + "".join(
        f"{run['label'] + ' ' + col:>{w}}"
        for run in (small, large)
        for col, w in (("median", 12), ("p95", 9), ("cpu", 9), ("q", 6), ("KB", 8))
    )
    out = [head + f"{'10×/1×':>9}", "-" * (len(head) + 9)]
    for what, one in small["results"].items():
        ten = large["results"].get(what)
        ratio = "–"
        if one and ten and "error" not in one and "error" not in ten:
            ratio = f"{ten['median'] / one['median']:.2f}"
        cells = "".join(
            f"{_cell(r, 'median'):>12}{_cell(r, 'p95'):>9}{_cell(r, 'cpu'):>9}"
            f"{_cell(r, 'queries'):>6}{_cell(r, 'kb'):>8}"
            for r in (one, ten)
        )
        out.append(f"{what:<26}{cells}{ratio:>9}")
    for run in (small, large):
        for what, result in run["results"].items():
            if result and "error" in result:
                out.append(f"  {run['label']} {what}: not measured ({result['error']})")
    return out


def the_bar(small: dict, large: dict) -> list[tuple[str, str, str, bool | None]]:
    """(criterion, limit, measured, passed) — passed is None when the page could not be measured."""
    rows: list[tuple[str, str, str, bool | None]] = []

    def ok(result):
        return result is not None and "error" not in result

    for what, ephios in EPHIOS_1X.items():
        one = small["results"].get(what)
        limit = ephios / 10
        measured = f"{one['median']:.1f} ms" if ok(one) else "not measured"
        rows.append(
            (
                f"{what}: 1× ≤ 1/10 of ephios ({ephios:.0f} ms)",
                f"{limit:.1f} ms",
                measured,
                one["median"] <= limit if ok(one) else None,
            )
        )
    for what, one in small["results"].items():
        ten = large["results"].get(what)
        both = ok(one) and ok(ten)
        rows.append(
            (
                f"{what}: 10× ≤ {MAX_GROWTH}× its 1× time",
                f"{one['median'] * MAX_GROWTH:.1f} ms" if ok(one) else "–",
                f"{ten['median']:.1f} ms ({ten['median'] / one['median']:.2f}×)" if both else "not measured",
                ten["median"] <= one["median"] * MAX_GROWTH if both else None,
            )
        )
        rows.append(
            (
                f"{what}: same queries at 1× and 10×",
                str(one["queries"]) if ok(one) else "–",
                f"{ten['queries']}" if ok(ten) else "not measured",
                one["queries"] == ten["queries"] if both else None,
            )
        )
        rows.append(
            (
                f"{what}: HTML ≤ {MAX_KB_10X:.0f} KB at 10×",
                f"{MAX_KB_10X:.0f} KB",
                f"{ten['kb']:.1f} KB" if ok(ten) else "not measured",
                ten["kb"] <= MAX_KB_10X if ok(ten) else None,
            )
        )
    return rows


def _database() -> tuple[str, object]:
    """Migrate a throw-away database; returns its description and what tears it down."""
    if POSTGRES:
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return "PostgreSQL", lambda: connection.creation.destroy_test_db(old_name, verbosity=0)
    call_command("migrate", verbosity=0)
    return "SQLite", lambda: None


def main() -> int:
    engine, teardown = _database()
    try:
        started = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)  # the manifest DEBUG-off pages need
        print(f"collectstatic (manifest for DEBUG off): {time.perf_counter() - started:.1f} s")
        runs = bench()
    finally:
        teardown()  # type: ignore[operator]
        shutil.rmtree(_tmp, ignore_errors=True)  # the SQLite file and the collected static files
    small, large = runs
    load = "load average {:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    print(f"\n== density (issue 16), DEBUG off, {engine}, {os.cpu_count()} CPUs, {load} (1/5/15 min) at the end")
    if os.getloadavg()[1] > (os.cpu_count() or 1):
        print("   the machine was busy with other work: wall-clock times are inflated; compare the cpu column")
    for run in runs:
        seeded = run["seeded"]
        print(
            f"{run['label']}: {run['volunteers']} volunteers, {run['lines']} lines, {seeded.shifts} shifts "
            f"({seeded.first_day:%Y-%m-%d} + {seeded.days} days), {seeded.assignments} assignments, "
            f"seeded in {run['seconds']:.1f} s; month {seeded.month:%Y-%m}, week of {seeded.week:%Y-%m-%d}"
        )
        for what, result in run["results"].items():
            if "error" in result:
                record(f"density {run['label']}: {what}", note=f"not measured: {result['error']}")
            else:
                record(
                    f"density {run['label']}: {what}",
                    median_ms=result["median"],
                    p95_ms=result["p95"],
                    queries=result["queries"],
                    note=f"{result['kb']:.1f} KB HTML; {seeded.shifts} shifts, "
                    f"{run['volunteers']} volunteers ({engine})",
                )
    print(
        f"\nmedian and p95 ms over {RUNS} requests; cpu = median ms of this process's CPU time (the whole request on"
        " SQLite, less sensitive to a busy machine than the wall clock); q = queries; KB = HTML before compression"
    )
    print("\n".join(side_by_side(small, large)))
    bar = the_bar(small, large)
    print(f"\nthe bar of issue 16 (medians){'':<24}{'limit':>14}{'measured':>22}")
    for criterion, limit, measured, verdict_of in bar:
        verdict = "PASS" if verdict_of else "FAIL" if verdict_of is False else "n/a"
        print(f"{criterion:<52}{limit:>14}{measured:>22}  {verdict}")
    for run in (small, large):
        page, fragment = (run["results"].get(what) for what in ("shift page (a gap)", "shift page: assign list"))
        if page and fragment and "error" not in page and "error" not in fragment:
            print(
                f"(the shift page with its assign list, as a browser with JavaScript loads them, {run['label']}: "
                f"{page['median']:.1f} + {fragment['median']:.1f} = {page['median'] + fragment['median']:.1f} ms, "
                f"cpu {page['cpu']:.1f} + {fragment['cpu']:.1f} ms; ephios's shift page at 1× 98 ms)"
            )
    open_10x = large["results"].get("open shifts")
    if open_10x and "error" not in open_10x:
        ephios = EPHIOS_10X["open shifts"]
        print(f"(for comparison: ephios's open shifts at 10× {ephios:.0f} ms, here {open_10x['median']:.1f} ms)")
    passed = sum(1 for *_, p in bar if p)
    failed = [criterion for criterion, _, _, p in bar if p is False]
    unknown = sum(1 for *_, p in bar if p is None)
    print(f"\nbar: {passed} of {len(bar)} PASS, {len(failed)} FAIL, {unknown} not measured")
    record(
        "density: bar of issue 16",
        note=f"{passed}/{len(bar)} PASS" + (f"; FAIL: {'; '.join(failed)}" if failed else ""),
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001
        print(f"benchmark could not run: {exc!r}", file=sys.stderr)
        sys.exit(1)
