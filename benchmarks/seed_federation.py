"""Seed a whole federation on PostgreSQL: 160 shelters, each with 60 volunteers, 2 coordinators and an admin,
3 lines with patterns, three months of shifts (last, this and next month) with assignments, courses, sessions,
training records, the pledge, record checks, fee rates and payments — in bulk (one password hash for all).
Plus the national summer chat ("Nationell chatt, sommar", issue 20): a line of the federation's organisation with
two evening shifts every day from 1 June to 31 August, 40 shelters taking part and 5–10 volunteers of each let in.

Run: python benchmarks/seed_federation.py [--reset] [--shelters N] [--volunteers N]
It uses FEDERATION_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/jourplan_fed): a database of its
own, created when missing and migrated. Without --reset a seeded database is left as it is (idempotent);
--reset drops and recreates it first. Prints how long each part took. Every login's password is
FEDERATION_PASSWORD below; shelters are /fed-001/ … /fed-160/.
Exits non-zero only when it could not run (e.g. no PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jourplan_fed"
FEDERATION_PASSWORD = "federation-bench-2026"
SLUG_PREFIX = "fed-"
# The planner's cost of a random page read. PostgreSQL's default (4) is meant for spinning disks; with the data
# in memory or on SSD, 1.1 is the usual setting, and with it the register's and the rota's subqueries use the
# indexes instead of hashing a whole federation-wide table (see README, "Running Jourplan for many shelters").
RANDOM_PAGE_COST = 1.1


def database_url() -> str:
    return os.environ.get("FEDERATION_DATABASE_URL", DEFAULT_URL)


def prepare_database(url: str, *, reset: bool) -> bool:
    """Create the federation database when missing (drop it first with `reset`); True when it was (re)created.
    Refuses any database whose name does not contain "fed", so --reset cannot drop a real installation."""
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    if "fed" not in name:
        raise SystemExit(f"refusing to use {name!r}: the federation database's name must contain 'fed'")
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and reset:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            conn.execute(
                sql.SQL("ALTER DATABASE {} SET random_page_cost = {}").format(
                    sql.Identifier(name), sql.Literal(RANDOM_PAGE_COST)
                )
            )
            return True
    return False


def setup_django(url: str) -> None:
    """Point Django at the federation database (before settings are read) and set it up."""
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()


class Clock:
    """Times the seed's parts and prints them."""

    def __init__(self, out=print):
        self.out = out
        self.start = self.last = time.perf_counter()
        self.parts: list[tuple[str, float, int]] = []

    def lap(self, what: str, rows: int) -> None:
        now = time.perf_counter()
        self.parts.append((what, now - self.last, rows))
        self.out(f"  {what:<40}{rows:>9} rows {now - self.last:>7.1f} s")
        self.last = now

    @property
    def total(self) -> float:
        return time.perf_counter() - self.start


LINES = (
    # name, kind, colour, min, max, course names required, patterns: (weekdays, start hour, end hour)
    (
        "Jourtelefon",
        "phone",
        1,
        2,
        3,
        ["Grundutbildning"],
        [([0, 1, 2, 3, 4, 5, 6], 17, 20), ([0, 1, 2, 3, 4, 5, 6], 20, 23)],
    ),
    (
        "Chatt",
        "chat",
        3,
        1,
        2,
        ["Grundutbildning", "Chattutbildning"],
        [([5, 6], 11, 15), ([5, 6], 15, 19), ([2], 18, 21)],
    ),
    ("E-post", "email", 5, 1, 1, [], [([0, 1, 2, 3, 4], 10, 12)]),
)
COURSES = (("Grundutbildning", None), ("Chattutbildning", 24), ("Handledning", 12))


def month_bounds(today: date) -> tuple[date, date]:
    """First day of last month … last day of next month (three calendar months)."""
    first_this = today.replace(day=1)
    first_last = (first_this - timedelta(days=1)).replace(day=1)
    first_after_next = (first_this + timedelta(days=62)).replace(day=1)
    return first_last, first_after_next - timedelta(days=1)


def seed(
    *,
    shelters: int = 160,
    volunteers: int = 60,
    slug_prefix: str = SLUG_PREFIX,
    national_shelters: int | None = None,
    out=print,
    clock=None,
) -> dict:
    """Create the shelters (slugs `<prefix>001` …) in bulk; returns counts. Assumes none of them exist yet.
    `national_shelters` of them (default a quarter: 40 of 160) take part in the national summer chat
    (`seed_national`); 0 seeds no national line."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from core.models import Organisation, User
    from members.models import (
        FeeRate,
        Interview,
        Member,
        MembershipType,
        Payment,
        PaymentMethod,
        PledgeSignature,
        PledgeText,
        RecordCheck,
        Role,
    )
    from shifts.generation import pattern_dates, shift_times
    from shifts.models import Assignment, AssignmentStatus, Line, Shift, ShiftPattern, SwapOffer, WaitingListEntry
    from trainings.models import Course, RecordSource, TrainingRecord, TrainingSession

    clock = clock or Clock(out)
    today = timezone.localdate()
    now = timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Kvinnojouren Federation {n:03d}",
                slug=f"{slug_prefix}{n:03d}",
                signup_window_days=60,
                reminder_offsets_minutes=list(Organisation.DEFAULT_REMINDER_OFFSETS),
            )
            for n in range(1, shelters + 1)
        )
        clock.lap("shelters", len(organisations))

        # One hash for every login: hashing ~10,000 passwords one by one would take minutes.
        password = make_password(FEDERATION_PASSWORD)
        people = []  # (organisation, index, role)
        for organisation in organisations:
            people += [(organisation, i, Role.VOLUNTEER) for i in range(volunteers)]
            people += [(organisation, volunteers, Role.COORDINATOR), (organisation, volunteers + 1, Role.COORDINATOR)]
            people.append((organisation, volunteers + 2, Role.ADMIN))
        users = User.objects.bulk_create(
            (User(email=_email(org, i, role), password=password) for org, i, role in people), batch_size=5000
        )
        EmailAddress.objects.bulk_create(
            (EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users), batch_size=5000
        )
        clock.lap("users (+ verified e-mail addresses)", len(users) * 2)
        members = Member.objects.bulk_create(
            (
                Member(
                    organisation=org,
                    user=user,
                    first_name=_first_name(i, role),
                    last_name=f"Jour{org.pk}",
                    email=user.email,
                    role=role,
                    member_since=date(today.year - 1 - i % 5, 1 + i % 12, 1),
                    membership_type=MembershipType.SUPPORTING if i % 20 == 19 else MembershipType.FULL,
                    protected_identity=i % 30 == 7,
                )
                for (org, i, role), user in zip(people, users, strict=True)
            ),
            batch_size=5000,
        )
        clock.lap("members", len(members))
        by_org: dict[int, list] = {}
        for member in members:
            by_org.setdefault(member.organisation_id, []).append(member)

        # The register: pledge text and signatures, interviews, record checks, fee rates and payments.
        pledges = PledgeText.objects.bulk_create(
            PledgeText(organisation=org, version=1, text="Jag lovar tystnad.", published_at=now)
            for org in organisations
        )
        pledge_of = {p.organisation_id: p for p in pledges}
        signatures, interviews, checks, rates, payments = [], [], [], [], []
        for org in organisations:
            admin = by_org[org.pk][-1]
            for year in (today.year - 1, today.year):
                rates += [
                    FeeRate(organisation=org, year=year, membership_type=MembershipType.FULL, amount=200),
                    FeeRate(organisation=org, year=year, membership_type=MembershipType.SUPPORTING, amount=100),
                ]
            for i, member in enumerate(by_org[org.pk]):
                amount = 100 if member.membership_type == MembershipType.SUPPORTING else 200
                payments.append(
                    Payment(
                        organisation=org,
                        member=member,
                        year=today.year - 1,
                        amount=amount,
                        paid_on=date(today.year - 1, 3, 15),
                        method=PaymentMethod.SWISH,
                    )
                )
                if i % 6 != 5:  # about one in six has not paid this year yet
                    payments.append(
                        Payment(
                            organisation=org,
                            member=member,
                            year=today.year,
                            amount=amount,
                            paid_on=date(today.year, 1, 1) + timedelta(days=i),
                            method=PaymentMethod.BANKGIRO,
                        )
                    )
                if _qualified(i, volunteers):
                    signatures.append(PledgeSignature(member=member, pledge_text=pledge_of[org.pk], signed_at=now))
                interviews.append(Interview(member=member, held_on=date(today.year - 2, 1, 20), recorded_by=admin))
                if i % 5 != 4:
                    seen_on = today - timedelta(days=30 + 11 * i)
                    checks.append(
                        RecordCheck(
                            member=member, seen_on=seen_on, seen_by=admin, valid_until=seen_on + timedelta(days=730)
                        )
                    )
        for model, rows in (
            (PledgeSignature, signatures),
            (Interview, interviews),
            (RecordCheck, checks),
            (FeeRate, rates),
            (Payment, payments),
        ):
            model.objects.bulk_create(rows, batch_size=5000)
        clock.lap("pledges, interviews, record checks, fees", len(signatures + interviews + checks + rates + payments))

        # Trainings: three courses per shelter, two sessions (one done, one coming), records with expiry.
        courses = Course.objects.bulk_create(
            Course(organisation=org, name=name, validity_months=months)
            for org in organisations
            for name, months in COURSES
        )
        course_of = {(c.organisation_id, c.name): c for c in courses}
        sessions = TrainingSession.objects.bulk_create(
            TrainingSession(
                course=course_of[(org.pk, "Handledning")],
                starts_at=now + timedelta(days=days),
                ends_at=now + timedelta(days=days, hours=2),
                place="digitalt",
                capacity=20,
                attendance_recorded_at=now if days < 0 else None,
            )
            for org in organisations
            for days in (-40, 20)
        )
        past_session = {s.course.organisation_id: s for s in sessions if s.starts_at < now}
        records = []
        for org in organisations:
            for i, member in enumerate(by_org[org.pk]):
                if not _qualified(i, volunteers):
                    continue
                taken = [("Grundutbildning", today - timedelta(days=400 + 7 * i), RecordSource.EXTERNAL, None)]
                if i % 3 != 2:
                    taken.append(("Chattutbildning", today - timedelta(days=90 + 5 * i), RecordSource.IMPORTED, None))
                if i % 2 == 0:
                    taken.append(
                        ("Handledning", (now - timedelta(days=40)).date(), RecordSource.SESSION, past_session[org.pk])
                    )
                for name, completed_on, source, session in taken:
                    course = course_of[(org.pk, name)]
                    records.append(
                        TrainingRecord(
                            member=member,
                            course=course,
                            completed_on=completed_on,
                            expires_on=course.expires_on(completed_on),  # bulk_create skips save(), which sets it
                            source=source,
                            session=session,
                        )
                    )
        TrainingRecord.objects.bulk_create(records, batch_size=5000)
        clock.lap("courses, sessions, training records", len(courses) + len(sessions) + len(records))

        # Lines, their required courses and patterns; three months of shifts from the patterns.
        lines = Line.objects.bulk_create(
            Line(
                organisation=org,
                name=name,
                kind=kind,
                colour=colour,
                min_volunteers=low,
                max_volunteers=high,
                needs_pledge=True,
            )
            for org in organisations
            for name, kind, colour, low, high, _courses, _patterns in LINES
        )
        spec = {name: (names, patterns) for name, _k, _c, _l, _h, names, patterns in LINES}
        Through = Line.required_courses.through
        Through.objects.bulk_create(
            Through(line_id=line.pk, course_id=course_of[(line.organisation_id, name)].pk)
            for line in lines
            for name in spec[line.name][0]
        )
        first_day, last_day = month_bounds(today)
        patterns = ShiftPattern.objects.bulk_create(
            ShiftPattern(
                line=line,
                weekdays=weekdays,
                start_time=datetime.min.time().replace(hour=start),
                end_time=datetime.min.time().replace(hour=end),
                anchor_date=first_day,
                valid_from=first_day,
            )
            for line in lines
            for weekdays, start, end in spec[line.name][1]
        )
        line_by_pk = {line.pk: line for line in lines}
        org_by_pk = {org.pk: org for org in organisations}
        shifts = []
        for pattern in patterns:
            pattern.line = line_by_pk[pattern.line_id]
            zone = org_by_pk[pattern.line.organisation_id].zone
            for day in pattern_dates(pattern, first_day, last_day):
                starts_at, ends_at = shift_times(pattern, day, zone)
                shifts.append(
                    Shift(
                        line=pattern.line,
                        pattern=pattern,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        min_volunteers=pattern.line.min_volunteers,
                        max_volunteers=pattern.line.max_volunteers,
                    )
                )
        shifts = Shift.objects.bulk_create(shifts, batch_size=5000)
        clock.lap("lines, patterns, shifts", len(lines) + len(patterns) + len(shifts))

        # Assignments: past shifts staffed to their minimum or more, coming ones partly (open places remain).
        assignments = []
        shifts_by_org: dict[int, list] = {}
        for shift in shifts:
            shifts_by_org.setdefault(shift.line.organisation_id, []).append(shift)
        for org_pk, org_shifts in shifts_by_org.items():
            pool = [m for i, m in enumerate(by_org[org_pk][:volunteers]) if _qualified(i, volunteers)]
            chat_pool = [m for i, m in enumerate(pool) if i % 3 != 2]
            busy: dict[int, list] = {}
            cursor = 0
            for n, shift in enumerate(sorted(org_shifts, key=lambda s: (s.starts_at, s.pk))):
                past = shift.starts_at < now
                wanted = shift.min_volunteers + (n % 2) if past else (n * 7) % (shift.max_volunteers + 1)
                candidates = chat_pool if shift.line.name == "Chatt" else pool
                taken = 0
                for step in range(len(candidates)):
                    if taken >= min(wanted, shift.max_volunteers):
                        break
                    member = candidates[(cursor + step) % len(candidates)]
                    if any(
                        s.starts_at < shift.ends_at and s.ends_at > shift.starts_at for s in busy.get(member.pk, ())
                    ):
                        continue
                    busy.setdefault(member.pk, []).append(shift)
                    assignments.append(
                        Assignment(
                            shift=shift,
                            member=member,
                            status=AssignmentStatus.CONFIRMED,
                            created_at=min(now, shift.starts_at) - timedelta(days=20),
                        )
                    )
                    taken += 1
                cursor += 3
        Assignment.objects.bulk_create(assignments, batch_size=5000)
        clock.lap("assignments", len(assignments))

        # A few swap offers on coming shifts, and waiting lists on full ones, in every shelter.
        offers, waiting, on_shift = [], [], defaultdict(set)
        for assignment in assignments:
            on_shift[assignment.shift_id].add(assignment.member_id)
        for org_pk, org_shifts in shifts_by_org.items():
            coming = [s for s in org_shifts if s.starts_at > now + timedelta(days=3)]
            full = [s for s in coming if len(on_shift[s.pk]) >= s.max_volunteers][:8]
            pool = by_org[org_pk][:volunteers]
            for n, shift in enumerate(full):
                member = next(m for m in pool[n:] + pool[:n] if m.pk not in on_shift[shift.pk])
                waiting.append(WaitingListEntry(shift=shift, member=member, created_at=now))
        coming_assignments = [a for a in assignments if a.shift.starts_at > now + timedelta(days=3)]
        offers = [SwapOffer(assignment=a, created_at=now) for a in coming_assignments[::40]]
        WaitingListEntry.objects.bulk_create(waiting, batch_size=5000)
        SwapOffer.objects.bulk_create(offers, batch_size=5000)
        clock.lap("waiting lists, swap offers", len(waiting) + len(offers))

        if national_shelters is None:
            national_shelters = max(1, shelters // 4)
        national = seed_national(
            organisations=organisations,
            by_org=by_org,
            course_of=course_of,
            volunteers=volunteers,
            taking_part=national_shelters,
            today=today,
            now=now,
        )
        clock.lap("national line: shifts, shelters, let in", sum(national.values()))
    counts.update(
        shelters=len(organisations),
        users=len(users),
        members=len(members),
        shifts=len(shifts),
        assignments=len(assignments),
        training_records=len(records),
        payments=len(payments),
        **national,
    )
    return counts


NATIONAL_LINE = "Nationell chatt, sommar"
# The summer chat's evening shifts, every day (start hour, end hour), and its staffing.
NATIONAL_SHIFTS = ((18, 21), (21, 23))
NATIONAL_MIN, NATIONAL_MAX = 2, 4


def summer_bounds(today: date) -> tuple[date, date]:
    """1 June … 31 August of this summer, or of next summer once this one is over."""
    year = today.year if today <= date(today.year, 8, 31) else today.year + 1
    return date(year, 6, 1), date(year, 8, 31)


def taking_part_indexes(shelters: int, taking_part: int) -> list[int]:
    """Which shelters (0-based, in slug order) take part in the national line: every fourth from the second
    (fed-002, fed-006, …: not fed-001, whose volunteers the load test's rush uses), then the rest in order."""
    spread = list(range(1, shelters, 4))
    rest = sorted(set(range(shelters)) - set(spread))
    return sorted((spread + rest)[: max(0, min(taking_part, shelters))])


def seed_national(
    *, organisations, by_org, course_of, volunteers: int, taking_part: int, today: date, now: datetime
) -> dict[str, int]:
    """The federation's summer chat (issue 20): a line of the national organisation with two evening shifts every
    day of the summer (Europe/Stockholm, stored in UTC), `taking_part` of the shelters taking part (accepted by a
    coordinator, who asks for her shelter's basic training) and 5–10 qualified volunteers of each let in. In bulk
    and deterministic; no places are taken. With `taking_part` 0 nothing is created."""
    from shifts.generation import pattern_dates, shift_times
    from shifts.models import Line, LineKind, NationalParticipation, NationalVolunteer, Shift, ShiftPattern
    from shifts.national import national_organisation

    if taking_part <= 0:
        return {}
    national = national_organisation()
    first_day, last_day = summer_bounds(today)
    line = Line.objects.filter(organisation=national, name=NATIONAL_LINE).first()
    shifts: list = []
    if line is None:  # the line and its shifts once; another seed run only adds its shelters
        line = Line.objects.create(
            organisation=national,
            name=NATIONAL_LINE,
            kind=LineKind.CHAT,
            colour=7,
            min_volunteers=NATIONAL_MIN,
            max_volunteers=NATIONAL_MAX,
            needs_pledge=True,
        )
        patterns = ShiftPattern.objects.bulk_create(
            ShiftPattern(
                line=line,
                weekdays=[0, 1, 2, 3, 4, 5, 6],
                start_time=datetime.min.time().replace(hour=start),
                end_time=datetime.min.time().replace(hour=end),
                anchor_date=first_day,
                valid_from=first_day,
                valid_until=last_day,
            )
            for start, end in NATIONAL_SHIFTS
        )
        for pattern in patterns:
            for day in pattern_dates(pattern, first_day, last_day):
                starts_at, ends_at = shift_times(pattern, day, national.zone)
                shifts.append(
                    Shift(
                        line=line,
                        pattern=pattern,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        min_volunteers=NATIONAL_MIN,
                        max_volunteers=NATIONAL_MAX,
                    )
                )
        shifts = Shift.objects.bulk_create(sorted(shifts, key=lambda s: s.starts_at), batch_size=5000)
    chosen = [organisations[n] for n in taking_part_indexes(len(organisations), taking_part)]
    participations, let_in, courses = [], [], []
    for n, org in enumerate(chosen):
        coordinator = by_org[org.pk][volunteers]
        participations.append(
            NationalParticipation(
                line=line,
                organisation=org,
                invited_at=now - timedelta(days=30),
                accepted_at=now,
                accepted_by=coordinator,
            )
        )
        courses.append(
            Line.required_courses.through(line_id=line.pk, course_id=course_of[(org.pk, "Grundutbildning")].pk)
        )
        pool = [m for i, m in enumerate(by_org[org.pk][:volunteers]) if _qualified(i, volunteers)]
        wanted = 5 + n % 6  # 5–10 a shelter
        step = max(1, len(pool) // wanted)
        let_in += [
            NationalVolunteer(line=line, member=member, added_by=coordinator, added_at=now)
            for member in pool[::step][:wanted]
        ]
    NationalParticipation.objects.bulk_create(participations, batch_size=5000)
    Line.required_courses.through.objects.bulk_create(courses, batch_size=5000)
    NationalVolunteer.objects.bulk_create(let_in, batch_size=5000)
    return {
        "national_shifts": len(shifts),
        "national_shelters": len(participations),
        "national_volunteers": len(let_in),
    }


def _qualified(index: int, volunteers: int) -> bool:
    """All but two volunteers in each shelter have the pledge and basic training; coordinators too."""
    return index not in (volunteers - 1, volunteers - 2)


def _email(organisation, index: int, role: str) -> str:
    who = {"volunteer": f"v{index:02d}", "coordinator": f"c{index:02d}", "admin": "admin"}[role]
    return f"{who}@{organisation.slug}.bench.test"


def _first_name(index: int, role: str) -> str:
    names = ("Anna", "Lena", "Karin", "Eva", "Fatima", "Johanna", "Elin", "Aisha", "Ingrid", "Sofia", "Maria", "Sara")
    return f"{names[index % len(names)]}{index}" if role == "volunteer" else f"{role.title()}{index}"


def seeded_shelters(slug_prefix: str = SLUG_PREFIX) -> int:
    from core.models import Organisation

    return Organisation.objects.filter(slug__startswith=slug_prefix).count()


def ensure_seeded(*, reset: bool, shelters: int, volunteers: int, out=print) -> dict:
    """Create/migrate the database and seed it unless it already holds the federation. Returns figures:
    `seconds` (None when nothing was seeded), `migrate_seconds`, and the row counts."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.perf_counter() - started
    present = seeded_shelters()
    if present and not reset:
        out(f"federation already seeded ({present} shelters); pass --reset to build it again")
        return {"seconds": None, "migrate_seconds": migrate_seconds, "shelters": present}
    if present:
        raise SystemExit("the database holds a partial federation; run with --reset")
    clock = Clock(out)
    out(f"seeding {shelters} shelters × {volunteers} volunteers (+ 2 coordinators and an admin each):")
    counts = seed(shelters=shelters, volunteers=volunteers, out=out, clock=clock)
    seconds = clock.total
    # Fresh statistics, as autovacuum would have them in a while: the planner's figures for the pages.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out(f"seeded in {seconds:.1f} s (+ ANALYZE {clock.total - seconds:.1f} s; migrate {migrate_seconds:.1f} s)")
    return {"seconds": seconds, "migrate_seconds": migrate_seconds, **counts}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reset", action="store_true", help="drop and recreate the federation database first")
    parser.add_argument("--shelters", type=int, default=160)
    parser.add_argument("--volunteers", type=int, default=60)
    args = parser.parse_args(argv)
    url = database_url()
    try:
        prepare_database(url, reset=args.reset)
    except Exception as error:  # noqa: BLE001 - a missing server is the usual reason; say so plainly
        print(f"seed_federation needs PostgreSQL at {url}: {error}", file=sys.stderr)
        return 1
    setup_django(url)
    figures = ensure_seeded(reset=args.reset, shelters=args.shelters, volunteers=args.volunteers)
    if figures["seconds"] is not None:
        sys.path.insert(0, str(ROOT))
        from benchmarks._table import record

        record(
            "seed_federation",
            note=f"{figures['shelters']} shelters, {figures['shifts']} shifts, "
            f"{figures['assignments']} assignments, national line: {figures.get('national_shelters', 0)} shelters, "
            f"{figures.get('national_volunteers', 0)} volunteers, {figures.get('national_shifts', 0)} shifts: "
            f"{figures['seconds']:.1f} s",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
