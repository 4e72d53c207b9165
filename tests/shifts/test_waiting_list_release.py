"""Release (deadline in real hours, also over a DST change) and waiting-list promotion."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from notices.models import Notice
from notices.outbox import notice_send
from shifts.models import Assignment, AssignmentStatus, WaitingListEntry
from shifts.notices import WaitingListPromoted
from shifts.services import RotaError, assignment_release, waiting_list_join
from tests.factories import NOW, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def full_shift(organisation):
    line = LineFactory(organisation=organisation, max_volunteers=2)
    # Tuesday 10 March 2026, 20:00–23:00 in Stockholm.
    shift = ShiftFactory(line=line, starts_at=datetime(2026, 3, 10, 20, 0, tzinfo=organisation.zone).astimezone(UTC))
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    return shift


def test_release_frees_the_place_for_the_first_on_the_waiting_list(organisation, full_shift, volunteer):
    mine = AssignmentFactory(shift=full_shift, member=volunteer)
    first, second = MemberFactory.create_batch(2, organisation=organisation)
    waiting_list_join(shift=full_shift, member=first, now=NOW)
    waiting_list_join(shift=full_shift, member=second, now=NOW + timedelta(minutes=1))

    promoted = assignment_release(assignment=mine, by=volunteer, now=NOW)

    mine.refresh_from_db()
    assert (mine.status, mine.released_at, mine.released_by) == (AssignmentStatus.RELEASED, NOW, volunteer)
    assert [a.member for a in promoted] == [first]
    assert promoted[0].status == AssignmentStatus.CONFIRMED
    assert list(WaitingListEntry.objects.values_list("member", flat=True)) == [second.pk]
    notice = Notice.objects.get(kind="waiting_list_promoted")
    assert notice.recipient == first
    assert (notice.subject_type, notice.subject_id) == (ContentType.objects.get_for_model(Assignment), promoted[0].pk)


def test_promotion_skips_the_no_longer_eligible_and_keeps_their_place(organisation, full_shift, volunteer):
    mine = AssignmentFactory(shift=full_shift, member=volunteer)
    busy, free = MemberFactory.create_batch(2, organisation=organisation)
    waiting_list_join(shift=full_shift, member=busy, now=NOW)
    waiting_list_join(shift=full_shift, member=free, now=NOW + timedelta(minutes=1))
    # Since joining the list, `busy` took another shift at the same time.
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=full_shift.starts_at), member=busy
    )

    promoted = assignment_release(assignment=mine, by=volunteer, now=NOW)

    assert [a.member for a in promoted] == [free]
    assert WaitingListEntry.objects.filter(member=busy).exists()


def test_promotion_notice_is_discreet_and_in_her_language(organisation, full_shift, volunteer):
    mine = AssignmentFactory(shift=full_shift, member=volunteer)
    first = MemberFactory(organisation=organisation, language="sv")
    waiting_list_join(shift=full_shift, member=first, now=NOW)
    assignment_release(assignment=mine, by=volunteer, now=NOW)
    notice = Notice.objects.get(kind="waiting_list_promoted")
    message = WaitingListPromoted().render(notice)
    assert message.subject == "Jourplan: du har fått ett pass"
    assert "Pass tis 10 mars 20:00–23:00" in message.text
    assert organisation.name not in message.subject + message.text
    assert full_shift.line.name not in message.subject + message.text
    assert volunteer.first_name not in message.text
    with translation.override("en"):
        english = WaitingListPromoted().render(notice)
    assert english.subject == "Jourplan: you have got a shift"
    assert "Shift Tue 10 March 20:00–23:00" in english.text


def test_promotion_notice_is_sent_through_the_outbox(organisation, full_shift, volunteer, mailoutbox):
    mine = AssignmentFactory(shift=full_shift, member=volunteer)
    first = MemberFactory(organisation=organisation)
    waiting_list_join(shift=full_shift, member=first, now=NOW)
    assignment_release(assignment=mine, by=volunteer, now=NOW)
    notice = Notice.objects.get(kind="waiting_list_promoted")
    assert notice_send(notice_id=notice.pk, now=NOW + timedelta(minutes=1)) == "sent"
    assert mailoutbox[0].subject == "Jourplan: du har fått ett pass"


def test_a_shadow_leaving_frees_no_place(organisation, full_shift, volunteer):
    shadow = AssignmentFactory(shift=full_shift, member=volunteer, status=AssignmentStatus.SHADOW)
    waiter = MemberFactory(organisation=organisation)
    AssignmentFactory(shift=full_shift, member=MemberFactory(organisation=organisation))
    waiting_list_join(shift=full_shift, member=waiter, now=NOW)
    assert assignment_release(assignment=shadow, by=volunteer, now=NOW) == []


def test_release_after_the_deadline_is_refused_but_a_coordinator_may_remove(full_shift, volunteer, coordinator):
    mine = AssignmentFactory(shift=full_shift, member=volunteer)
    late = full_shift.starts_at - timedelta(hours=47)
    with pytest.raises(RotaError) as refused:
        assignment_release(assignment=mine, by=volunteer, now=late)
    assert refused.value.messages == [
        "Det är mindre än 48 timmar kvar till passet: du kan bara lämna det genom ett byte eller genom att "
        "fråga en samordnare."
    ]
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.CONFIRMED
    assignment_release(assignment=mine, by=coordinator, now=late)
    mine.refresh_from_db()
    assert (mine.status, mine.released_by) == (AssignmentStatus.RELEASED, coordinator)


def test_release_deadline_counts_real_hours_over_the_spring_change(organisation, volunteer):
    """Monday 29 March 2027 20:00 CEST = 18:00 UTC. 48 real hours before is Saturday 27 March 19:00 CET
    (18:00 UTC), not 20:00 as a wall-clock subtraction would say: the night in between is an hour short."""
    line = LineFactory(organisation=organisation)
    shift = ShiftFactory(line=line, starts_at=datetime(2027, 3, 29, 20, 0, tzinfo=organisation.zone).astimezone(UTC))
    assert shift.starts_at == datetime(2027, 3, 29, 18, 0, tzinfo=UTC)
    mine = AssignmentFactory(shift=shift, member=volunteer)
    at_1930_local = datetime(2027, 3, 27, 19, 30, tzinfo=organisation.zone)
    with pytest.raises(RotaError):
        assignment_release(assignment=mine, by=volunteer, now=at_1930_local)
    at_1900_local = datetime(2027, 3, 27, 19, 0, tzinfo=organisation.zone)
    assignment_release(assignment=mine, by=volunteer, now=at_1900_local)
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.RELEASED


def test_release_deadline_over_the_autumn_change(organisation, volunteer):
    """Monday 1 November 2027 20:00 CET = 19:00 UTC; 48 h before is Saturday 30 October 21:00 CEST."""
    line = LineFactory(organisation=organisation)
    shift = ShiftFactory(line=line, starts_at=datetime(2027, 11, 1, 20, 0, tzinfo=organisation.zone).astimezone(UTC))
    mine = AssignmentFactory(shift=shift, member=volunteer)
    with pytest.raises(RotaError):
        assignment_release(assignment=mine, by=volunteer, now=datetime(2027, 10, 30, 21, 1, tzinfo=organisation.zone))
    assignment_release(assignment=mine, by=volunteer, now=datetime(2027, 10, 30, 21, 0, tzinfo=organisation.zone))


def test_a_volunteer_cannot_release_someone_else(organisation, full_shift, volunteer):
    other = Assignment.objects.get(shift=full_shift)
    with pytest.raises(RotaError) as refused:
        assignment_release(assignment=other, by=volunteer, now=NOW)
    assert refused.value.messages == ["Bara en samordnare kan ta bort någon annan från ett pass."]


def test_releasing_twice_is_refused(full_shift, volunteer):
    mine = AssignmentFactory(shift=full_shift, member=volunteer)
    assignment_release(assignment=mine, by=volunteer, now=NOW)
    with pytest.raises(RotaError):
        assignment_release(assignment=mine, by=volunteer, now=NOW)


def test_signing_up_takes_her_off_the_waiting_list(organisation, full_shift, volunteer):
    from shifts.services import shift_sign_up

    other = AssignmentFactory(shift=full_shift, member=MemberFactory(organisation=organisation))
    waiting_list_join(shift=full_shift, member=volunteer, now=NOW)
    other.status = AssignmentStatus.RELEASED  # freed behind the service's back: no promotion ran
    other.save()
    shift_sign_up(shift=full_shift, member=volunteer, now=NOW)
    assert not WaitingListEntry.objects.exists()


def test_no_promotion_once_the_shift_has_started(organisation, full_shift, volunteer, coordinator):
    mine = AssignmentFactory(shift=full_shift, member=volunteer)
    waiter = MemberFactory(organisation=organisation)
    waiting_list_join(shift=full_shift, member=waiter, now=NOW)
    assert assignment_release(assignment=mine, by=coordinator, now=full_shift.starts_at + timedelta(minutes=5)) == []
    assert not Notice.objects.exists()
