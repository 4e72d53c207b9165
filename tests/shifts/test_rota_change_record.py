"""A coordinator's edit of the rota and its unpublished change are one transaction: when noting the change fails,
the edit is undone too, so no volunteer misses the notice publishing would have sent her."""

import pytest

from shifts import publishing, services
from shifts.models import Assignment, AssignmentStatus, RotaChange, WaitingListEntry
from shifts.services import RotaError, coordinator_assign, coordinator_remove
from tests.factories import NOW, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


class Crash(Exception):
    pass


@pytest.fixture
def change_record_then_crash(monkeypatch):
    """Note the change for real, then fail: both writes are in the database when the error comes."""

    def record_and_crash(**kwargs):
        publishing.change_record(**kwargs)
        assert RotaChange.objects.exists()
        raise Crash

    monkeypatch.setattr(services, "change_record", record_and_crash)


def test_assign_notes_an_added_change(organisation, coordinator, volunteer):
    shift = ShiftFactory(line=LineFactory(organisation=organisation))
    coordinator_assign(shift=shift, member=volunteer, by=coordinator, now=NOW)
    change = RotaChange.objects.get()
    assert (change.shift, change.member, change.kind, change.published_at) == (shift, volunteer, "added", None)


def test_a_crash_after_assigning_leaves_neither_the_assignment_nor_the_change(
    organisation, coordinator, volunteer, change_record_then_crash
):
    shift = ShiftFactory(line=LineFactory(organisation=organisation))
    WaitingListEntry.objects.create(shift=shift, member=volunteer, created_at=NOW)
    with pytest.raises(Crash):
        coordinator_assign(shift=shift, member=volunteer, by=coordinator, now=NOW)
    assert not Assignment.objects.exists()
    assert not RotaChange.objects.exists()
    assert WaitingListEntry.objects.filter(shift=shift, member=volunteer).exists()


def test_remove_notes_a_removed_change_and_promotes_from_the_waiting_list(organisation, coordinator):
    shift = ShiftFactory(line=LineFactory(organisation=organisation, max_volunteers=1))
    on_it = AssignmentFactory(shift=shift)
    waiting = MemberFactory(organisation=organisation)
    WaitingListEntry.objects.create(shift=shift, member=waiting, created_at=NOW)
    (promoted,) = coordinator_remove(assignment=on_it, by=coordinator, now=NOW)
    assert promoted.member == waiting
    on_it.refresh_from_db()
    assert on_it.status == AssignmentStatus.RELEASED
    change = RotaChange.objects.get()
    assert (change.member, change.kind) == (on_it.member, "removed")


def test_a_crash_after_removing_leaves_her_on_the_shift_and_no_change(
    organisation, coordinator, change_record_then_crash
):
    shift = ShiftFactory(line=LineFactory(organisation=organisation, max_volunteers=1))
    on_it = AssignmentFactory(shift=shift)
    waiting = MemberFactory(organisation=organisation)
    WaitingListEntry.objects.create(shift=shift, member=waiting, created_at=NOW)
    with pytest.raises(Crash):
        coordinator_remove(assignment=on_it, by=coordinator, now=NOW)
    on_it.refresh_from_db()
    assert on_it.status == AssignmentStatus.CONFIRMED
    assert not RotaChange.objects.exists()
    assert not Assignment.objects.filter(member=waiting).exists()
    assert WaitingListEntry.objects.filter(member=waiting).exists()


def test_only_a_coordinator_of_the_shelter_removes(organisation, volunteer, other_shelter_coordinator):
    shift = ShiftFactory(line=LineFactory(organisation=organisation))
    mine = AssignmentFactory(shift=shift, member=volunteer)
    for by in (volunteer, other_shelter_coordinator):
        with pytest.raises(RotaError):
            coordinator_remove(assignment=mine, by=by, now=NOW)
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.CONFIRMED
    assert not RotaChange.objects.exists()
