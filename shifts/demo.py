"""Demo rota for the demo shelter: a phone line, a chat line and an e-mail line with patterns, four months of
shifts already worked (most at their minimum, a few full, the odd one left empty: what the statistics count)
and two months ahead, about half staffed, some under-staffed, a few swap offers and waiting lists.
Running it again creates nothing twice (lines and patterns are found by name, generation is idempotent, and
people are only put on shifts when none of the demo lines has anybody yet)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

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
# How far back the demo's history goes: enough past months for the statistics to show a year taking shape.
HISTORY_DAYS = 120
UPCOMING_DAYS = 60
# Volunteers put on a past assignment this long before its shift (sign-ups happen ahead, not afterwards).
SIGNED_UP_AHEAD = timedelta(days=10)


def seed(organisation) -> None:
    today = timezone.localdate()
    first_day = today - timedelta(days=HISTORY_DAYS)
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
                    line=line,
                    weekdays=weekdays,
                    start_time=start,
                    end_time=end,
                    anchor_date=first_day,
                    valid_from=first_day,
                )
        shifts_generate(line=line, start=first_day, end=today + timedelta(days=UPCOMING_DAYS))
    if Assignment.objects.filter(shift__line__in=lines).exists():
        return
    _staff(organisation, lines)


def _upcoming_wanted(index: int, shift: Shift) -> int:
    """Ahead: half the shifts get their minimum, one in six is full, one in six has one volunteer, the rest none."""
    return {0: shift.min_volunteers, 1: 0, 2: shift.max_volunteers, 3: 0, 4: 1, 5: 0}[index % 6]


def _past_wanted(index: int, shift: Shift) -> int:
    """Behind: what a rota looks like once the gaps were filled at short notice: five in eight at their
    minimum, one in eight full, one in eight with a single volunteer and one in eight that nobody took."""
    return {2: shift.max_volunteers, 4: 1, 6: 0}.get(index % 8, shift.min_volunteers)


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
    shifts = list(Shift.objects.filter(line__in=lines, cancelled_at=None).order_by("starts_at", "pk"))
    busy: dict[int, list[Shift]] = {}
    rows: list[Assignment] = []
    turn = 0

    def fill(shifts: list[Shift], wanted_for, created_at) -> list[tuple[Shift, list[Member]]]:
        """Put volunteers on the shifts in turn, never one on two shifts that overlap; returns the full ones."""
        nonlocal turn
        full_shifts = []
        for index, shift in enumerate(shifts):
            wanted = min(wanted_for(index, shift), len(volunteers))
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
                rows.append(
                    Assignment(
                        shift=shift, member=member, status=AssignmentStatus.CONFIRMED, created_at=created_at(shift)
                    )
                )
            if len(chosen) >= shift.max_volunteers:
                full_shifts.append((shift, chosen))
        return full_shifts

    def before_shift(shift: Shift) -> datetime:
        return shift.starts_at - SIGNED_UP_AHEAD

    fill([s for s in shifts if s.starts_at <= now], _past_wanted, before_shift)
    full_shifts = fill([s for s in shifts if s.starts_at > now], _upcoming_wanted, lambda shift: now)
    Assignment.objects.bulk_create(rows)
    # A few waiting lists on full shifts.
    for shift, on_it in full_shifts[:3]:
        others = [v for v in volunteers if v not in on_it][:2]
        for position, member in enumerate(others):
            WaitingListEntry.objects.create(shift=shift, member=member, created_at=now + timedelta(seconds=position))
    # A few open swap offers, on shifts still ahead.
    upcoming = Assignment.objects.filter(shift__line__in=lines, shift__starts_at__gt=now)
    for assignment in upcoming.order_by("shift__starts_at", "pk")[5:40:9]:
        SwapOffer.objects.create(assignment=assignment, created_at=now)
