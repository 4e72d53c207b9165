"""Two entries for the same day sent at the same moment (two tabs, a double tap on a slow phone) cannot together pass
the 24 hours of a day: her membership row is locked while the day is counted (PostgreSQL, real connections)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.concurrency import race, require_postgres
from tests.factories import MemberFactory, OrganisationFactory
from timelog.models import TimeEntry
from timelog.services import TimeLogError, time_entry_log

from .factories import TimeKindFactory

THREADS = 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_entries_sent_at_once_stay_within_24_hours_a_day():
    require_postgres("the day's total is raced by parallel connections")
    assert connection.vendor == "postgresql"
    organisation = OrganisationFactory()
    member = MemberFactory(organisation=organisation)
    kind = TimeKindFactory(organisation=organisation)
    day = timezone.localdate() - timedelta(days=1)

    def log(_attempt):
        try:
            time_entry_log(member=member, kind=kind, day=day, hours="10")
        except TimeLogError:
            return "refused"
        return "logged"

    assert race(range(THREADS), log) == ["logged", "logged", "refused", "refused"]
    assert TimeEntry.objects.filter(member=member, day=day).count() == 2
