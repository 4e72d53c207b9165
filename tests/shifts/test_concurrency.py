"""Many volunteers take the last two places at the same moment: exactly two get them (PostgreSQL, real connections)."""

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from shifts.models import Assignment, AssignmentStatus, WaitingListEntry
from shifts.services import SignupRefused, shift_sign_up, swap_offer, swap_take, waiting_list_join
from tests.conftest import IN_CI, require_service
from tests.factories import MemberFactory, OrganisationFactory
from tests.shifts.factories import make_line, make_shift, put_on

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_for_the_last_two_places_give_them_to_exactly_two():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        if IN_CI:
            pytest.skip("This is CI's SQLite pass; CI's PostgreSQL pass (DATABASE_URL=postgres://…) covers this test")
        require_service(
            False, "DATABASE_URL does not point at PostgreSQL; the row lock needs real parallel connections"
        )
    assert connection.vendor == "postgresql"
    organisation = OrganisationFactory()
    line = make_line(organisation, min_volunteers=1, max_volunteers=3)
    shift = make_shift(line, starts_at=timezone.now() + timedelta(days=3))
    put_on(shift, MemberFactory(organisation=organisation))
    racers = MemberFactory.create_batch(THREADS, organisation=organisation)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(member):
        try:
            barrier.wait()
            try:
                shift_sign_up(shift=shift, member=member)
                result = "place"
            except SignupRefused as refused:
                if not refused.full:
                    raise
                waiting_list_join(shift=shift, member=member)
                result = "waiting"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=race, args=(m,)) for m in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["place"] * 2 + ["waiting"] * (THREADS - 2)
    assert Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED).count() == 3
    assert WaitingListEntry.objects.filter(shift=shift).count() == THREADS - 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_takers_of_one_swap_offer_leave_exactly_one_taker():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        if IN_CI:
            pytest.skip("This is CI's SQLite pass; CI's PostgreSQL pass (DATABASE_URL=postgres://…) covers this test")
        require_service(False, "DATABASE_URL does not point at PostgreSQL; the row locks need parallel connections")
    organisation = OrganisationFactory()
    shift = make_shift(make_line(organisation), starts_at=timezone.now() + timedelta(days=3))
    offerer = MemberFactory(organisation=organisation)
    offer = swap_offer(assignment=put_on(shift, offerer), by=offerer)
    takers = MemberFactory.create_batch(THREADS, organisation=organisation)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(member):
        try:
            barrier.wait()
            try:
                swap_take(offer=offer, member=member)
                result = "taken"
            except SignupRefused:
                result = "refused"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(m,)) for m in takers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * (THREADS - 1) + ["taken"]
    confirmed = Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED)
    assert confirmed.count() == 1
    offer.refresh_from_db()
    assert offer.taken_by == confirmed.get().member
