"""A shelter at the density of issue 16, in bulk: `seed_density(lines=3, volunteers=60, days=31)` is 1× (one
shelter, 60 volunteers, 3 lines × 3 shifts a day for a month from tomorrow = 279 shifts); `lines=30,
volunteers=600` is 10× (2,790 shifts). benchmarks/density.py measures the pages on both; the query-count tests
(tests/shifts/test_density_queries.py) seed smaller sizes with the same function.

Not a benchmark itself (the Makefile runs only benchmarks/[!_]*.py). Importing it needs Django set up; nothing
here touches the database until `seed_density` is called.

What the shelter looks like, the same at every size (a fixed random seed, so two runs seed the same rota):
- lines in threes: Jourtelefon (needs the basic training and the phone course), Chatt, E-post (the signed
  pledge only); every line 2–3 volunteers a shift, shifts 08–13, 13–18 and 18–23 every day;
- volunteers: 90 % active with the current pledge signed, 5 % active without it yet, 5 % still in onboarding;
  trainings completed over the last years, so a few phone courses have expired and a few expire within 60 days;
- each shift gets its volunteers from those qualified for it and free at that time: 15 % below the minimum
  (1 of 2), 20 % full (3 of 3), the rest at the minimum (2 of 3);
- a few waiting lists on full shifts, open swap offers, unpublished rota changes and failed notices;
- one coordinator, and `volunteer`: an ordinary volunteer qualified for every line, on a shift every fourth
  evening.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import Organisation, User
from members.models import Member, MemberStatus, PledgeSignature, PledgeText, Role
from notices.models import Notice, NoticeStatus
from shifts.models import (
    Assignment,
    AssignmentStatus,
    Line,
    LineKind,
    RotaChange,
    RotaChangeKind,
    Shift,
    SwapOffer,
    WaitingListEntry,
)
from trainings.models import Course, TrainingRecord

RANDOM_SEED = 16
SLOTS = ((time(8), time(13)), (time(13), time(18)), (time(18), time(23)))
# name, kind, colour; the phone line is the one with training requirements.
LINE_KINDS = (("Jourtelefon", LineKind.PHONE, 1), ("Chatt", LineKind.CHAT, 3), ("E-post", LineKind.EMAIL, 5))
BASIC_COURSE = "Grundutbildning om mäns våld mot kvinnor"
PHONE_COURSE = "Stödsamtal i telefon"
OTHER_COURSES = ("Chattutbildning", "Säkerhet och tystnadslöfte")
FIRST_NAMES = [
    *("Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma", "Ingrid", "Malin", "Sofia", "Linnea"),
    *("Elin", "Hanna", "Ida", "Johanna", "Marie", "Ulla", "Birgitta", "Elsa", "Astrid", "Maja", "Nora", "Alva"),
    *("Ebba", "Frida", "Moa", "Tove", "Vera", "Agnes", "Klara", "Signe", "Greta", "Ronja", "Amira", "Leila"),
    *("Fatima", "Yasmin", "Noor", "Zeynep"),
]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson"]


@dataclass(frozen=True)
class Density:
    """What a benchmark or a test needs from the seeded shelter."""

    organisation: Organisation
    coordinator: Member
    volunteer: Member
    first_day: date
    days: int
    shifts: int
    assignments: int
    gap_shift: Shift

    @property
    def month(self) -> date:
        """The first of the calendar month that holds most of the seeded days."""
        middle = self.first_day + timedelta(days=self.days // 2)
        return middle.replace(day=1)

    @property
    def week(self) -> date:
        """The Monday of the first whole week of seeded shifts."""
        monday = self.first_day + timedelta(days=(7 - self.first_day.weekday()) % 7)
        return monday if monday + timedelta(days=6) < self.first_day + timedelta(days=self.days) else self.first_day


def _line_name(index: int) -> str:
    name = LINE_KINDS[index % 3][0]
    return name if index < 3 else f"{name} {index // 3 + 1}"


def seed_density(*, lines: int = 3, volunteers: int = 60, days: int = 31, slug: str = "density-1x") -> Density:
    """One shelter with `lines` lines × 3 shifts a day × `days` days from tomorrow and `volunteers` volunteers,
    in bulk inserts (about a second at 1×, ten at 10× on SQLite)."""
    rng = random.Random(RANDOM_SEED)
    now = timezone.now()
    today = timezone.localdate()
    organisation = Organisation.objects.create(name=f"Kvinnojouren {slug}", slug=slug, signup_window_days=60)
    zone = organisation.zone
    courses = {course.name: course for course in Course.objects.filter(organisation=organisation)}

    # People: a coordinator and the volunteers, each with a login.
    users = User.objects.bulk_create(
        User(email=f"{slug}-{n}@density.test", password="!unusable") for n in range(volunteers + 1)
    )
    states = []
    for n in range(volunteers):
        share = (n * 37) % 100  # spread over the list, the same at every size
        states.append("onboarding" if share < 5 else "unsigned" if share < 10 else "signed")
    states[0] = "signed"
    members = Member.objects.bulk_create(
        Member(
            organisation=organisation,
            user=user,
            first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
            last_name=LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)],
            email=user.email,
            role=Role.COORDINATOR if n == volunteers else Role.VOLUNTEER,
            status=MemberStatus.PROSPECTIVE if n < volunteers and states[n] == "onboarding" else MemberStatus.ACTIVE,
            member_since=today - timedelta(days=rng.randint(30, 3000)),
        )
        for n, user in enumerate(users)
    )
    people, coordinator = members[:volunteers], members[volunteers]
    her = people[0]

    pledge = PledgeText.objects.create(
        organisation=organisation, version=1, text="Jag lovar att inte föra vidare …", published_at=now
    )
    signed = [member for member, state in zip(people, states, strict=True) if state == "signed"]
    PledgeSignature.objects.bulk_create(
        PledgeSignature(member=member, pledge_text=pledge, signed_at=now - timedelta(days=rng.randint(1, 900)))
        for member in signed + [coordinator]
    )

    # Trainings: last day of the seeded month decides who is put on a phone shift (valid on every day).
    last_day = today + timedelta(days=days)
    records, phone_ready = [], set()
    for member in people + [coordinator]:
        if member.status == MemberStatus.PROSPECTIVE:
            continue
        taken = [(courses[BASIC_COURSE], rng.randint(100, 3000))]
        if member is her or rng.random() < 0.7:
            taken.append((courses[PHONE_COURSE], 60 if member is her else rng.randint(20, 1200)))
        taken += [(courses[name], rng.randint(10, 800)) for name in OTHER_COURSES if rng.random() < 0.6]
        for course, days_ago in taken:
            completed = today - timedelta(days=days_ago)
            expires = course.expires_on(completed)
            records.append(TrainingRecord(member=member, course=course, completed_on=completed, expires_on=expires))
            if course.name == PHONE_COURSE and (expires is None or expires >= last_day):
                phone_ready.add(member.pk)
    TrainingRecord.objects.bulk_create(records, batch_size=1000)

    line_rows = Line.objects.bulk_create(
        Line(
            organisation=organisation,
            name=_line_name(n),
            kind=LINE_KINDS[n % 3][1],
            colour=LINE_KINDS[n % 3][2],
            needs_pledge=True,
            min_volunteers=2,
            max_volunteers=3,
        )
        for n in range(lines)
    )
    Line.required_courses.through.objects.bulk_create(
        Line.required_courses.through(line_id=line.pk, course_id=courses[name].pk)
        for line in line_rows
        if line.kind == LineKind.PHONE
        for name in (BASIC_COURSE, PHONE_COURSE)
    )

    first_day = today + timedelta(days=1)
    shifts = []
    for d in range(days):
        day = first_day + timedelta(days=d)
        for start, end in SLOTS:
            for line in line_rows:
                shifts.append(
                    Shift(
                        line=line,
                        starts_at=datetime.combine(day, start, tzinfo=zone),
                        ends_at=datetime.combine(day, end, tzinfo=zone),
                        min_volunteers=line.min_volunteers,
                        max_volunteers=line.max_volunteers,
                    )
                )
    shifts = Shift.objects.bulk_create(shifts, batch_size=1000)

    # The shift page is measured on a gap a few days ahead (not about to start): the phone shift of that afternoon.
    gap_shift = shifts[(min(3, days - 1) * len(SLOTS) + 1) * lines]

    # Staffing, one time slot at a time so nobody is on two shifts at once.
    rows: list[Assignment] = []
    on_shift: dict[int, list[Member]] = {}
    for index in range(0, len(shifts), lines):
        slot_shifts = shifts[index : index + lines]
        d, s = divmod(index // lines, len(SLOTS))
        pool = [member for member in signed if member is not her]  # her own shifts are the ones set below
        rng.shuffle(pool)
        busy: set[int] = set()
        for shift in slot_shifts:
            chosen: list[Member] = []
            if s == 2 and d % 4 == 1 and shift is slot_shifts[1 % lines]:
                chosen.append(her)
                busy.add(her.pk)
            draw = rng.random()
            wanted = (
                shift.min_volunteers - 1
                if draw < 0.15
                else shift.max_volunteers
                if draw < 0.35
                else shift.min_volunteers
            )
            if shift is gap_shift:
                wanted = shift.min_volunteers - 1
            for member in pool:
                if len(chosen) >= wanted:
                    break
                if member.pk in busy or (shift.line.kind == LineKind.PHONE and member.pk not in phone_ready):
                    continue
                chosen.append(member)
                busy.add(member.pk)
            on_shift[shift.pk] = chosen
            rows += [
                Assignment(
                    shift=shift,
                    member=member,
                    status=AssignmentStatus.CONFIRMED,
                    created_at=now - timedelta(days=rng.randint(0, 20)),
                )
                for member in chosen
            ]
    rows = Assignment.objects.bulk_create(rows, batch_size=1000)

    # The odd queue, swap offer, unpublished change and failed notice, in proportion to the shelter.
    full = [shift for shift in shifts if len(on_shift[shift.pk]) >= shift.max_volunteers]
    queues = []
    for shift in full[::10]:
        waiting = [member for member in signed if member not in on_shift[shift.pk]]
        queues += [
            WaitingListEntry(shift=shift, member=member, created_at=now - timedelta(minutes=k))
            for k, member in enumerate(rng.sample(waiting, min(2, len(waiting))))
        ]
    WaitingListEntry.objects.bulk_create(queues)
    SwapOffer.objects.bulk_create(
        SwapOffer(assignment=assignment, created_at=now) for assignment in rows[7::30] if assignment.member_id != her.pk
    )
    RotaChange.objects.bulk_create(
        RotaChange(shift=assignment.shift, member=assignment.member, kind=RotaChangeKind.ADDED, created_at=now)
        for assignment in rows[3 :: max(1, len(rows) // max(1, volunteers // 12))][: max(1, volunteers // 12)]
    )
    shift_type = ContentType.objects.get_for_model(Shift)
    Notice.objects.bulk_create(
        Notice(
            organisation=organisation,
            recipient=assignment.member,
            kind="shift_reminder",
            subject_type=shift_type,
            subject_id=assignment.shift_id,
            variant="1440",
            dedupe_key=f"density:{slug}:{assignment.pk}",
            due_at=now - timedelta(hours=2),
            status=NoticeStatus.FAILED,
            attempts=5,
            last_error="Timeout talking to the mail server",
        )
        for assignment in rows[5 :: max(1, len(rows) // max(1, volunteers // 20))][: max(1, volunteers // 20)]
    )
    return Density(
        organisation=organisation,
        coordinator=coordinator,
        volunteer=her,
        first_day=first_day,
        days=days,
        shifts=len(shifts),
        assignments=len(rows),
        gap_shift=gap_shift,
    )
