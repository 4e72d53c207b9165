"""Benchmark: the whole federation on PostgreSQL + Redis, under load through gunicorn on loopback.

Run: python benchmarks/federation_load.py — needs PostgreSQL (FEDERATION_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/jourplan_fed; the database is dropped and seeded again on each run) and Redis
(FEDERATION_REDIS_URL, default redis://127.0.0.1:6379/12). Without them it prints a line saying so and exits 0.

1. Seeds the federation (benchmarks/seed_federation.py: 160 shelters × 60 volunteers, three months of shifts),
   plus one small shelter (6 volunteers) to compare query counts with.
2. Query budgets: the pages a volunteer and a coordinator use, measured in-process with CaptureQueriesContext
   on a federation shelter and on the small one (the counts must be equal); EXPLAIN (ANALYZE, BUFFERS) of the
   slowest queries of those pages is saved to var/bench/federation-explain.txt, with any sequential scan on a
   large table called out.
3. Starts gunicorn (FEDERATION_WEB_WORKERS sync workers, DEBUG off, PostgreSQL, sessions and cache in Redis) and
   runs a closed-loop load of FEDERATION_LOAD_THREADS clients for FEDERATION_LOAD_SECONDS: volunteers of the
   other 159 shelters open their open-shifts page, their own shifts and take shifts, coordinators open month
   rotas. Log-in is a session created directly (with the second-factor mark), not the rate-limited form.
4. The rush: a new month opens in one shelter and all its 60 volunteers try to take its first shifts at the
   same moment. Afterwards the database is checked: no shift above its maximum, no error response, and every
   "Done" answer is exactly one assignment (and every assignment was answered "Done").
5. The national rush (issue 20): the summer chat ("Nationell chatt, sommar", seeded with 40 shelters taking part)
   opens, and up to FEDERATION_NATIONAL_TAKERS volunteers let in from those shelters take its first
   FEDERATION_NATIONAL_SHIFTS shifts at the same moment, each through her own shelter's URL
   (POST /<her shelter>/shifts/<national shift>/take/). Outcomes are counted (taken, refused as full, other
   refusals, 404, errors); a 404 fails the run (every taker was let in), as does a national shift holding more
   confirmed places than its maximum, or a "Done" that is not exactly one assignment.
Prints a table (page, median and p95 ms, req/s, queries) and exits non-zero only when it could not run or a
rush check failed (errors, a national shift overbooked, a "Done" without its assignment or the other way round).
"""

from __future__ import annotations

import http.client
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import seed_federation as fed  # noqa: E402
from benchmarks._table import record  # noqa: E402

REDIS_URL = os.environ.get("FEDERATION_REDIS_URL", "redis://127.0.0.1:6379/12")
SECONDS = float(os.environ.get("FEDERATION_LOAD_SECONDS", "40"))
THREADS = int(os.environ.get("FEDERATION_LOAD_THREADS", "8"))
WORKERS = int(os.environ.get("FEDERATION_WEB_WORKERS", "4"))
SHELTERS = int(os.environ.get("FEDERATION_SHELTERS", "160"))
VOLUNTEERS = 60
RUSH_SLUG = "fed-001"
RUSH_SHIFTS = 6
# What the shift card says when her action went through (shifts/partials/shift_card.html; the staffing badge is also
# "badge-ok", so the status note is matched).
DONE = b'role="status"><span class="badge badge-ok">'
BUDGET_RUNS = 7
OUT = ROOT / "var" / "bench"
# A sequential scan is worth a look only on a table that grows with the federation.
LARGE_TABLE_ROWS = 5000


def services_missing() -> str | None:
    """Why the federation parts cannot run here, or None."""
    try:
        import psycopg

        admin_url = fed.database_url().rsplit("/", 1)[0] + "/postgres"
        psycopg.connect(admin_url, connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001
        return f"no PostgreSQL at {fed.database_url()} ({str(error).strip().splitlines()[0]})"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        return f"no Redis at {REDIS_URL} ({error})"
    return None


def production_environment() -> dict[str, str]:
    """What a production web process would get: DEBUG off, PostgreSQL, Redis for cache, sessions and broker."""
    return {
        "DATABASE_URL": fed.database_url(),
        "DEBUG": "false",
        "SECRET_KEY": "federation-bench-" + secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "CACHE_URL": "rediscache://" + REDIS_URL.split("://", 1)[1],
        "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
        "CELERY_BROKER_URL": REDIS_URL,
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }


# -- measuring --------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), percentile(values, 0.95)


def django_client(user):
    from django.conf import settings
    from django.test import Client

    from members.middleware import SESSION_KEY

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    return client


class Budgets:
    """Query counts and in-process timings of the pages, at two sizes, plus the SQL of the slowest queries."""

    def __init__(self):
        self.rows: dict[str, dict[str, tuple[float, float, int]]] = defaultdict(dict)
        self.slow: list[tuple[float, str, str]] = []
        self.failures: list[str] = []
        self.sql_ms: dict[tuple[str, str], float] = {}

    def measure(self, size: str, what: str, fn, runs: int = BUDGET_RUNS) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        timings, queries, sql_ms = [], 0, []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                try:
                    fn()
                except Exception as error:  # noqa: BLE001 - reported, and the other pages are still measured
                    self.failures.append(f"{what} ({size}): {type(error).__name__}: {str(error)[:200]}")
                    return
                timings.append((time.perf_counter() - start) * 1000)
            queries = len(captured)
            sql_ms.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
            if size == "federation":
                for query in captured.captured_queries:
                    self.slow.append((float(query["time"]), what, query["sql"]))
        median, p95 = summary(timings)
        self.rows[what][size] = (median, p95, queries)
        self.sql_ms[(what, size)] = statistics.median(sql_ms)


def measure_budgets(budgets: Budgets, size: str, slug: str) -> None:
    from django.urls import reverse
    from django.utils import timezone

    from core.models import Organisation
    from members.models import Member, Role
    from shifts.portal import open_page

    organisation = Organisation.objects.get(slug=slug)
    volunteers = list(Member.objects.filter(organisation=organisation, role=Role.VOLUNTEER).order_by("pk")[:2])
    coordinator = Member.objects.filter(organisation=organisation, role=Role.COORDINATOR).order_by("pk").first()
    volunteer, taker = volunteers
    as_volunteer, as_taker, as_coordinator = django_client(volunteer.user), django_client(taker.user), None
    as_coordinator = django_client(coordinator.user)
    month = timezone.localdate().strftime("%Y-%m")

    def get(client, name, query=""):
        url = reverse(name, kwargs={"organisation": slug}) + query

        def fetch():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.get("Location"))

        return fetch

    pages = [
        ("volunteer: home", as_volunteer, "members:portal", ""),
        ("volunteer: open shifts", as_volunteer, "shifts:portal_open", ""),
        ("volunteer: my shifts", as_volunteer, "shifts:portal_mine", ""),
        ("volunteer: my trainings", as_volunteer, "trainings:mine", ""),
        ("coordinator: month rota", as_coordinator, "shifts:rota_month", f"?month={month}"),
        ("coordinator: week rota", as_coordinator, "shifts:rota_week", ""),
        ("coordinator: gaps", as_coordinator, "shifts:rota_gaps", ""),
        ("coordinator: member list", as_coordinator, "members:member_list", ""),
        ("coordinator: training matrix", as_coordinator, "trainings:matrix", ""),
        ("coordinator: unpaid fees", as_coordinator, "members:unpaid", ""),
    ]
    for what, client, name, query in pages:
        budgets.measure(size, what, get(client, name, query))

    # Taking a shift (the htmx POST): each run takes another shift she may take.
    # The page's cards are grouped by day (OpenPage.cards is their count since issue 16).
    page = open_page(taker, timezone.now())
    free = [card.shift for day in page.days for card in day.cards if not card.full]
    chosen, ends = [], []
    for shift in free:
        if all(shift.starts_at >= end or shift.ends_at <= start for start, end in ends):
            chosen.append(shift)
            ends.append((shift.starts_at, shift.ends_at))
    targets = iter(chosen)

    def take():
        shift = next(targets)
        url = reverse("shifts:portal_take", kwargs={"organisation": slug, "pk": shift.pk})
        response = as_taker.post(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and DONE in response.content, (url, response.status_code)

    budgets.measure(size, "volunteer: take a shift (htmx POST)", take, runs=min(BUDGET_RUNS, len(chosen)))


def explain_queries(budgets: Budgets, limit: int = 6, random_page_cost: float | None = None) -> tuple[str, list[str]]:
    """EXPLAIN every distinct SELECT the pages ran (flagging sequential scans on large tables) and keep
    EXPLAIN (ANALYZE, BUFFERS) of the slowest `limit` of them; returns that text and the flagged scans.
    `random_page_cost` overrides the database's setting for these EXPLAINs (4 is PostgreSQL's default)."""
    from django.db import connection

    seen, distinct = set(), []
    for seconds, what, sql in sorted(budgets.slow, key=lambda row: -row[0]):
        shape = re.sub(r"\d+", "N", sql)
        if not sql.lstrip().upper().startswith("SELECT") or "FOR UPDATE" in sql.upper() or shape in seen:
            continue
        seen.add(shape)
        distinct.append((seconds, what, sql))
    parts, seq_scans = [], set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "AND reltuples >= %s",
            [LARGE_TABLE_ROWS],
        )
        large_tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("SET random_page_cost = %s" % (random_page_cost or "DEFAULT"))
        for n, (seconds, what, sql) in enumerate(distinct):
            cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if n < limit else "EXPLAIN ") + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            if n < limit:
                parts.append(f"-- {what}: {seconds * 1000:.1f} ms when measured\n{sql}\n\n{plan}\n")
            for table in large_tables:
                if re.search(rf"Seq Scan on {table}\b", plan):
                    seq_scans.add(f"{what}: Seq Scan on {table}")
                    if n >= limit:
                        parts.append(f"-- {what} (sequential scan; EXPLAIN only)\n{sql}\n\n{plan}\n")
        cursor.execute("RESET random_page_cost")
    return "\n".join(parts), sorted(seq_scans)


# -- load over HTTP ---------------------------------------------------------------------------------------


class Browser:
    """One person's keep-alive-less HTTP client (gunicorn's sync workers close each connection)."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.csrf = secrets.token_hex(16)  # 32 characters: Django accepts an unmasked secret as the token
        from django.conf import settings

        cookies = {**cookies, settings.CSRF_COOKIE_NAME: self.csrf}
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())

    def request(self, method: str, path: str, *, htmx: bool = False) -> tuple[int, bytes, float]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": self.cookie,
            # As behind the TLS-terminating proxy of production (SECURE_PROXY_SSL_HEADER).
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
        }
        if method == "POST":
            headers["X-CSRFToken"] = self.csrf
            headers["Content-Length"] = "0"
        if htmx:
            headers["HX-Request"] = "true"
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        return response.status, body, (time.perf_counter() - start) * 1000


def session_cookie(user) -> dict[str, str]:
    """A signed-in session straight in the session store (as login with the second factor would leave it)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
    from django.contrib.auth import SESSION_KEY as USER_KEY

    from members.middleware import SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[USER_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[SESSION_KEY] = True
    store.create()
    return {settings.SESSION_COOKIE_NAME: store.session_key}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
            # The first request of each worker loads Django's URLconf and templates: warm them all up.
            for _ in range(WORKERS * 3):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.statuses: dict[int, int] = defaultdict(int)
        self.taken = 0

    def add(self, page: str, status: int, ms: float, expected: int = 200) -> None:
        with self.lock:
            self.timings[page].append(ms)
            self.statuses[status] += 1
            if status != expected:
                self.errors.append(f"{page}: HTTP {status}")


def mixed_load(port: int, seconds: float, threads: int) -> tuple[Tally, float]:
    """Volunteers of many shelters browse and take shifts while coordinators open month rotas."""
    from django.utils import timezone

    from members.models import Member, Role
    from shifts.models import Shift

    now = timezone.now()
    month = timezone.localdate().strftime("%Y-%m")
    following = (timezone.localdate().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    people = (
        Member.objects.filter(organisation__slug__startswith=fed.SLUG_PREFIX)
        .exclude(organisation__slug=RUSH_SLUG)
        .select_related("user", "organisation")
    )
    volunteers = list(people.filter(role=Role.VOLUNTEER, first_name__regex=r"^[A-Za-z]+[0-9]$"))
    coordinators = list(people.filter(role=Role.COORDINATOR))
    open_shifts: dict[str, list[int]] = defaultdict(list)
    for pk, slug in (
        Shift.objects.filter(
            line__organisation__slug__startswith=fed.SLUG_PREFIX, starts_at__gt=now + timedelta(days=1)
        )
        .filter(starts_at__lt=now + timedelta(days=50))
        .with_staffing()
        .exclude(staffing="full")
        .values_list("pk", "line__organisation__slug")
    ):
        open_shifts[slug].append(pk)
    started = time.perf_counter()
    sessions = {m.pk: Browser(port, session_cookie(m.user)) for m in volunteers + coordinators}
    print(f"  {len(sessions)} sessions created in Redis in {time.perf_counter() - started:.1f} s")
    tally = Tally()
    stop_at = time.perf_counter() + seconds

    def person(seed: int) -> None:
        chance = random.Random(seed)
        while time.perf_counter() < stop_at:
            roll = chance.random()
            try:
                if roll < 0.2:
                    coordinator = chance.choice(coordinators)
                    path = f"/{coordinator.organisation.slug}/rota/?month={chance.choice([month, following])}"
                    status, _, ms = sessions[coordinator.pk].request("GET", path)
                    tally.add("coordinator: month rota", status, ms)
                    continue
                volunteer = chance.choice(volunteers)
                browser, slug = sessions[volunteer.pk], volunteer.organisation.slug
                if roll < 0.65:
                    status, _, ms = browser.request("GET", f"/{slug}/shifts/open/")
                    tally.add("volunteer: open shifts", status, ms)
                elif roll < 0.8:
                    status, _, ms = browser.request("GET", f"/{slug}/shifts/")
                    tally.add("volunteer: my shifts", status, ms)
                else:
                    shift = chance.choice(open_shifts[slug])
                    status, body, ms = browser.request("POST", f"/{slug}/shifts/{shift}/take/", htmx=True)
                    tally.add("volunteer: take a shift (htmx POST)", status, ms)
                    if DONE in body:
                        with tally.lock:
                            tally.taken += 1
            except Exception as error:  # noqa: BLE001 - counted as an error, the load goes on
                with tally.lock:
                    tally.errors.append(f"{type(error).__name__}: {error}")

    workers = [threading.Thread(target=person, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return tally, time.perf_counter() - started


def rush(port: int) -> dict:
    """A new month opens in one shelter; all its volunteers try to take its first shifts at the same moment."""
    from django.utils import timezone

    from core.models import Organisation
    from members.models import Member, Role
    from shifts.generation import shifts_generate
    from shifts.models import Assignment, AssignmentStatus, Shift

    organisation = Organisation.objects.get(slug=RUSH_SLUG)
    first = (timezone.localdate().replace(day=1) + timedelta(days=62)).replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    # The month "opens": its shifts are generated and the sign-up window reaches it.
    started = time.perf_counter()
    generated = shifts_generate(organisation=organisation, start=first, end=last)
    generate_ms = (time.perf_counter() - started) * 1000
    organisation.signup_window_days = (last - timezone.localdate()).days + 1
    organisation.save(update_fields=["signup_window_days"])
    opens_at = datetime.combine(first, datetime.min.time(), tzinfo=organisation.zone)
    targets = list(
        Shift.objects.for_organisation(organisation).filter(starts_at__gte=opens_at).order_by("starts_at", "pk")
    )[:RUSH_SHIFTS]
    volunteers = list(Member.objects.filter(organisation=organisation, role=Role.VOLUNTEER).select_related("user"))
    browsers = {m.pk: Browser(port, session_cookie(m.user)) for m in volunteers}
    barrier = threading.Barrier(len(volunteers))
    answers: list[tuple[int, int, int, bool, float]] = []  # member, shift, status, done, ms
    failures: list[str] = []
    lock = threading.Lock()
    rush_started = timezone.now()

    def volunteer(member) -> None:
        order = list(targets)
        random.Random(member.pk).shuffle(order)
        barrier.wait()
        for shift in order:
            try:
                status, body, ms = browsers[member.pk].request(
                    "POST", f"/{RUSH_SLUG}/shifts/{shift.pk}/take/", htmx=True
                )
            except Exception as error:  # noqa: BLE001
                with lock:
                    failures.append(f"{type(error).__name__}: {error}")
                continue
            with lock:
                answers.append((member.pk, shift.pk, status, DONE in body, ms))

    threads = [threading.Thread(target=volunteer, args=(m,)) for m in volunteers]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall

    confirmed = Assignment.objects.filter(
        shift__in=targets, status=AssignmentStatus.CONFIRMED, created_at__gte=rush_started
    ).values_list("member_id", "shift_id")
    stored = set(confirmed)
    done = {(member, shift) for member, shift, status, ok, _ in answers if ok}
    counts = {
        shift.pk: (
            Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED).count(),
            shift.max_volunteers,
        )
        for shift in targets
    }
    over = {pk: c for pk, c in counts.items() if c[0] > c[1]}
    unfilled = {pk: c for pk, c in counts.items() if c[0] < c[1]}
    statuses = defaultdict(int)
    for *_, status, _ok, _ms in answers:
        statuses[status] += 1
    return {
        "generated": generated.created,
        "generate_ms": generate_ms,
        "volunteers": len(volunteers),
        "shifts": len(targets),
        "places": sum(c[1] for c in counts.values()),
        "requests": len(answers),
        "failures": failures,
        "statuses": dict(statuses),
        "errors": sum(n for status, n in statuses.items() if status != 200) + len(failures),
        "done": len(done),
        "stored": len(stored),
        "lost": sorted(done - stored),
        "phantom": sorted(stored - done),
        "over": over,
        "unfilled": unfilled,
        "timings": [a[4] for a in answers],
        "wall": wall,
    }


NATIONAL_SHIFTS = int(os.environ.get("FEDERATION_NATIONAL_SHIFTS", "6"))
NATIONAL_TAKERS = int(os.environ.get("FEDERATION_NATIONAL_TAKERS", "160"))
# The outcomes of a take on a national shift, in the order they are reported.
NATIONAL_OUTCOMES = ("taken", "refused: full", "refused: other", "not open to her (404)", "error")


def take_outcome(status: int, body: bytes, queue_path: str) -> str:
    """What a take answered (the htmx card): "Done"; refused because the shift is full (the card offers the waiting
    list); refused for another reason; 404 (the shift is not among hers, although she was let in: a failure);
    anything else is an error."""
    if status == 404:
        return "not open to her (404)"
    if status != 200:
        return "error"
    if DONE in body:
        return "taken"
    if queue_path.encode() in body or "Passet är fullt".encode() in body or b"The shift is full" in body:
        return "refused: full"
    return "refused: other"


def national_rush(port: int) -> dict:
    """The summer chat opens: volunteers of many shelters let in on the national line all try to take its first
    shifts at the same moment, each through her own shelter's URL (POST /<her shelter>/shifts/<national shift>/
    take/). Afterwards no national shift may hold more confirmed places than its maximum."""
    from django.db.models import Count, F, Q
    from django.urls import reverse
    from django.utils import timezone

    from shifts.models import Assignment, AssignmentStatus, Line, NationalVolunteer, Shift
    from shifts.national import national_organisation

    line = Line.objects.national().get(name=fed.NATIONAL_LINE)
    now = timezone.now()
    targets = list(
        Shift.objects.filter(line=line, cancelled_at=None, starts_at__gt=now + timedelta(hours=1)).order_by(
            "starts_at", "pk"
        )[:NATIONAL_SHIFTS]
    )
    if not targets:
        return {"skipped": "no coming national shift"}
    # The summer "opens": the national line's sign-up window reaches its first shifts.
    national = national_organisation()
    national.signup_window_days = (
        targets[-1].starts_at.astimezone(national.zone).date() - timezone.localdate()
    ).days + 1
    national.save(update_fields=["signup_window_days"])
    let_in = list(
        NationalVolunteer.objects.filter(
            line=line,
            line__participations__organisation=F("member__organisation"),
            line__participations__accepted_at__isnull=False,
        )
        .select_related("member__user", "member__organisation")
        .order_by("member__organisation__slug", "member_id")
    )
    # Spread over the shelters: the first let-in volunteer of each shelter, then the second, …
    by_shelter: dict[int, list] = defaultdict(list)
    for row in let_in:
        by_shelter[row.member.organisation_id].append(row.member)
    takers = []
    for rank in range(max((len(v) for v in by_shelter.values()), default=0)):
        takers += [members[rank] for members in by_shelter.values() if rank < len(members)]
    takers = takers[:NATIONAL_TAKERS]
    if not takers:
        return {"skipped": "no volunteer let in on the national line"}
    browsers = {m.pk: Browser(port, session_cookie(m.user)) for m in takers}
    paths = {
        (m.pk, shift.pk): (
            reverse("shifts:portal_take", kwargs={"organisation": m.organisation.slug, "pk": shift.pk}),
            reverse("shifts:portal_queue", kwargs={"organisation": m.organisation.slug, "pk": shift.pk}),
        )
        for m in takers
        for shift in targets
    }
    barrier = threading.Barrier(len(takers))
    answers: list[tuple[int, int, str, float]] = []  # member, shift, outcome, ms
    failures: list[str] = []
    lock = threading.Lock()
    started_at = timezone.now()

    def volunteer(member) -> None:
        order = list(targets)
        random.Random(member.pk).shuffle(order)
        barrier.wait()
        for shift in order:
            take, queue = paths[member.pk, shift.pk]
            try:
                status, body, ms = browsers[member.pk].request("POST", take, htmx=True)
            except Exception as error:  # noqa: BLE001 - counted as an error, the others go on
                with lock:
                    failures.append(f"{type(error).__name__}: {error}")
                    answers.append((member.pk, shift.pk, "error", 0.0))
                continue
            outcome = take_outcome(status, body, queue)
            with lock:
                answers.append((member.pk, shift.pk, outcome, ms))
                if outcome == "error":
                    failures.append(f"HTTP {status} for {take}")

    threads = [threading.Thread(target=volunteer, args=(m,)) for m in takers]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall

    stored = set(
        Assignment.objects.filter(
            shift__in=targets, status=AssignmentStatus.CONFIRMED, created_at__gte=started_at
        ).values_list("member_id", "shift_id")
    )
    done = {(member, shift) for member, shift, outcome, _ms in answers if outcome == "taken"}
    # Every national shift, not only the targets: none above its maximum.
    over = list(
        Shift.objects.filter(line__organisation__national=True)
        .annotate(confirmed=Count("assignments", filter=Q(assignments__status=AssignmentStatus.CONFIRMED)))
        .filter(confirmed__gt=F("max_volunteers"))
        .values_list("pk", "confirmed", "max_volunteers")
    )
    outcomes: dict[str, list[float]] = {name: [] for name in NATIONAL_OUTCOMES}
    for _member, _shift, outcome, ms in answers:
        outcomes[outcome].append(ms)
    return {
        "line": line.name,
        "volunteers": len(takers),
        "shelters": len({m.organisation_id for m in takers}),
        "shifts": len(targets),
        "places": sum(s.max_volunteers for s in targets),
        "requests": len(answers),
        "outcomes": outcomes,
        "failures": failures,
        "errors": len(outcomes["error"]),
        "done": len(done),
        "stored": len(stored),
        "lost": sorted(done - stored),
        "phantom": sorted(stored - done),
        "over": over,
        "timings": [ms for *_, outcome, ms in answers if outcome != "error"],
        "wall": wall,
    }


def report_national(outcome: dict) -> bool:
    """Print the national rush's figures (same columns as the load table) and record them; True when it held."""
    if "skipped" in outcome:
        print(f"\n== national rush SKIPPED: {outcome['skipped']}")
        return True
    print(
        f"\n== national rush: {outcome['volunteers']} volunteers of {outcome['shelters']} shelters take the first "
        f"{outcome['shifts']} shifts ({outcome['places']} places) of {outcome['line']!r}, each through her own "
        f"shelter's URL"
    )
    print(f"{'outcome':<40}{'requests':>9}{'median ms':>10}{'p95 ms':>8}{'req/s':>7}")
    wall = outcome["wall"] or 1.0
    for name, timings in outcome["outcomes"].items():
        median, p95 = summary(timings) if timings else (0.0, 0.0)
        print(f"{'national take: ' + name:<40}{len(timings):>9}{median:>10.1f}{p95:>8.1f}{len(timings) / wall:>7.1f}")
    median, p95 = summary(outcome["timings"]) if outcome["timings"] else (0.0, 0.0)
    print(
        f"{'all':<40}{outcome['requests']:>9}{median:>10.1f}{p95:>8.1f}{outcome['requests'] / wall:>7.1f}"
        f"   errors: {outcome['errors']}"
    )
    print(
        f"'Done' answers {outcome['done']}, new assignments {outcome['stored']}, lost {len(outcome['lost'])}, "
        f"without a 'Done' {len(outcome['phantom'])}; national shifts over maximum: {len(outcome['over'])}"
    )
    for failure in sorted(set(outcome["failures"]))[:10]:
        print(f"  error: {failure}")
    counts = {name: len(timings) for name, timings in outcome["outcomes"].items()}
    missing = counts["not open to her (404)"]
    ok = not (outcome["errors"] or outcome["lost"] or outcome["phantom"] or outcome["over"] or missing)
    if missing:
        print(f"FAILED: {missing} takes of a national shift answered 404 to a volunteer who was let in")
    record(
        f"fed national rush: {outcome['volunteers']} volunteers, {outcome['shelters']} shelters",
        median_ms=median,
        p95_ms=p95,
        rps=outcome["requests"] / wall,
        queries=None,  # not measured in-process for a national shift
        note=f"{counts['taken']} taken = {outcome['stored']} stored, {counts['refused: full']} full, "
        f"{counts['refused: other']} other refusals, {counts['not open to her (404)']} 404, "
        f"{outcome['errors']} errors, {len(outcome['over'])} over max: {'OK' if ok else 'FAILED'}",
    )
    return ok


# -- main ---------------------------------------------------------------------------------------------------


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    if missing := services_missing():
        line = f"federation load test SKIPPED: it needs PostgreSQL and Redis — {missing}"
        print(line)
        record("federation load test", note=f"skipped: {missing}")
        return 0
    os.environ.update(production_environment())
    fed.prepare_database(fed.database_url(), reset=True)
    fed.setup_django(fed.database_url())

    from django.core.management import call_command
    from django.db import connection

    print(f"== seed ({os.cpu_count()} CPUs, shared with whatever else runs)")
    figures = fed.ensure_seeded(reset=True, shelters=SHELTERS, volunteers=VOLUNTEERS)
    fed.seed(shelters=1, volunteers=6, slug_prefix="small-", national_shelters=0, out=lambda *_: None)
    record(
        "seed_federation (bulk, PostgreSQL)",
        note=f"{figures['shelters']} shelters, {figures['users']} users, {figures['shifts']} shifts, "
        f"{figures['assignments']} assignments, {figures['training_records']} training records, "
        f"{figures['payments']} payments in {figures['seconds']:.1f} s",
    )
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest DEBUG-off pages need

    print("\n== query budgets: a federation shelter (60 volunteers, 159 others around) vs a small one (6)")
    budgets = Budgets()
    measure_budgets(budgets, "small", "small-001")
    measure_budgets(budgets, "federation", "fed-080")
    # The SQLite benchmarks (rota.py, …) keep sessions in the database: measured that way too, to compare.
    from django.test import override_settings

    with override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db"):
        measure_budgets(budgets, "db sessions", "fed-081")
    print(f"{'page':<40}{'median ms':>10}{'p95 ms':>8}{'SQL ms':>8}{'queries':>9}{'small':>7}{'db sess.':>9}")
    same = True
    for failure in budgets.failures:
        print(f"FAILED: {failure}")
    for what, sizes in budgets.rows.items():
        if "federation" not in sizes or "small" not in sizes:
            continue
        median, p95, queries = sizes["federation"]
        small = sizes["small"][2]
        db_sessions = sizes.get("db sessions", (0, 0, "–"))[2]
        flag = "" if small == queries else "  DIFFERENT"
        same &= small == queries
        sql = budgets.sql_ms[(what, "federation")]
        print(f"{what:<40}{median:>10.1f}{p95:>8.1f}{sql:>8.1f}{queries:>9}{small:>7}{db_sessions:>9}{flag}")
        record(
            f"fed in-process: {what}",
            median_ms=median,
            p95_ms=p95,
            queries=queries,
            note=f"SQL {sql:.1f} ms; small shelter: {small} q; sessions in the database: {db_sessions} q",
        )
    explain_path = OUT / "federation-explain.txt"
    plans, seq_scans = explain_queries(budgets)
    explain_path.write_text(
        f"-- random_page_cost = {fed.RANDOM_PAGE_COST} (set on the database, as in README)\n\n{plans}"
    )
    default_plans, default_scans = explain_queries(budgets, random_page_cost=4)
    explain_path.with_name("federation-explain-default-cost.txt").write_text(
        f"-- random_page_cost = 4 (PostgreSQL's default)\n\n{default_plans}"
    )
    print(f"EXPLAIN (ANALYZE, BUFFERS) of the slowest queries: {explain_path.relative_to(ROOT)}")
    print(
        f"sequential scans on tables of {LARGE_TABLE_ROWS}+ rows, random_page_cost {fed.RANDOM_PAGE_COST}: "
        + ("; ".join(seq_scans) if seq_scans else "none")
    )
    print(
        "  … with PostgreSQL's default random_page_cost 4: " + ("; ".join(default_scans) if default_scans else "none")
    )
    connection.close()

    port = free_port()
    log_path = OUT / "federation-gunicorn.log"
    print(f"\n== load: gunicorn, {WORKERS} sync workers, {THREADS} clients, {SECONDS:.0f} s")
    server = start_gunicorn(port, log_path)
    try:
        tally, wall = mixed_load(port, SECONDS, THREADS)
        outcome = rush(port)
        national = national_rush(port)
    finally:
        stop(server)
    total = sum(len(t) for t in tally.timings.values())
    print(f"{'page':<40}{'requests':>9}{'median ms':>10}{'p95 ms':>8}{'req/s':>7}")
    for page, timings in sorted(tally.timings.items()):
        median, p95 = summary(timings)
        rps = len(timings) / wall
        print(f"{page:<40}{len(timings):>9}{median:>10.1f}{p95:>8.1f}{rps:>7.1f}")
        queries = budgets.rows.get(page, {}).get("federation", (0, 0, None))[2]
        record(f"fed load: {page}", median_ms=median, p95_ms=p95, rps=rps, queries=queries, note=f"{len(timings)} req")
    all_timings = [ms for t in tally.timings.values() for ms in t]
    print(
        f"{'all':<40}{total:>9}{statistics.median(all_timings):>10.1f}{percentile(all_timings, 0.95):>8.1f}"
        f"{total / wall:>7.1f}   errors: {len(tally.errors)}, shifts taken: {tally.taken}"
    )
    record(
        f"fed load: all pages ({THREADS} clients, {WORKERS} workers)",
        median_ms=statistics.median(all_timings),
        p95_ms=percentile(all_timings, 0.95),
        rps=total / wall,
        note=f"{total} req in {wall:.0f} s, {len(tally.errors)} errors",
    )
    for error in sorted(set(tally.errors))[:10]:
        print(f"  error: {error}")

    print(
        f"\n== rush: {outcome['volunteers']} volunteers of {RUSH_SLUG} take the first {outcome['shifts']} shifts "
        f"({outcome['places']} places) of a month that just opened ({outcome['generated']} shifts generated in "
        f"{outcome['generate_ms']:.0f} ms)"
    )
    median, p95 = summary(outcome["timings"]) if outcome["timings"] else (0, 0)
    print(
        f"requests {outcome['requests']} in {outcome['wall']:.1f} s ({outcome['requests'] / outcome['wall']:.1f}/s), "
        f"median {median:.0f} ms, p95 {p95:.0f} ms; statuses {outcome['statuses']}"
    )
    print(
        f"'Done' answers {outcome['done']}, new assignments {outcome['stored']}, lost {len(outcome['lost'])}, "
        f"without a 'Done' {len(outcome['phantom'])}; shifts over maximum: {len(outcome['over'])}; "
        f"places left free: {len(outcome['unfilled'])}"
    )
    rush_ok = not (outcome["errors"] or outcome["lost"] or outcome["phantom"] or outcome["over"])
    record(
        f"fed rush: {outcome['volunteers']} volunteers, one shelter",
        median_ms=median,
        p95_ms=p95,
        rps=outcome["requests"] / outcome["wall"],
        queries=budgets.rows.get("volunteer: take a shift (htmx POST)", {}).get("federation", (0, 0, None))[2],
        note=f"{outcome['done']} taken = {outcome['stored']} stored, {outcome['errors']} errors, "
        f"{len(outcome['over'])} over max: {'OK' if rush_ok else 'FAILED'}",
    )
    national_ok = report_national(national)
    log_errors = [line for line in log_path.read_text().splitlines() if " ERROR " in line or "Traceback" in line]
    print(f"gunicorn log ({log_path.relative_to(ROOT)}): {len(log_errors)} ERROR lines")
    if not same:
        print("NOTE: some page's query count differs between the small shelter and the federation shelter")
    if not rush_ok or not national_ok or tally.errors or log_errors or budgets.failures:
        print("FAILED: errors under load or in the rush (see above)")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        print(f"benchmark could not run: {exc!r}", file=sys.stderr)
        sys.exit(1)
