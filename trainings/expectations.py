"""Who is behind with the meetings the shelter expects (issue 19): "at least N supervisions every M months".

A meeting kind (a `Course` whose purpose is a meeting) may state an expectation: `expected_count` sessions every
`expected_period_months` months. A member's standing in a kind counts her attendance records of that kind
completed in the period: after the day M months before today (that day itself no longer counts) and up to today.
Only active members are expected to attend; a member who joined during the period (`member_since` inside it)
is not judged yet, so nobody is behind on her first day. Shelters nudge, they do not punish: this only shows.

Everything is decided for all the members at once in three queries (the kinds, the members when not given, the
counts), whatever the number of members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import ngettext

from core.models import Organisation
from members.models import Member, MemberStatus

from .models import Course, TrainingRecord, add_months


@dataclass(frozen=True)
class Standing:
    """Her attendance of one meeting kind in its period against what the shelter expects."""

    course: Course
    attended: int
    since: date  # the period starts the day after
    judged: bool  # False: she has not been a member for the whole period yet

    @property
    def expected(self) -> int:
        return self.course.expected_count or 0

    @property
    def months(self) -> int:
        return self.course.expected_period_months or 0

    @property
    def is_behind(self) -> bool:
        return self.judged and self.attended < self.expected

    @property
    def text(self) -> str:
        """ "1 of 2 in the last 6 months", in the active language."""
        return ngettext(
            "%(attended)d of %(expected)d in the last month",
            "%(attended)d of %(expected)d in the last %(months)d months",
            self.months,
        ) % {"attended": self.attended, "expected": self.expected, "months": self.months}


@dataclass(frozen=True)
class Behind:
    """A member and the meeting kinds she is behind with."""

    member: Member
    standings: tuple[Standing, ...]

    @property
    def summary(self) -> str:
        return "; ".join(f"{s.course.name}: {s.text}" for s in self.standings)


class Expectations:
    """The kinds with an expectation and the members' attendance counts in each kind's period."""

    def __init__(self, kinds: list[Course], counts: dict[tuple[int, int], int], today: date):
        self.kinds = kinds
        self.counts = counts
        self.today = today
        self.since = {kind.pk: add_months(today, -(kind.expected_period_months or 0)) for kind in kinds}

    def standings_of(self, member: Member) -> list[Standing]:
        return [
            Standing(
                course=kind,
                attended=self.counts.get((member.pk, kind.pk), 0),
                since=self.since[kind.pk],
                judged=member.status == MemberStatus.ACTIVE
                and (member.member_since is None or member.member_since <= self.since[kind.pk]),
            )
            for kind in self.kinds
        ]

    def behind(self, members: Iterable[Member]) -> list[Behind]:
        """The members behind with at least one kind, in the order given."""
        found = []
        for member in members:
            standings = tuple(s for s in self.standings_of(member) if s.is_behind)
            if standings:
                found.append(Behind(member, standings))
        return found


def meeting_kinds_expected(organisation: Organisation) -> list[Course]:
    """The shelter's active meeting kinds with an expectation, by name: one query."""
    return list(Course.objects.for_organisation(organisation).meetings().active().with_expectation())


def expectations_for(
    organisation: Organisation, members: Iterable[Member], *, now: datetime, kinds: list[Course] | None = None
) -> Expectations:
    """The expectations and these members' counts: two queries (one when `kinds` is given), none for the counts
    when the shelter expects nothing."""
    today = timezone.localdate(now, organisation.zone)
    if kinds is None:
        kinds = meeting_kinds_expected(organisation)
    member_ids = [member.pk for member in members]
    counts: dict[tuple[int, int], int] = {}
    if kinds and member_ids:
        in_period = Q()
        for kind in kinds:
            since = add_months(today, -(kind.expected_period_months or 0))
            in_period |= Q(course_id=kind.pk, completed_on__gt=since)
        rows = (
            TrainingRecord.objects.filter(in_period, member_id__in=member_ids, completed_on__lte=today)
            .values_list("member_id", "course_id")
            .annotate(attended=Count("pk"))
            .order_by()
        )
        counts = {(member_id, course_id): attended for member_id, course_id, attended in rows}
    return Expectations(kinds, counts, today)


def expected_members(organisation: Organisation):
    """The members expected to attend: active (not paused, prospective or left), not erased, by name."""
    return (
        Member.objects.for_organisation(organisation)
        .filter(status=MemberStatus.ACTIVE, erased_at=None)
        .order_by("first_name", "last_name", "pk")
    )


def members_behind(organisation: Organisation, *, now: datetime) -> tuple[list[Course], list[Behind]]:
    """Every active member behind with any meeting kind, by name, and the kinds: three queries."""
    kinds = meeting_kinds_expected(organisation)
    if not kinds:
        return kinds, []
    members = list(
        expected_members(organisation).only(
            "pk", "first_name", "last_name", "organisation_id", "status", "member_since"
        )
    )
    return kinds, expectations_for(organisation, members, now=now, kinds=kinds).behind(members)


def expectation_text(course: Course) -> str:
    """ "At least 1 every 3 months", or "" when the kind expects nothing."""
    count, months = course.expected_count, course.expected_period_months
    if count is None or months is None:
        return ""
    return ngettext("At least %(count)d every month", "At least %(count)d every %(months)d months", months) % {
        "count": count,
        "months": months,
    }
