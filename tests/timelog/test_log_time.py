"""She logs her own volunteer time (kind, date, hours), changes it and takes it back while it waits or was
returned; the service refuses what the rules rule out, with nothing saved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from members.models import MemberStatus
from tests.factories import MemberFactory
from timelog.models import TimeEntry, TimeEntryStatus
from timelog.services import (
    TimeLogError,
    time_entry_approve,
    time_entry_change,
    time_entry_log,
    time_entry_return,
    time_entry_withdraw,
)

from .factories import TimeEntryFactory, TimeKindFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind(organisation):
    return TimeKindFactory(organisation=organisation, name="Stödperson vid rättegång/polisförhör")


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


def test_she_logs_time_and_it_waits_for_approval(volunteer, kind):
    entry = time_entry_log(member=volunteer, kind=kind, day=days_ago(2), hours="2,5")

    entry.refresh_from_db()
    assert (entry.member, entry.kind, entry.day, entry.hours) == (volunteer, kind, days_ago(2), Decimal("2.50"))
    assert entry.status == TimeEntryStatus.SUBMITTED
    assert entry.decided_by is None and entry.return_reason == ""


def test_she_changes_a_returned_entry_and_it_waits_again_without_the_reason(volunteer, coordinator, kind):
    entry = time_entry_log(member=volunteer, kind=kind, day=days_ago(2), hours="3")
    time_entry_return(entry=entry, by=coordinator, reason="Fel datum")
    other_kind = TimeKindFactory(organisation=volunteer.organisation)

    time_entry_change(entry=entry, member=volunteer, kind=other_kind, day=days_ago(3), hours="2")

    entry.refresh_from_db()
    assert (entry.kind, entry.day, entry.hours, entry.status) == (other_kind, days_ago(3), 2, "submitted")
    assert entry.return_reason == "" and entry.decided_by is None


def test_she_takes_back_a_waiting_entry(volunteer, kind):
    entry = time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="1")
    time_entry_withdraw(entry=entry, member=volunteer)
    assert not TimeEntry.objects.exists()


def test_approved_time_can_no_longer_be_changed_or_taken_back(volunteer, coordinator, kind):
    entry = time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="1")
    time_entry_approve(entry=entry, by=coordinator)
    with pytest.raises(TimeLogError):
        time_entry_change(entry=entry, member=volunteer, kind=kind, day=days_ago(1), hours="5")
    with pytest.raises(TimeLogError):
        time_entry_withdraw(entry=entry, member=volunteer)
    entry.refresh_from_db()
    assert entry.hours == 1 and entry.status == TimeEntryStatus.APPROVED


def test_nobody_changes_or_takes_back_anothers_entry(organisation, volunteer, kind):
    colleague = MemberFactory(organisation=organisation)
    entry = time_entry_log(member=colleague, kind=kind, day=days_ago(1), hours="1")
    with pytest.raises(TimeLogError):
        time_entry_change(entry=entry, member=volunteer, kind=kind, day=days_ago(1), hours="5")
    with pytest.raises(TimeLogError):
        time_entry_withdraw(entry=entry, member=volunteer)
    entry.refresh_from_db()
    assert entry.hours == 1


def test_no_more_than_24_hours_on_one_day(volunteer, kind):
    time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="20")
    time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="4")
    with pytest.raises(TimeLogError) as refused:
        time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="0.25")
    assert "24" in refused.value.message
    time_entry_log(member=volunteer, kind=kind, day=days_ago(2), hours="24")  # another day is its own
    assert TimeEntry.objects.filter(day=days_ago(1)).count() == 2


def test_changing_an_entry_counts_the_day_without_its_old_hours(volunteer, kind):
    entry = time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="20")
    time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="2")
    time_entry_change(entry=entry, member=volunteer, kind=kind, day=days_ago(1), hours="22")
    with pytest.raises(TimeLogError):
        time_entry_change(entry=entry, member=volunteer, kind=kind, day=days_ago(1), hours="22.25")
    entry.refresh_from_db()
    assert entry.hours == 22


def test_another_shelters_kind_is_refused(volunteer, other_organisation):
    foreign = TimeKindFactory(organisation=other_organisation)
    with pytest.raises(TimeLogError):
        time_entry_log(member=volunteer, kind=foreign, day=days_ago(1), hours="1")
    assert not TimeEntry.objects.exists()


def test_a_kind_out_of_use_is_refused_for_new_time_but_stays_on_her_entry(volunteer, kind):
    entry = time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="1")
    kind.active = False
    kind.save()
    with pytest.raises(TimeLogError):
        time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours="1")
    time_entry_change(entry=entry, member=volunteer, kind=kind, day=days_ago(2), hours="1")
    entry.refresh_from_db()
    assert entry.day == days_ago(2)


@pytest.mark.parametrize("hours", ["abc", "-1", "0", "0.1", "25", "24.25", "1.3", "NaN", "Infinity", "1e400", ""])
def test_hours_outside_quarter_hours_from_a_quarter_to_24_are_refused(volunteer, kind, hours):
    with pytest.raises(TimeLogError):
        time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours=hours)
    assert not TimeEntry.objects.exists()


@pytest.mark.parametrize(("hours", "stored"), [("0.25", "0.25"), ("1,75", "1.75"), (" 24 ", "24"), ("3", "3")])
def test_quarter_hours_are_taken_with_a_comma_or_a_point(volunteer, kind, hours, stored):
    assert time_entry_log(member=volunteer, kind=kind, day=days_ago(1), hours=hours).hours == Decimal(stored)


def test_a_day_in_the_future_or_more_than_a_year_back_is_refused(volunteer, kind):
    for day in (days_ago(-1), days_ago(400)):
        with pytest.raises(TimeLogError):
            time_entry_log(member=volunteer, kind=kind, day=day, hours="1")
    time_entry_log(member=volunteer, kind=kind, day=days_ago(0), hours="1")
    time_entry_log(member=volunteer, kind=kind, day=days_ago(360), hours="1")
    assert TimeEntry.objects.count() == 2


def test_a_member_who_has_left_logs_nothing(organisation, kind):
    gone = MemberFactory(organisation=organisation, status=MemberStatus.LEFT)
    with pytest.raises(TimeLogError):
        time_entry_log(member=gone, kind=kind, day=days_ago(1), hours="1")


def test_the_factory_entry_is_a_valid_waiting_entry(volunteer):
    entry = TimeEntryFactory(member=volunteer)
    assert entry.kind.organisation == volunteer.organisation and entry.status == TimeEntryStatus.SUBMITTED
