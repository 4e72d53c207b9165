"""Her own choices (issue 19), the shifts side: a pause is an absence (at most a year ahead); leaving releases her
coming shifts through the release service, even inside the release deadline."""

from datetime import UTC, datetime, timedelta

import pytest

from members.services import member_leave_self
from shifts.availability import AvailabilityError, absence_add
from shifts.models import AssignmentStatus, SwapOffer, WaitingListEntry
from shifts.services import swap_offer, waiting_list_join
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def test_a_pause_can_start_at_most_a_year_ahead(volunteer, organisation):
    today = datetime.now(UTC).astimezone(organisation.zone).date()
    far = today + timedelta(days=400)
    with pytest.raises(AvailabilityError):
        absence_add(member=volunteer, starts_on=far, ends_on=far + timedelta(days=7), by=volunteer)
    soon = today + timedelta(days=30)
    absence = absence_add(member=volunteer, starts_on=soon, ends_on=soon + timedelta(days=60), by=volunteer)
    assert (absence.starts_on, absence.ends_on) == (soon, soon + timedelta(days=60))


def test_leaving_releases_every_coming_shift_even_inside_the_deadline(volunteer, organisation):
    now = datetime.now(UTC)
    line = LineFactory(organisation=organisation, max_volunteers=1)
    tonight = ShiftFactory(line=line, starts_at=now + timedelta(hours=2))  # inside the release deadline
    next_week = ShiftFactory(line=line, starts_at=now + timedelta(days=7))
    past = ShiftFactory(line=line, starts_at=now - timedelta(days=2))
    held = [AssignmentFactory(shift=shift, member=volunteer) for shift in (tonight, next_week, past)]
    offer = swap_offer(assignment=held[1], by=volunteer)
    elsewhere = ShiftFactory(line=line, starts_at=now + timedelta(days=9))
    AssignmentFactory(shift=elsewhere)
    waiting_list_join(shift=elsewhere, member=volunteer)
    queued = MemberFactory(organisation=organisation)
    waiting_list_join(shift=tonight, member=queued)

    member_leave_self(member=volunteer, now=now)

    statuses = []
    for assignment in held:
        assignment.refresh_from_db()
        statuses.append(assignment.status)
    assert statuses == [AssignmentStatus.RELEASED, AssignmentStatus.RELEASED, AssignmentStatus.CONFIRMED]
    assert tonight.assignments.get(status=AssignmentStatus.CONFIRMED).member == queued
    assert SwapOffer.objects.get(pk=offer.pk).withdrawn_at is not None
    assert not WaitingListEntry.objects.filter(member=volunteer).exists()
