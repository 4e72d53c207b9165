"""Demo rota for the demo shelter: a phone line, a chat line and an e-mail line with patterns and two months of
shifts from today, about half staffed, some under-staffed, a few swap offers and waiting lists.
Running it again creates nothing twice (lines and patterns are found by name, generation is idempotent, and
people are only put on shifts when none of the demo lines has anybody yet)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from members.models import Member, MemberStatus, Role
from members.onboarding import members_with_current_pledge

from .generation import shifts_generate
from .models import Assignment, AssignmentStatus, Line, LineKind, Shift, ShiftPattern, SwapOffer, WaitingListEntry

LINES = [
    # name, kind, colour, min, max, patterns: (weekdays, start, end)
    ("Jourtelefon", LineKind.PHONE, 1, 2, 3, [([0, 1, 2, 3, 4, 5, 6], time(20), time(23))]),
    ("Chatt", LineKind.CHAT, 3, 1, 2, [([5, 6], time(11), time(15)), ([5, 6], time(15), time(19))]),
    ("E-post", LineKind.EMAIL, 5, 1, 1, [([0, 1, 2, 3, 4], time(10), time(12))]),
]


def seed(organisation) -> None:
    today = timezone.localdate()
    lines = []
    for name, kind, colour, low, high, patterns in LINES:
        line, _ = Line.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "kind": kind,
                "colour": colour,
                "min_volunteers": low,
                "max_volunteers": high,
                "needs_pledge": True,
                "needs_record_check": False,
            },
        )
        lines.append(line)
        if not line.patterns.exists():
            for weekdays, start, end in patterns:
                ShiftPattern.objects.create(
                    line=line, weekdays=weekdays, start_time=start, end_time=end, anchor_date=today, valid_from=today
                )
        shifts_generate(line=line, start=today, end=today + timedelta(days=60))
    if Assignment.objects.filter(shift__line__in=lines).exists():
        return
    _staff(organisation, lines)


def _staff(organisation, lines) -> None:
    now = timezone.now()
    volunteers = list(
        Member.objects.filter(organisation=organisation, status=MemberStatus.ACTIVE, erased_at=None)
        .filter(role=Role.VOLUNTEER)
        .order_by("pk")
    )
    # Only those who meet the lines' light requirements (the signed pledge; no courses) are put on shifts.
    signed = members_with_current_pledge(organisation, [v.pk for v in volunteers])
    volunteers = [v for v in volunteers if v.pk in signed]
    if len(volunteers) < 3:
        return
    shifts = list(
        Shift.objects.filter(line__in=lines, cancelled_at=None, starts_at__gt=now).order_by("starts_at", "pk")
    )
    busy: dict[int, list[Shift]] = {}
    rows = []
    turn = 0
    full_shifts = []
    for index, shift in enumerate(shifts):
        # Half the shifts get their minimum, one in six is full, one in six has one volunteer, the rest none.
        wanted = {0: shift.min_volunteers, 1: 0, 2: shift.max_volunteers, 3: 0, 4: 1, 5: 0}[index % 6]
        wanted = min(wanted, len(volunteers))
        chosen: list[Member] = []
        for _ in range(len(volunteers)):
            if len(chosen) >= wanted:
                break
            member = volunteers[turn % len(volunteers)]
            turn += 1
            theirs = busy.setdefault(member.pk, [])
            if member in chosen or any(s.starts_at < shift.ends_at and shift.starts_at < s.ends_at for s in theirs):
                continue
            chosen.append(member)
            theirs.append(shift)
        for member in chosen:
            rows.append(Assignment(shift=shift, member=member, status=AssignmentStatus.CONFIRMED, created_at=now))
        if len(chosen) >= shift.max_volunteers:
            full_shifts.append((shift, chosen))
    Assignment.objects.bulk_create(rows)
    # A few waiting lists on full shifts.
    for shift, on_it in full_shifts[:3]:
        others = [v for v in volunteers if v not in on_it][:2]
        for position, member in enumerate(others):
            WaitingListEntry.objects.create(shift=shift, member=member, created_at=now + timedelta(seconds=position))
    # A few open swap offers.
    for assignment in Assignment.objects.filter(shift__line__in=lines).order_by("shift__starts_at", "pk")[5:40:9]:
        SwapOffer.objects.create(assignment=assignment, created_at=now)
