"""Many volunteers take the last place at the same moment: exactly one gets it (PostgreSQL, real connections)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.concurrency import race, require_postgres
from tests.factories import MemberFactory, OrganisationFactory, SessionSignupFactory, TrainingSessionFactory
from trainings.models import Course, SessionSignup
from trainings.services import TrainingRefused, session_sign_up

THREADS = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_sign_ups_for_the_last_place_give_it_to_exactly_one():
    require_postgres("the row lock needs real parallel connections")
    assert connection.vendor == "postgresql"
    organisation = OrganisationFactory()
    chat = Course.objects.get(organisation=organisation, name="Chattutbildning")
    starts = timezone.now() + timedelta(days=3)
    session = TrainingSessionFactory(
        course=chat, starts_at=starts, ends_at=starts + timedelta(hours=2), place="digitalt", capacity=2
    )
    SessionSignupFactory(session=session, member=MemberFactory(organisation=organisation))
    racers = MemberFactory.create_batch(THREADS, organisation=organisation)

    def take_seat(member):
        try:
            session_sign_up(session=session, member=member)
            return "seat"
        except TrainingRefused:
            return "full"

    assert race(racers, take_seat) == ["full"] * (THREADS - 1) + ["seat"]
    assert SessionSignup.objects.filter(session=session).count() == 2
