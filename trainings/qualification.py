"""Is this member qualified for these requirements on this date? Decided for a whole rota at once.

A line (the rota issue) states its `Requirements`; `QualificationChecker` loads everything it needs for
many members in a fixed number of queries (at most four: the shelter's courses, the members' records, the
signed pledge, the record checks), each only when a requirement needs it, whatever the number of members,
dates or shifts.

The date rule: a training counts on day D when it was completed on or before D and expires on D or later
(expiring the day before the shift → not qualified; expiring on the day → qualified).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import Organisation
from members.models import Member, RecordCheck

from .models import Course, CoursePurpose, TrainingRecord

EXPIRING_WITHIN_DAYS = 60


@dataclass(frozen=True)
class Requirements:
    """What a line asks of a volunteer: courses (ids), and optionally the current pledge and a record extract."""

    courses: list[int] = field(default_factory=list)
    needs_pledge: bool = False
    needs_record_check: bool = False


# -- requirement sources ------------------------------------------------------------------------------
# Other apps (the rota's lines) say what they require without trainings importing them: a source is
# fn(organisation) -> [(key, label, Requirements), …], listed by dotted path in
# settings.QUALIFICATION_REQUIREMENT_SOURCES.
RequirementSource = Callable[[Organisation], list[tuple[str, str, Requirements]]]


def requirement_choices(organisation: Organisation) -> list[tuple[str, str, Requirements]]:
    """Every source's (key, label, Requirements) for the shelter, in the order settings lists the sources."""
    sources: list[RequirementSource] = [import_string(path) for path in settings.QUALIFICATION_REQUIREMENT_SOURCES]
    return [choice for source in sources for choice in source(organisation)]


class CellState(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return str(CELL_LABELS[self])


CELL_LABELS = {
    CellState.VALID: gettext_lazy("Valid"),
    CellState.EXPIRING: gettext_lazy("Expires soon"),
    CellState.EXPIRED: gettext_lazy("Expired"),
    CellState.MISSING: gettext_lazy("Missing"),
}


@dataclass(frozen=True)
class Standing:
    """A member's best standing in one course on one day, with the date that explains it."""

    state: CellState
    completed_on: date | None = None
    expires_on: date | None = None


def state_on(expires_on: date | None, on: date) -> CellState:
    """Valid, expiring within 60 days, or expired on `on`, for a completed training expiring on `expires_on`."""
    if expires_on is None or expires_on > on + timedelta(days=EXPIRING_WITHIN_DAYS):
        return CellState.VALID
    if expires_on >= on:
        return CellState.EXPIRING
    return CellState.EXPIRED


def _ids(members: Iterable) -> list[int]:
    return [m if isinstance(m, int) else m.pk for m in members]


class QualificationChecker:
    """Decides for many members × many (requirements, date) pairs with a fixed number of queries."""

    def __init__(self, organisation: Organisation, members: Iterable, on_dates: Iterable[date] = ()):
        self.organisation = organisation
        self.member_ids = _ids(members)
        self._dates = set(on_dates)
        self._courses: dict[int, Course] | None = None
        self._records: dict[tuple[int, int], list[tuple[date, date | None]]] | None = None
        self._pledged: set[int] | None = None
        self._record_checks: dict[int, list[tuple[date, date]]] | None = None

    # -- loading, each once ---------------------------------------------------------------------
    @property
    def courses(self) -> dict[int, Course]:
        if self._courses is None:
            self._courses = {c.pk: c for c in Course.objects.for_organisation(self.organisation).trainings()}
        return self._courses

    @property
    def records(self) -> dict[tuple[int, int], list[tuple[date, date | None]]]:
        if self._records is None:
            records = defaultdict(list)
            rows = (
                TrainingRecord.objects.for_organisation(self.organisation)
                .filter(member_id__in=self.member_ids, course__purpose=CoursePurpose.TRAINING)
                .values_list("member_id", "course_id", "completed_on", "expires_on")
            )
            for member_id, course_id, completed_on, expires_on in rows:
                records[(member_id, course_id)].append((completed_on, expires_on))
            self._records = dict(records)
        return self._records

    def _pledge_signed(self, member_id: int) -> bool:
        if self._pledged is None:
            from members.onboarding import members_with_current_pledge

            self._pledged = set(members_with_current_pledge(self.organisation, self.member_ids))
        return member_id in self._pledged

    def _record_check_valid(self, member_id: int, on: date) -> bool:
        """Same rule as members.onboarding.members_with_valid_record_check (seen on or before `on`, valid on
        `on`), but all the members' checks are loaded in ONE query for every date, not one query per date."""
        if self._record_checks is None:
            checks = defaultdict(list)
            rows = RecordCheck.objects.filter(
                member__organisation=self.organisation, member_id__in=self.member_ids
            ).values_list("member_id", "seen_on", "valid_until")
            for checked_id, seen_on, valid_until in rows:
                checks[checked_id].append((seen_on, valid_until))
            self._record_checks = dict(checks)
        return any(seen_on <= on <= valid_until for seen_on, valid_until in self._record_checks.get(member_id, ()))

    # -- answers ----------------------------------------------------------------------------------
    def standing(self, member, course_id: int, on: date) -> Standing:
        member_id = member if isinstance(member, int) else member.pk
        taken = [r for r in self.records.get((member_id, course_id), ()) if r[0] <= on]
        if not taken:
            return Standing(CellState.MISSING)
        # The record that lasts longest decides (None = never expires).
        completed_on, expires_on = max(taken, key=lambda r: (r[1] is None, r[1] or date.min, r[0]))
        return Standing(state_on(expires_on, on), completed_on, expires_on)

    def reasons(self, member, requirements: Requirements, *, on: date) -> list[str]:
        """Translated sentences saying what she lacks on `on`; empty when she is qualified."""
        member_id = member if isinstance(member, int) else member.pk
        reasons = []
        for course_id in requirements.courses:
            course = self.courses.get(course_id)
            if course is None:
                continue
            standing = self.standing(member_id, course_id, on)
            if standing.state == CellState.EXPIRED:
                assert standing.expires_on is not None  # an expired standing has the date it expired
                reasons.append(
                    _("You need %(course)s (expired %(date)s)")
                    % {"course": course.name, "date": standing.expires_on.isoformat()}
                )
            elif standing.state == CellState.MISSING:
                reasons.append(_("You need %(course)s") % {"course": course.name})
        if requirements.needs_pledge and not self._pledge_signed(member_id):
            reasons.append(_("You need to sign the pledge of confidentiality"))
        if requirements.needs_record_check and not self._record_check_valid(member_id, on):
            reasons.append(_("You need to show a valid criminal record extract"))
        return reasons

    def is_qualified(self, member, requirements: Requirements, *, on: date) -> bool:
        return not self.reasons(member, requirements, on=on)


def qualified_members(organisation: Organisation, requirements: Requirements, *, on: date):
    """A Member queryset of those qualified for `requirements` on `on` (for filters and lists)."""
    members = Member.objects.for_organisation(organisation).current()
    for course_id in requirements.courses:
        valid = (
            TrainingRecord.objects.filter(member=OuterRef("pk"), course_id=course_id, course__organisation=organisation)
            .filter(course__purpose=CoursePurpose.TRAINING, completed_on__lte=on)
            .filter(Q(expires_on=None) | Q(expires_on__gte=on))
        )
        members = members.filter(Exists(valid))
    if requirements.needs_pledge or requirements.needs_record_check:
        from members import onboarding

        ids = list(members.values_list("pk", flat=True))
        if requirements.needs_pledge:
            ids = list(onboarding.members_with_current_pledge(organisation, ids))
        if requirements.needs_record_check:
            ids = list(onboarding.members_with_valid_record_check(organisation, ids, on=on))
        members = Member.objects.filter(pk__in=ids)
    return members
