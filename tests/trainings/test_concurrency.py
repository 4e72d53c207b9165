"""Many volunteers take the last place at the same moment: exactly one gets it (PostgreSQL, real connections)."""

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from tests.conftest import IN_CI, require_service
from tests.factories import MemberFactory, OrganisationFactory
from trainings.models import Course, SessionSignup, TrainingSession
from trainings.services import TrainingRefused, session_sign_up

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_for_the_last_place_give_it_to_exactly_one():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        if IN_CI:
            pytest.skip("This is CI's SQLite pass; CI's PostgreSQL pass (DATABASE_URL=postgres://…) covers this test")
        require_service(
            False, "DATABASE_URL does not point at PostgreSQL; the row lock needs real parallel connections"
        )
    assert connection.vendor == "postgresql"
    organisation = OrganisationFactory()
    chat = Course.objects.get(organisation=organisation, name="Chattutbildning")
    starts = timezone.now() + timedelta(days=3)
    session = TrainingSession.objects.create(
        course=chat, starts_at=starts, ends_at=starts + timedelta(hours=2), place="digitalt", capacity=2
    )
    SessionSignup.objects.create(session=session, member=MemberFactory(organisation=organisation))
    racers = MemberFactory.create_batch(THREADS, organisation=organisation)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(member):
        try:
            barrier.wait()
            try:
                session_sign_up(session=session, member=member)
                result = "seat"
            except TrainingRefused:
                result = "full"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=race, args=(m,)) for m in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["full"] * (THREADS - 1) + ["seat"]
    assert SessionSignup.objects.filter(session=session).count() == 2
