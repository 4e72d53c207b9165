"""Benchmark: the rota pages on a throw-away SQLite database.

Run: python benchmarks/rota.py — seeds a shelter of 60 volunteers, 3 lines × 3 shifts a day × 31 days (≈ 280
shifts, 2 volunteers each, bulk inserts), then prints median and p95 ms and the query count for the coordinator's
month view, the volunteer's open-shifts page, a shift page, a sign-up POST and the personal calendar feed; then the
same at double the shifts (6 a day per line) so the query counts can be compared. Pages another engineer has not
built yet are skipped with a note. Exits non-zero only when it could not run.
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
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
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from benchmarks._table import record  # noqa: E402
from core.models import Organisation, User  # noqa: E402
from members.middleware import SESSION_KEY  # noqa: E402
from members.models import Member, Role  # noqa: E402
from shifts.models import Assignment, AssignmentStatus, Line, Shift  # noqa: E402

RUNS = 15
DAYS = 31
VOLUNTEERS = 60
OPEN_SHIFTS_NAMES = ("shifts:open_shifts", "shifts:open", "shifts:portal_open", "shifts:available")
SIGN_UP_NAMES = ("shifts:portal_take", "shifts:sign_up", "shifts:shift_sign_up", "shifts:signup")


def _client(member: Member) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(member.user)
    session = client.session
    session[SESSION_KEY] = True
    session.save()
    return client


def _first_url(names, **kwargs):
    for name in names:
        try:
            return name, reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None, None


def seed(slots_per_day: int):
    """Shelter with 3 lines × `slots_per_day` shifts a day × 31 days, from tomorrow; 2 volunteers per shift."""
    slug = f"bench-{slots_per_day}"
    organisation = Organisation.objects.create(name=f"Bench {slots_per_day}", slug=slug, signup_window_days=90)
    users = User.objects.bulk_create(User(email=f"v{i}-{slug}@bench.test", password="!") for i in range(VOLUNTEERS + 2))
    members = Member.objects.bulk_create(
        Member(
            organisation=organisation,
            user=user,
            first_name=f"Frivillig{i}",
            last_name="Bench",
            email=user.email,
            role=Role.VOLUNTEER,
        )
        for i, user in enumerate(users)
    )
    coordinator, signer, volunteers = members[0], members[1], members[2:]
    coordinator.role = Role.COORDINATOR
    coordinator.save(update_fields=["role"])
    lines = [
        Line.objects.create(
            organisation=organisation, name=name, needs_pledge=False, min_volunteers=2, max_volunteers=3, colour=n + 1
        )
        for n, name in enumerate(("Jourtelefon", "Chatt", "E-post"))
    ]
    zone = organisation.zone
    first_day = timezone.localdate() + timedelta(days=1)
    hours = 24 // slots_per_day
    shifts = []
    for d in range(DAYS):
        day = first_day + timedelta(days=d)
        for s in range(slots_per_day):
            starts = datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(hours=s * hours)
            for line in lines:
                shifts.append(
                    Shift(
                        line=line,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=hours),
                        min_volunteers=2,
                        max_volunteers=3,
                    )
                )
    shifts = Shift.objects.bulk_create(shifts, batch_size=500)
    now = timezone.now()
    per_day = slots_per_day * len(lines) * 2
    rows = []
    for index, shift in enumerate(shifts):
        d, rest = divmod(index, slots_per_day * len(lines))
        for k in range(2):
            member = volunteers[(d * per_day + rest * 2 + k) % len(volunteers)]
            rows.append(Assignment(shift=shift, member=member, status=AssignmentStatus.CONFIRMED, created_at=now))
    Assignment.objects.bulk_create(rows, batch_size=1000)
    return organisation, coordinator, signer, volunteers[0], lines, first_day


def measure(fn, runs=RUNS):
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    timings.sort()
    return statistics.median(timings), timings[max(int(len(timings) * 0.95) - 1, 0)], queries


def bench(slots_per_day: int) -> dict:
    organisation, coordinator, signer, volunteer, lines, first_day = seed(slots_per_day)
    total = Shift.objects.filter(line__organisation=organisation).count()
    slug = organisation.slug
    coordinator_client, signer_client = _client(coordinator), _client(signer)
    results, notes = {}, []

    month_url = reverse("shifts:rota_month", kwargs={"organisation": slug}) + f"?month={first_day:%Y-%m}"

    def month():
        assert coordinator_client.get(month_url).status_code == 200

    results["coordinator month view"] = measure(month)

    name, open_url = _first_url(OPEN_SHIFTS_NAMES, organisation=slug)
    if open_url:

        def open_shifts():
            assert signer_client.get(open_url).status_code == 200

        results["open-shifts page"] = measure(open_shifts)
    else:
        notes.append("open-shifts page: skipped (no portal URL in shifts/urls.py yet)")

    shift = Shift.objects.filter(line=lines[0]).order_by("starts_at").first()
    shift_url = reverse("shifts:rota_shift", kwargs={"organisation": slug, "pk": shift.pk})

    def shift_page():
        assert coordinator_client.get(shift_url).status_code == 200

    results["shift page (coordinator)"] = measure(shift_page)

    # Sign-up: the signer takes the first shift of line 0 on a new day each run (no overlap, a free place).
    targets = iter(Shift.objects.filter(line=lines[0]).order_by("starts_at")[::slots_per_day][:RUNS])
    name, _ = _first_url(SIGN_UP_NAMES, organisation=slug, pk=shift.pk)
    if name:

        def sign_up():
            target = next(targets)
            url = reverse(name, kwargs={"organisation": slug, "pk": target.pk})
            assert signer_client.post(url).status_code in (200, 302)

        results["sign-up POST"] = measure(sign_up)
    else:
        from shifts.services import shift_sign_up

        def sign_up_service():
            shift_sign_up(shift=next(targets), member=signer)

        results["sign-up (service; no portal URL)"] = measure(sign_up_service)
        notes.append("sign-up POST: no portal sign-up URL yet; measured the shift_sign_up service instead")

    try:
        from shifts.feeds import calendar_token_renew

        token = calendar_token_renew(member=volunteer)
        feed_url = reverse("shifts:calendar_feed", kwargs={"organisation": slug, "token": token})
        anonymous = Client(HTTP_HOST="localhost")

        def feed():
            assert anonymous.get(feed_url).status_code == 200

        results["personal calendar feed"] = measure(feed)
    except (ImportError, NoReverseMatch):
        notes.append("personal calendar feed: skipped (the feeds engineer's feed is not there yet)")
    return {"total": total, "results": results, "notes": notes}


def main() -> int:
    call_command("migrate", verbosity=0)
    runs = {slots: bench(slots) for slots in (3, 6)}
    for slots, run in runs.items():
        print(f"\n{run['total']} shifts (3 lines × {slots} a day × {DAYS} days), {VOLUNTEERS} volunteers")
        print(f"{'what':<36}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        for what, (median, p95, queries) in run["results"].items():
            print(f"{what:<36}{median:>10.1f}{p95:>10.1f}{queries:>9}")
            record(
                f"rota: {what}", median_ms=median, p95_ms=p95, queries=queries, note=f"{run['total']} shifts (SQLite)"
            )
        for note in run["notes"]:
            print(f"  note: {note}")
    small, large = runs[3]["results"], runs[6]["results"]
    print("\nquery count at single vs double shifts:")
    for what in small:
        if what in large:
            same = "same" if small[what][2] == large[what][2] else "DIFFERENT"
            print(f"  {what:<36}{small[what][2]:>5} vs {large[what][2]:<5} {same}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001
        print(f"benchmark could not run: {exc!r}", file=sys.stderr)
        sys.exit(1)
