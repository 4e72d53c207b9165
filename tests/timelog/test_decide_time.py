"""A coordinator approves waiting time or returns it with a short reason; nobody decides her own, and nobody
decides above her rank (a coordinator decides volunteers' and coordinators' time, an admin anyone's)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from members.models import Role
from tests.factories import MemberFactory
from timelog.models import TimeEntryStatus
from timelog.services import (
    TimeLogError,
    entry_version,
    time_entries_approve,
    time_entry_approve,
    time_entry_change,
    time_entry_return,
)

from .factories import TimeEntryFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_approves_a_volunteers_time(volunteer, coordinator):
    entry = TimeEntryFactory(member=volunteer)
    time_entry_approve(entry=entry, by=coordinator)
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.APPROVED and entry.decided_by == coordinator and entry.decided_at


def test_a_coordinator_returns_time_with_a_reason(volunteer, coordinator):
    entry = TimeEntryFactory(member=volunteer)
    time_entry_return(entry=entry, by=coordinator, reason="  Fel datum?  ")
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.RETURNED and entry.return_reason == "Fel datum?"


@pytest.mark.parametrize("reason", ["", "   ", "Rad ett\nrad två", "x" * 201])
def test_a_return_needs_one_short_line(volunteer, coordinator, reason):
    entry = TimeEntryFactory(member=volunteer)
    with pytest.raises(TimeLogError):
        time_entry_return(entry=entry, by=coordinator, reason=reason)
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_nobody_approves_or_returns_her_own_time(organisation, role):
    decider = MemberFactory(organisation=organisation, role=role)
    entry = TimeEntryFactory(member=decider)
    with pytest.raises(TimeLogError):
        time_entry_approve(entry=entry, by=decider)
    with pytest.raises(TimeLogError):
        time_entry_return(entry=entry, by=decider, reason="Nej")
    assert time_entries_approve(organisation=organisation, versions=[entry_version(entry)], by=decider).approved == 0
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED


@pytest.mark.parametrize(
    ("decider_role", "owner_role", "allowed"),
    [
        (Role.VOLUNTEER, Role.VOLUNTEER, False),
        (Role.COORDINATOR, Role.VOLUNTEER, True),
        (Role.COORDINATOR, Role.COORDINATOR, True),
        (Role.COORDINATOR, Role.ADMIN, False),
        (Role.ADMIN, Role.VOLUNTEER, True),
        (Role.ADMIN, Role.COORDINATOR, True),
        (Role.ADMIN, Role.ADMIN, True),
    ],
)
def test_who_decides_whose_time(organisation, decider_role, owner_role, allowed):
    decider = MemberFactory(organisation=organisation, role=decider_role)
    entry = TimeEntryFactory(member=MemberFactory(organisation=organisation, role=owner_role))
    if allowed:
        time_entry_approve(entry=entry, by=decider)
    else:
        with pytest.raises(TimeLogError):
            time_entry_approve(entry=entry, by=decider)
    entry.refresh_from_db()
    assert (entry.status == TimeEntryStatus.APPROVED) is allowed


def test_another_shelters_coordinator_decides_nothing(volunteer, other_shelter_coordinator, organisation):
    entry = TimeEntryFactory(member=volunteer)
    with pytest.raises(TimeLogError):
        time_entry_approve(entry=entry, by=other_shelter_coordinator)
    with pytest.raises(TimeLogError):
        time_entries_approve(organisation=organisation, versions=[entry_version(entry)], by=other_shelter_coordinator)
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED


def test_time_already_decided_is_not_decided_again(volunteer, coordinator):
    entry = TimeEntryFactory(member=volunteer)
    time_entry_return(entry=entry, by=coordinator, reason="Fel datum")
    with pytest.raises(TimeLogError):
        time_entry_approve(entry=entry, by=coordinator)


def test_bulk_approval_skips_what_changed_since_the_page_was_shown(organisation, volunteer, coordinator):
    seen = [TimeEntryFactory(member=volunteer, day=timezone.localdate() - timedelta(days=d)) for d in (1, 2, 3)]
    versions = [entry_version(entry) for entry in seen]
    time_entry_change(entry=seen[1], member=volunteer, kind=seen[1].kind, day=seen[1].day, hours="9")
    seen[2].delete()

    result = time_entries_approve(
        organisation=organisation, versions=[*versions, "garbage", "99999999999999999999"], by=coordinator
    )

    assert (result.approved, result.skipped) == (1, 2)  # ids that cannot be rows are not counted
    statuses = {entry.pk: entry.status for entry in type(seen[0]).objects.all()}
    assert statuses == {seen[0].pk: "approved", seen[1].pk: "submitted"}


def test_a_return_with_an_old_version_is_refused(volunteer, coordinator):
    entry = TimeEntryFactory(member=volunteer)
    old = entry_version(entry)
    time_entry_change(entry=entry, member=volunteer, kind=entry.kind, day=entry.day, hours="4")
    with pytest.raises(TimeLogError):
        time_entry_return(entry=entry, by=coordinator, reason="Fel", seen=old)
    time_entry_return(
        entry=entry, by=coordinator, reason="Fel", seen=entry_version(type(entry).objects.get(pk=entry.pk))
    )
