"""The rush when a new month opens, through the portal: many volunteers of one shelter tap "Take the shift" on the
same few shifts at the same moment. No shift ends above its maximum, and every "Done" answer she sees is exactly
one assignment in the database (and every assignment was answered "Done").

tests/shifts/test_concurrency.py races the sign-up service for one shift; this races the web view (the htmx POST
a phone sends) over several shifts, and compares what each volunteer was told with what was stored. The same
check runs at federation scale over gunicorn in benchmarks/federation_load.py.
"""

import random
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shifts.models import Assignment, AssignmentStatus
from tests.concurrency import race, require_postgres
from tests.factories import LineFactory, MemberFactory, OrganisationFactory, ShiftFactory

VOLUNTEERS = 8
# What the shift card says when her action went through (the staffing badge is "badge-ok" too).
DONE = b'role="status"><span class="badge badge-ok">'


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_rush_for_a_new_months_first_shifts_fills_every_place_once_and_tells_each_volunteer_the_truth():
    require_postgres("the rush needs parallel connections and the shift's row lock")
    organisation = OrganisationFactory()
    line = LineFactory(organisation=organisation, min_volunteers=1, max_volunteers=2)
    first = timezone.now() + timedelta(days=5)
    shifts = [ShiftFactory(line=line, starts_at=first + timedelta(hours=4 * n), hours=3) for n in range(3)]
    volunteers = MemberFactory.create_batch(VOLUNTEERS, organisation=organisation)
    clients = {}
    for volunteer in volunteers:
        clients[volunteer.pk] = Client()
        clients[volunteer.pk].force_login(volunteer.user)

    def take_all(volunteer) -> str:
        """She taps each shift in her own order; returns the shifts she was told are hers."""
        order = list(shifts)
        random.Random(volunteer.pk).shuffle(order)
        mine = []
        for shift in order:
            url = reverse("shifts:portal_take", kwargs={"organisation": organisation.slug, "pk": shift.pk})
            response = clients[volunteer.pk].post(url, HTTP_HX_REQUEST="true")
            assert response.status_code == 200
            if DONE in response.content:
                mine.append(f"{volunteer.pk}:{shift.pk}")
        return ",".join(mine)

    told = {pair for outcome in race(volunteers, take_all) for pair in outcome.split(",") if pair}

    stored = Assignment.objects.filter(shift__in=shifts, status=AssignmentStatus.CONFIRMED)
    assert {f"{a.member_id}:{a.shift_id}" for a in stored} == told
    for shift in shifts:
        assert stored.filter(shift=shift).count() == shift.max_volunteers  # full, and not one more
