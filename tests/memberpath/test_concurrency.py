"""Two coordinators moving the same card at the same moment (two laptops, or a double click on a slow line): she moves
one step, once, and the other is told the board changed (PostgreSQL, real connections)."""

import pytest
from django.db import connection
from django.utils import timezone

from core.errors import JourplanError
from memberpath.models import PathProgress
from memberpath.services import path_move_on, path_standard_create
from members.models import Interview, MemberStatus, Role
from tests.concurrency import race, require_postgres
from tests.factories import MemberFactory, OrganisationFactory

THREADS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_card_moved_by_several_at_once_moves_one_step_once():
    require_postgres("the member row's lock is raced by parallel connections")
    assert connection.vendor == "postgresql"
    organisation = OrganisationFactory()
    steps = path_standard_create(organisation=organisation, by=None)
    coordinators = MemberFactory.create_batch(THREADS, organisation=organisation, role=Role.COORDINATOR)
    sara = MemberFactory(organisation=organisation, user=None, status=MemberStatus.PROSPECTIVE)
    path_move_on(member=sara, to_step=steps[1], by=coordinators[0])

    def move(coordinator):
        try:
            path_move_on(member=sara, to_step=steps[2], by=coordinator, evidence_on=timezone.localdate())
        except JourplanError:
            return "refused"
        return "moved"

    assert race(coordinators, move) == ["moved"] + ["refused"] * (THREADS - 1)
    assert PathProgress.objects.filter(member=sara).count() == 2
    assert Interview.objects.filter(member=sara).count() == 1  # the evidence is recorded once too
