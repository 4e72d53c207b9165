"""Shadow shifts (bisittning) and swaps."""

from datetime import timedelta

import pytest
from django.utils import translation

from notices.models import Notice
from shifts.models import Assignment, AssignmentStatus, Shift, SwapOffer
from shifts.services import (
    RotaError,
    SignupRefused,
    open_offers_for,
    shadow_join,
    swap_offer,
    swap_take,
    swap_withdraw,
)
from tests.factories import NOW, AssignmentFactory, CourseFactory, LineFactory, MemberFactory, ShiftFactory
from tests.shifts.scenarios import past_shifts

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, experienced_after_shifts=2, max_volunteers=2)


def test_shadow_needs_an_experienced_volunteer_on_the_shift(organisation, line, volunteer):
    shift = ShiftFactory(line=line)
    novice = MemberFactory(organisation=organisation)
    AssignmentFactory(shift=shift, member=novice)
    with pytest.raises(SignupRefused) as refused:
        shadow_join(shift=shift, member=volunteer, now=NOW)
    assert refused.value.messages == ["Ett bisittningspass kräver en erfaren ideell på passet, och det finns ingen än."]
    veteran = MemberFactory(organisation=organisation)
    past_shifts(line, veteran, 2)
    assert Assignment.objects.completed_shifts(member=veteran, line=line, now=NOW) == line.experienced_after_shifts
    AssignmentFactory(shift=shift, member=veteran)
    shadow = shadow_join(shift=shift, member=volunteer, now=NOW)
    assert shadow.status == AssignmentStatus.SHADOW


def test_shadows_do_not_count_toward_staffing_and_one_per_experienced(organisation, line, volunteer):
    shift = ShiftFactory(line=line)
    veteran = MemberFactory(organisation=organisation)
    past_shifts(line, veteran, 2)
    AssignmentFactory(shift=shift, member=veteran)
    shadow_join(shift=shift, member=volunteer, now=NOW)
    annotated = Shift.objects.with_staffing().get(pk=shift.pk)
    assert (annotated.confirmed_count, annotated.shadow_count, annotated.staffing) == (1, 1, "ok")
    with pytest.raises(SignupRefused, match="redan en bisittare"):
        shadow_join(shift=shift, member=MemberFactory(organisation=organisation), now=NOW)


def test_shadow_needs_no_training_but_the_other_rules_apply(organisation, line, volunteer):
    line.required_courses.add(CourseFactory(organisation=organisation, name="Grundutbildning X"))
    shift = ShiftFactory(line=line)
    veteran = MemberFactory(organisation=organisation)
    past_shifts(line, veteran, 2)
    AssignmentFactory(shift=shift, member=veteran)
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=shift.starts_at), member=volunteer
    )
    with pytest.raises(SignupRefused) as refused:
        shadow_join(shift=shift, member=volunteer, now=NOW)
    assert refused.value.messages == ["Du har redan ett pass vid den tiden."]
    newcomer = MemberFactory(organisation=organisation)
    assert shadow_join(shift=shift, member=newcomer, now=NOW).status == AssignmentStatus.SHADOW


def test_completed_shadow_shifts_are_counted(line, volunteer):
    past_shifts(line, volunteer, 3, status=AssignmentStatus.SHADOW)
    future = ShiftFactory(line=line)
    AssignmentFactory(shift=future, member=volunteer, status=AssignmentStatus.SHADOW)
    cancelled = ShiftFactory(line=line, starts_at=NOW - timedelta(days=3), cancelled_at=NOW - timedelta(days=4))
    AssignmentFactory(shift=cancelled, member=volunteer, status=AssignmentStatus.SHADOW)
    assert Assignment.objects.completed_shadow_shifts(member=volunteer, line=line, now=NOW) == 3


@pytest.fixture
def offered(organisation, line, volunteer):
    shift = ShiftFactory(line=line)
    mine = AssignmentFactory(shift=shift, member=volunteer)
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))  # the shift is full
    return swap_offer(assignment=mine, by=volunteer, now=NOW)


def test_swap_hands_the_place_over_atomically(organisation, offered, volunteer):
    taker = MemberFactory(organisation=organisation)
    # She stays on the shift (and responsible) until someone takes it.
    assert Shift.objects.with_staffing().get(pk=offered.assignment.shift_id).confirmed_count == 2
    taken = swap_take(offer=offered, member=taker, now=NOW)
    offered.refresh_from_db()
    given = offered.assignment
    assert (given.status, given.released_by) == (AssignmentStatus.RELEASED, volunteer)
    assert (taken.member, taken.status) == (taker, AssignmentStatus.CONFIRMED)
    assert (offered.taken_by, offered.taken_at, offered.taken_assignment) == (taker, NOW, taken)
    assert Shift.objects.with_staffing().get(pk=given.shift_id).confirmed_count == 2
    assert Notice.objects.get(kind="swap_taken").recipient == volunteer
    with pytest.raises(SignupRefused):
        swap_take(offer=offered, member=MemberFactory(organisation=organisation), now=NOW)


def test_a_taker_who_became_ineligible_is_refused_and_nothing_changes(organisation, offered):
    taker = MemberFactory(organisation=organisation)
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=offered.assignment.shift.starts_at),
        member=taker,
    )
    with pytest.raises(SignupRefused) as refused:
        swap_take(offer=offered, member=taker, now=NOW)
    assert refused.value.messages == ["Du har redan ett pass vid den tiden."]
    offered.refresh_from_db()
    assert offered.is_open
    assert offered.assignment.status == AssignmentStatus.CONFIRMED
    assert not Assignment.objects.filter(shift=offered.assignment.shift, member=taker).exists()
    assert not Notice.objects.exists()


def test_own_offer_cannot_be_taken_and_only_own_shifts_offered(organisation, offered, volunteer):
    with pytest.raises(SignupRefused, match="ditt eget erbjudande"):
        swap_take(offer=offered, member=volunteer, now=NOW)
    other = Assignment.objects.exclude(member=volunteer).get(shift=offered.assignment.shift)
    with pytest.raises(RotaError, match="bara erbjuda dina egna"):
        swap_offer(assignment=other, by=volunteer, now=NOW)
    with pytest.raises(RotaError, match="redan erbjudit"):
        swap_offer(assignment=offered.assignment, by=volunteer, now=NOW)


def test_open_offers_for_shows_qualified_colleagues_only(organisation, line, offered, volunteer):
    colleague = MemberFactory(organisation=organisation)
    assert open_offers_for(colleague, now=NOW) == [offered]
    assert open_offers_for(volunteer, now=NOW) == []  # her own
    busy = MemberFactory(organisation=organisation)
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=offered.assignment.shift.starts_at),
        member=busy,
    )
    assert open_offers_for(busy, now=NOW) == []
    line.required_courses.add(CourseFactory(organisation=organisation, name="Telefonkurs"))
    assert open_offers_for(colleague, now=NOW) == []
    assert open_offers_for(MemberFactory(), now=NOW) == []  # another shelter
    assert list(SwapOffer.objects.for_organisation(organisation).open(NOW)) == [offered]


def test_withdrawn_or_started_offers_are_not_open(organisation, offered, volunteer):
    colleague = MemberFactory(organisation=organisation)
    assert open_offers_for(colleague, now=offered.assignment.shift.starts_at) == []
    swap_withdraw(offer=offered, by=volunteer, now=NOW)
    assert open_offers_for(colleague, now=NOW) == []


def test_swap_taken_notice_is_discreet(organisation, offered, volunteer):
    from shifts.notices import SwapTaken

    swap_take(offer=offered, member=MemberFactory(organisation=organisation, first_name="Tova"), now=NOW)
    message = SwapTaken().render(Notice.objects.get(kind="swap_taken"))
    assert message.subject == "Jourplan: ditt pass har tagits över"
    assert "Tova" not in message.text and organisation.name not in message.text


def test_a_promotion_notice_is_dropped_when_she_has_left_the_shift_again(organisation, line, volunteer):
    from shifts.notices import WaitingListPromoted
    from shifts.services import assignment_release, waiting_list_join

    shift = ShiftFactory(line=line, max_volunteers=1)
    first = AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    waiting_list_join(shift=shift, member=volunteer, now=NOW)
    (promoted,) = assignment_release(assignment=first, by=first.member, now=NOW)
    assignment_release(assignment=promoted, by=volunteer, now=NOW)
    notice = Notice.objects.get(kind="waiting_list_promoted")
    assert WaitingListPromoted().is_obsolete(notice) == "She is no longer on the shift."
