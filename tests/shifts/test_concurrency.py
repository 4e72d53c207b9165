"""Many volunteers take the last two places at the same moment: exactly two get them (PostgreSQL, real connections)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from shifts.models import Assignment, AssignmentStatus, WaitingListEntry
from shifts.services import SignupRefused, shift_sign_up, swap_offer, swap_take, waiting_list_join
from tests.concurrency import race, require_postgres
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, OrganisationFactory, ShiftFactory

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_for_the_last_two_places_give_them_to_exactly_two():
    require_postgres("the row lock needs real parallel connections")
    assert connection.vendor == "postgresql"
    organisation = OrganisationFactory()
    line = LineFactory(organisation=organisation, min_volunteers=1, max_volunteers=3)
    shift = ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=3))
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    racers = MemberFactory.create_batch(THREADS, organisation=organisation)

    def take_or_wait(member):
        try:
            shift_sign_up(shift=shift, member=member)
            return "place"
        except SignupRefused as refused:
            if not refused.full:
                raise
            waiting_list_join(shift=shift, member=member)
            return "waiting"

    assert race(racers, take_or_wait) == ["place"] * 2 + ["waiting"] * (THREADS - 2)
    assert Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED).count() == 3
    assert WaitingListEntry.objects.filter(shift=shift).count() == THREADS - 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_takers_of_one_swap_offer_leave_exactly_one_taker():
    require_postgres("the row locks need parallel connections")
    organisation = OrganisationFactory()
    shift = ShiftFactory(line=LineFactory(organisation=organisation), starts_at=timezone.now() + timedelta(days=3))
    offerer = MemberFactory(organisation=organisation)
    offer = swap_offer(assignment=AssignmentFactory(shift=shift, member=offerer), by=offerer)
    takers = MemberFactory.create_batch(THREADS, organisation=organisation)

    def take(member):
        try:
            swap_take(offer=offer, member=member)
            return "taken"
        except SignupRefused:
            return "refused"

    assert race(takers, take) == ["refused"] * (THREADS - 1) + ["taken"]
    confirmed = Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED)
    assert confirmed.count() == 1
    offer.refresh_from_db()
    assert offer.taken_by == confirmed.get().member
