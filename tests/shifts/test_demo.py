"""Demo data for the rota: lines, patterns, four months worked and two ahead, partly staffed; idempotent."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from shifts.models import Assignment, Line, Shift, ShiftPattern, SwapOffer, WaitingListEntry

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Line, ShiftPattern, Shift, Assignment, WaitingListEntry, SwapOffer)
    }


def test_load_demo_twice_creates_nothing_twice():
    call_command("load_demo", stdout=io.StringIO())
    first = _counts()
    call_command("load_demo", stdout=io.StringIO())
    assert _counts() == first
    assert set(Line.objects.values_list("name", flat=True)) >= {"Jourtelefon", "Chatt", "E-post"}
    assert first["Shift"] > 100
    assert first["WaitingListEntry"] > 0 and first["SwapOffer"] > 0


def test_demo_has_staffed_and_understaffed_shifts():
    call_command("load_demo", stdout=io.StringIO())
    shifts = list(Shift.objects.filter(starts_at__gt=timezone.now()).with_staffing())
    under = sum(1 for s in shifts if s.staffing == "under")
    staffed = len(shifts) - under
    assert under > 10
    assert staffed > len(shifts) // 3
    # No volunteer has two shifts that overlap.
    for member_id in set(Assignment.objects.values_list("member_id", flat=True)):
        mine = sorted(Shift.objects.filter(assignments__member_id=member_id), key=lambda s: s.starts_at)
        for earlier, later in zip(mine, mine[1:], strict=False):
            assert earlier.ends_at <= later.starts_at


def test_demo_puts_only_qualified_volunteers_on_shifts():
    from core.models import Organisation
    from members.onboarding import members_with_current_pledge

    call_command("load_demo", stdout=io.StringIO())
    organisation = Organisation.objects.get(slug="demo")
    assigned = set(Assignment.objects.values_list("member_id", flat=True))
    assert assigned
    assert members_with_current_pledge(organisation, assigned) == assigned


def test_demo_has_months_of_worked_shifts_on_every_line():
    call_command("load_demo", stdout=io.StringIO())
    now = timezone.now()
    worked = Assignment.objects.filter(shift__ends_at__lte=now, shift__cancelled_at=None).select_related("shift")
    assert worked.count() > 200
    assert set(worked.values_list("shift__line__name", flat=True)) == {"Jourtelefon", "Chatt", "E-post"}
    oldest = min(a.shift.starts_at for a in worked)
    assert now - oldest > timedelta(days=90)
    # Signed up before the shift, never after; past shifts carry no waiting list and no open swap offer.
    assert all(a.created_at < a.shift.starts_at for a in worked)
    assert not WaitingListEntry.objects.filter(shift__starts_at__lte=now).exists()
    assert not SwapOffer.objects.filter(assignment__shift__starts_at__lte=now).exists()
