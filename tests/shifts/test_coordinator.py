"""Coordinator assignment with logged overrides, cancelling with notices, staffing in one query."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from notices.models import Notice
from shifts.models import Assignment, AssignmentStatus, Shift, Staffing, SwapOffer, WaitingListEntry
from shifts.notices import ShiftCancelled
from shifts.services import RotaError, SignupRefused, coordinator_assign, shift_cancel, swap_offer, waiting_list_join
from tests.factories import NOW, AssignmentFactory, CourseFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


def test_coordinator_assign_without_a_broken_rule(organisation, coordinator, volunteer):
    shift = ShiftFactory(line=LineFactory(organisation=organisation))
    assignment = coordinator_assign(shift=shift, member=volunteer, by=coordinator, now=NOW)
    assert (assignment.status, assignment.overridden_by, assignment.override_reason) == (
        AssignmentStatus.CONFIRMED,
        None,
        "",
    )


def test_a_broken_rule_refuses_unless_overridden_and_the_override_is_logged(organisation, coordinator, volunteer):
    line = LineFactory(organisation=organisation, max_volunteers=1)
    line.required_courses.add(CourseFactory(organisation=organisation, name="Chattkurs"))
    shift = ShiftFactory(line=line)
    with pytest.raises(SignupRefused) as refused:
        coordinator_assign(shift=shift, member=volunteer, by=coordinator, now=NOW)
    assert refused.value.messages == ["Du behöver Chattkurs"]
    with pytest.raises(SignupRefused, match="Ange ett skäl"):
        coordinator_assign(shift=shift, member=volunteer, by=coordinator, override=True, now=NOW)
    assert not Assignment.objects.exists()

    assignment = coordinator_assign(
        shift=shift, member=volunteer, by=coordinator, override=True, reason="Kursen är gjord, intyg kommer", now=NOW
    )

    assert assignment.overridden_by == coordinator
    assert assignment.override_reason == "Kursen är gjord, intyg kommer\nDu behöver Chattkurs"
    assert LogEntry.objects.get_for_object(assignment).filter(action=LogEntry.Action.CREATE).exists()
    # Over the maximum too, when she overrides.
    extra = MemberFactory(organisation=organisation)
    line.required_courses.clear()
    over = coordinator_assign(shift=shift, member=extra, by=coordinator, override=True, reason="Extra", now=NOW)
    assert "Passet är fullt" in over.override_reason


def test_no_override_puts_anyone_on_a_started_or_cancelled_shift(organisation, coordinator, volunteer):
    line = LineFactory(organisation=organisation)
    started = ShiftFactory(line=line, starts_at=NOW - timedelta(hours=1))
    cancelled = ShiftFactory(line=line, cancelled_at=NOW - timedelta(days=1))
    with pytest.raises(SignupRefused) as refused:
        coordinator_assign(shift=started, member=volunteer, by=coordinator, override=True, reason="Ändå", now=NOW)
    assert refused.value.messages == ["Passet har redan börjat."]
    with pytest.raises(SignupRefused) as refused:
        coordinator_assign(shift=cancelled, member=volunteer, by=coordinator, override=True, reason="Ändå", now=NOW)
    assert refused.value.messages == ["Passet är inställt."]
    assert not Assignment.objects.exists()


def test_only_a_coordinator_of_the_shelter_assigns(organisation, volunteer, other_shelter_coordinator):
    shift = ShiftFactory(line=LineFactory(organisation=organisation))
    for by in (volunteer, other_shelter_coordinator):
        with pytest.raises(RotaError):
            coordinator_assign(shift=shift, member=volunteer, by=by, now=NOW)
    with pytest.raises(SignupRefused, match="inte medlem"):
        coordinator_assign(
            shift=shift,
            member=other_shelter_coordinator,
            by=MemberFactory(organisation=organisation, role="coordinator"),
            override=True,
            reason="x",
            now=NOW,
        )


def test_cancel_plans_a_notice_for_everyone_on_the_shift(organisation, coordinator, volunteer):
    line = LineFactory(organisation=organisation, max_volunteers=2)
    shift = ShiftFactory(line=line)
    mine = AssignmentFactory(shift=shift, member=volunteer)
    shadow = AssignmentFactory(
        shift=shift, member=MemberFactory(organisation=organisation), status=AssignmentStatus.SHADOW
    )
    gone = AssignmentFactory(
        shift=shift, member=MemberFactory(organisation=organisation), status=AssignmentStatus.RELEASED
    )
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    waiter = MemberFactory(organisation=organisation)
    waiting_list_join(shift=shift, member=waiter, now=NOW)
    offer = swap_offer(assignment=mine, by=volunteer, now=NOW)

    assert shift_cancel(shift=shift, by=coordinator, now=NOW) == 3

    shift.refresh_from_db()
    assert shift.cancelled_at == NOW
    recipients = set(Notice.objects.filter(kind="shift_cancelled").values_list("recipient", flat=True))
    assert recipients == set(shift.assignments.active().values_list("member", flat=True))
    assert volunteer.pk in recipients and shadow.member_id in recipients and gone.member_id not in recipients
    assert not WaitingListEntry.objects.exists()
    offer.refresh_from_db()
    assert not offer.is_open
    message = ShiftCancelled().render(Notice.objects.filter(recipient=volunteer).get())
    assert message.subject == "Jourplan: ett pass är inställt"
    assert line.name not in message.text and organisation.name not in message.text
    with pytest.raises(RotaError, match="redan inställt"):
        shift_cancel(shift=shift, by=coordinator, now=NOW)


def test_a_volunteer_cannot_cancel(organisation, volunteer):
    with pytest.raises(RotaError):
        shift_cancel(shift=ShiftFactory(line=LineFactory(organisation=organisation)), by=volunteer, now=NOW)
    assert not SwapOffer.objects.exists()


def test_with_staffing_states(organisation):
    line = LineFactory(organisation=organisation, min_volunteers=2, max_volunteers=3)
    under, ok, full = (ShiftFactory(line=line, starts_at=NOW + timedelta(days=d)) for d in (1, 2, 3))
    for shift, count in ((under, 1), (ok, 2), (full, 3)):
        for _ in range(count):
            AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    AssignmentFactory(shift=under, member=MemberFactory(organisation=organisation), status=AssignmentStatus.SHADOW)
    AssignmentFactory(shift=under, member=MemberFactory(organisation=organisation), status=AssignmentStatus.RELEASED)
    states = {
        s.pk: (s.confirmed_count, s.staffing) for s in Shift.objects.for_organisation(organisation).with_staffing()
    }
    assert states == {under.pk: (1, Staffing.UNDER), ok.pk: (2, Staffing.OK), full.pk: (3, Staffing.FULL)}


def _queries_for_staffing(organisation) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = [(s.staffing, s.confirmed_count) for s in Shift.objects.for_organisation(organisation).with_staffing()]
    return len(queries), len(rows)


def test_with_staffing_is_one_query_at_any_size(organisation):
    line = LineFactory(organisation=organisation)
    members = MemberFactory.create_batch(3, organisation=organisation)

    def add(n, offset):
        for i in range(n):
            shift = ShiftFactory(line=line, starts_at=NOW + timedelta(days=offset + i))
            for member in members[: i % 3]:
                AssignmentFactory(shift=shift, member=member)

    add(5, 0)
    small = _queries_for_staffing(organisation)
    add(10, 10)
    large = _queries_for_staffing(organisation)
    assert (small, large) == ((1, 5), (1, 15))
