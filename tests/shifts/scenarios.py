"""Rota scenarios: more than one object, built from the factories."""

from datetime import timedelta

from shifts.models import AssignmentStatus
from tests.factories import NOW, AssignmentFactory, ShiftFactory


def past_shifts(line, member, count, *, status=AssignmentStatus.CONFIRMED) -> None:
    """`count` completed shifts of hers on the line (to make her experienced or count shadow shifts)."""
    for i in range(count):
        AssignmentFactory(
            shift=ShiftFactory(line=line, starts_at=NOW - timedelta(days=10 + i)), member=member, status=status
        )
