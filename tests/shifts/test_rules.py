"""The rule engine (shifts/rules.py): one test per rule, each building facts through factories and asserting the
refusal code; then how the rule sets combine, and the bulk loader's query count."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import MemberStatus, PledgeText
from shifts import rules
from shifts.models import AssignmentStatus, Shift
from shifts.rules import Code, SignupFacts
from tests.factories import (
    NOW,
    AbsenceFactory,
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    ShiftFactory,
    WishesFactory,
    WorkloadRulesFactory,
)
from tests.shifts.scenarios import past_shifts

pytestmark = pytest.mark.django_db


def facts_for(shift, member, *, now=NOW) -> SignupFacts:
    shift = Shift.objects.select_related("line__organisation").get(pk=shift.pk)
    return SignupFacts.for_shift(shift, member, now=now)


def found(rule, shift, member, **kwargs) -> list[Code]:
    return rules.codes(rule(facts_for(shift, member, **kwargs)))


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, max_volunteers=2, experienced_after_shifts=2)


@pytest.fixture
def shift(line):
    return ShiftFactory(line=line)


# -- one test per rule ------------------------------------------------------------------------------


def test_member_of_shelter(shift, volunteer, other_shelter_coordinator):
    assert found(rules.member_of_shelter, shift, other_shelter_coordinator) == [Code.NOT_IN_SHELTER]
    volunteer.erased_at = NOW
    assert found(rules.member_of_shelter, shift, volunteer) == [Code.NOT_IN_SHELTER]
    volunteer.erased_at = None
    assert found(rules.member_of_shelter, shift, volunteer) == []


def test_membership_active(shift, volunteer):
    assert found(rules.membership_active, shift, volunteer) == []
    # Prospective: still on the path in (memberpath's board makes her active), so no shifts yet.
    for status in (MemberStatus.PAUSED, MemberStatus.LEFT, MemberStatus.PROSPECTIVE):
        volunteer.status = status
        assert found(rules.membership_active, shift, volunteer) == [Code.MEMBERSHIP_INACTIVE]


def test_not_cancelled(line, volunteer):
    assert found(rules.not_cancelled, ShiftFactory(line=line, cancelled_at=NOW), volunteer) == [Code.CANCELLED]
    assert found(rules.not_cancelled, ShiftFactory(line=line), volunteer) == []


def test_not_started(line, volunteer):
    shift = ShiftFactory(line=line, starts_at=NOW)
    assert found(rules.not_started, shift, volunteer) == [Code.STARTED]
    assert found(rules.not_started, shift, volunteer, now=NOW - timedelta(seconds=1)) == []


def test_inside_signup_window(organisation, line, volunteer):
    organisation.signup_window_days = 14
    organisation.save()
    assert found(
        rules.inside_signup_window, ShiftFactory(line=line, starts_at=NOW + timedelta(days=14, minutes=1)), volunteer
    ) == [Code.OUTSIDE_WINDOW]
    assert (
        found(rules.inside_signup_window, ShiftFactory(line=line, starts_at=NOW + timedelta(days=14)), volunteer) == []
    )


def test_not_on_it_already(shift, volunteer):
    assert found(rules.not_on_it_already, shift, volunteer) == []
    AssignmentFactory(shift=shift, member=volunteer, status=AssignmentStatus.SHADOW)
    assert found(rules.not_on_it_already, shift, volunteer) == [Code.ALREADY_ON]


def test_no_overlap(organisation, line, volunteer):
    shift = ShiftFactory(line=line, starts_at=NOW + timedelta(days=2), hours=3)
    assert found(rules.no_overlap, shift, volunteer) == []
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=shift.ends_at), member=volunteer
    )  # back to back
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=shift.starts_at, cancelled_at=NOW),
        member=volunteer,
    )
    assert found(rules.no_overlap, shift, volunteer) == []
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=shift.starts_at + timedelta(hours=2)),
        member=volunteer,
    )
    assert found(rules.no_overlap, shift, volunteer) == [Code.OVERLAP]


def test_qualified(organisation, line, shift, volunteer):
    assert found(rules.qualified, shift, volunteer) == []
    line.required_courses.add(CourseFactory(organisation=organisation, name="Grundutbildning"))
    line.needs_pledge = True
    line.save()
    PledgeText.objects.create(organisation=organisation, version=1, text="Tystnadslöfte", published_at=NOW)
    assert found(rules.qualified, shift, volunteer) == [Code.NOT_QUALIFIED, Code.NOT_QUALIFIED]


def test_shadow_shifts_done(organisation, volunteer):
    line = LineFactory(organisation=organisation, required_shadow_shifts=2)
    shift = ShiftFactory(line=line)
    past_shifts(line, volunteer, 1, status=AssignmentStatus.SHADOW)
    assert found(rules.shadow_shifts_done, shift, volunteer) == [Code.SHADOW_SHIFTS]
    past_shifts(line, volunteer, 1, status=AssignmentStatus.SHADOW)
    assert found(rules.shadow_shifts_done, shift, volunteer) == []


def test_place_free(organisation, shift, volunteer):
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    AssignmentFactory(
        shift=shift, member=MemberFactory(organisation=organisation), status=AssignmentStatus.SHADOW
    )  # shadows do not count
    assert found(rules.place_free, shift, volunteer) == []
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    assert found(rules.place_free, shift, volunteer) == [Code.FULL]


def test_last_place_for_experienced(organisation, volunteer):
    line = LineFactory(organisation=organisation, needs_experienced=True, experienced_after_shifts=2, max_volunteers=2)
    shift = ShiftFactory(line=line)
    assert found(rules.last_place_for_experienced, shift, volunteer) == []  # not the last place yet
    novice = MemberFactory(organisation=organisation)
    AssignmentFactory(shift=shift, member=novice)
    assert found(rules.last_place_for_experienced, shift, volunteer) == [Code.LAST_PLACE_FOR_EXPERIENCED]
    past_shifts(line, novice, 2)  # the one on it is experienced now
    assert found(rules.last_place_for_experienced, shift, volunteer) == []
    other = ShiftFactory(line=line, starts_at=NOW + timedelta(days=3))
    AssignmentFactory(shift=other, member=MemberFactory(organisation=organisation))
    past_shifts(line, volunteer, 2)  # she is experienced herself
    assert found(rules.last_place_for_experienced, other, volunteer) == []


def test_experienced_to_sit_beside(organisation, line, shift, volunteer):
    novice, veteran = MemberFactory(organisation=organisation), MemberFactory(organisation=organisation)
    AssignmentFactory(shift=shift, member=novice)
    assert found(rules.experienced_to_sit_beside, shift, volunteer) == [Code.NO_EXPERIENCED_VOLUNTEER]
    past_shifts(line, veteran, 2)
    AssignmentFactory(shift=shift, member=veteran)
    assert found(rules.experienced_to_sit_beside, shift, volunteer) == []
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation), status=AssignmentStatus.SHADOW)
    assert found(rules.experienced_to_sit_beside, shift, volunteer) == [Code.NO_SHADOW_SEAT]


def test_not_away(organisation, line, volunteer):
    evening = ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 20))  # Tuesday 20:00–23:00
    night = ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 22), hours=4)  # 22:00–02:00 on the 11th
    AbsenceFactory(member=volunteer, starts_on=date(2026, 3, 11), ends_on=date(2026, 3, 12))
    AbsenceFactory(
        member=MemberFactory(organisation=organisation), starts_on=date(2026, 3, 10), ends_on=date(2026, 3, 10)
    )
    assert found(rules.not_away, evening, volunteer) == []  # another volunteer's absence is hers only
    assert found(rules.not_away, night, volunteer) == [Code.AWAY]  # it reaches into her first day away
    AbsenceFactory(member=volunteer, starts_on=date(2026, 3, 10), ends_on=date(2026, 3, 10))
    [refusal] = rules.not_away(facts_for(evening, volunteer))
    assert (refusal.code, refusal.message, refusal.to_coordinator) == (
        Code.AWAY,
        "Du har markerat att du är borta då.",
        "Hon är borta då.",
    )


def test_within_weekly_limit(organisation, line, volunteer):
    monday = datetime(2026, 3, 9, 18)  # local wall-clock time
    sunday = ShiftFactory(line=line, local_start=monday + timedelta(days=6))
    for day in range(2):
        AssignmentFactory(shift=ShiftFactory(line=line, local_start=monday + timedelta(days=day)), member=volunteer)
    assert found(rules.within_weekly_limit, sunday, volunteer) == []  # no limit set
    WorkloadRulesFactory(organisation=organisation, max_per_week=2)
    assert found(rules.within_weekly_limit, sunday, volunteer) == [Code.WEEKLY_LIMIT]
    assert (
        found(rules.within_weekly_limit, ShiftFactory(line=line, local_start=monday + timedelta(days=7)), volunteer)
        == []
    )
    Shift.objects.filter(starts_at__lt=sunday.starts_at).update(cancelled_at=NOW)  # a cancelled shift does not count
    assert found(rules.within_weekly_limit, sunday, volunteer) == []


def test_within_monthly_limit(organisation, line, volunteer):
    WorkloadRulesFactory(organisation=organisation, max_per_month=2)
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 2, 27, 20)), member=volunteer)
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 3, 5, 20)), member=volunteer)
    last_of_march = ShiftFactory(line=line, local_start=datetime(2026, 3, 31, 22))  # after the change to summer time
    assert found(rules.within_monthly_limit, last_of_march, volunteer) == []  # February's does not count
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 3, 6, 10)), member=volunteer)
    assert found(rules.within_monthly_limit, last_of_march, volunteer) == [Code.MONTHLY_LIMIT]
    assert (
        found(rules.within_monthly_limit, ShiftFactory(line=line, local_start=datetime(2026, 4, 1, 1)), volunteer) == []
    )


def test_within_own_limits(organisation, line, volunteer):
    WishesFactory(member=volunteer, max_per_week=1, max_per_month=2)
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 3, 9, 20)), member=volunteer)
    AssignmentFactory(shift=ShiftFactory(line=line, local_start=datetime(2026, 3, 16, 20)), member=volunteer)
    same_week = ShiftFactory(line=line, local_start=datetime(2026, 3, 18, 20))
    assert found(rules.within_own_limits, same_week, volunteer) == []  # a wish, while the shelter does not enforce it
    rules_row = WorkloadRulesFactory(organisation=organisation, enforce_own_limits=True)
    assert found(rules.within_own_limits, same_week, volunteer) == [Code.OWN_LIMIT, Code.OWN_LIMIT]
    assert (
        found(rules.within_own_limits, ShiftFactory(line=line, local_start=datetime(2026, 4, 1, 20)), volunteer) == []
    )
    rules_row.enforce_own_limits = False
    rules_row.save()
    assert found(rules.within_own_limits, same_week, volunteer) == []


def test_rested_after_night(organisation, line, volunteer):
    WorkloadRulesFactory(organisation=organisation, rest_hours_after_night=11)
    other_line = LineFactory(organisation=organisation)
    AssignmentFactory(
        shift=ShiftFactory(line=other_line, local_start=datetime(2026, 3, 9, 22), hours=4), member=volunteer
    )  # a night shift, until 02:00
    assert found(
        rules.rested_after_night, ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 10)), volunteer
    ) == [Code.REST_AFTER_NIGHT]
    assert (
        found(rules.rested_after_night, ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 13)), volunteer) == []
    )
    # Taking a night shift that ends less than the rest before a shift of hers is refused too.
    AssignmentFactory(shift=ShiftFactory(line=other_line, local_start=datetime(2026, 3, 13, 10)), member=volunteer)
    night = ShiftFactory(line=line, local_start=datetime(2026, 3, 12, 23), hours=4)
    assert found(rules.rested_after_night, night, volunteer) == [Code.REST_AFTER_NIGHT]
    # An evening shift ending at midnight is not a night shift.
    AssignmentFactory(shift=ShiftFactory(line=other_line, local_start=datetime(2026, 3, 14, 21)), member=volunteer)
    assert (
        found(rules.rested_after_night, ShiftFactory(line=line, local_start=datetime(2026, 3, 15, 6)), volunteer) == []
    )
    zone = organisation.zone
    assert rules.is_night_shift(
        datetime(2026, 3, 20, 4, tzinfo=zone), datetime(2026, 3, 20, 8, tzinfo=zone), zone
    ) and not rules.is_night_shift(datetime(2026, 3, 20, 5, tzinfo=zone), datetime(2026, 3, 20, 9, tzinfo=zone), zone)


def test_not_back_to_back(organisation, line, volunteer):
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), local_start=datetime(2026, 3, 10, 17)),
        member=volunteer,
    )  # 17:00–20:00 on another line
    right_after = ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 20))
    assert found(rules.not_back_to_back, right_after, volunteer) == []  # the shelter has not asked for it
    WorkloadRulesFactory(organisation=organisation, no_back_to_back=True)
    assert found(rules.not_back_to_back, right_after, volunteer) == [Code.BACK_TO_BACK]
    assert found(rules.not_back_to_back, ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 14)), volunteer) == [
        Code.BACK_TO_BACK
    ]
    later = ShiftFactory(line=line, local_start=datetime(2026, 3, 10, 20, 30))
    assert found(rules.not_back_to_back, later, volunteer) == []


def test_every_rule_has_a_test():
    every_rule = {
        rule
        for rule_set in (rules.SIGNUP_RULES, rules.SHADOW_RULES, rules.OFFER_RULES)
        for stage in rule_set
        for rule in stage
    }
    assert {f"test_{rule.__name__}" for rule in every_rule} <= set(globals())


# -- the rule sets ------------------------------------------------------------------------------------


def test_outside_the_shelter_she_hears_only_that(shift, other_shelter_coordinator):
    shift.cancelled_at = NOW
    shift.save()
    refusals = rules.signup_refusals(facts_for(shift, other_shelter_coordinator))
    assert rules.codes(refusals) == [Code.NOT_IN_SHELTER]


def test_full_is_said_only_when_nothing_else_stands_in_her_way(organisation, line, volunteer):
    shift = ShiftFactory(line=line, max_volunteers=1)
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    assert rules.codes(rules.signup_refusals(facts_for(shift, volunteer))) == [Code.FULL]
    assert rules.signup_refusals(facts_for(shift, volunteer), capacity=False) == []
    AssignmentFactory(
        shift=ShiftFactory(line=LineFactory(organisation=organisation), starts_at=shift.starts_at), member=volunteer
    )
    assert rules.codes(rules.signup_refusals(facts_for(shift, volunteer))) == [Code.OVERLAP]


def test_a_shadow_needs_no_training(organisation, line, shift, volunteer):
    line.required_courses.add(CourseFactory(organisation=organisation, name="Grundutbildning"))
    veteran = MemberFactory(organisation=organisation)
    past_shifts(line, veteran, 2)
    AssignmentFactory(shift=shift, member=veteran)
    facts = facts_for(shift, volunteer)
    assert rules.codes(rules.signup_refusals(facts)) == [Code.NOT_QUALIFIED]
    assert rules.shadow_refusals(facts) == []


def test_messages_are_translated_sentences(shift, volunteer):
    shift.cancelled_at = NOW
    shift.save()
    assert rules.signup_refusals(facts_for(shift, volunteer)) == [rules.Refusal(Code.CANCELLED, "Passet är inställt.")]


def test_facts_for_many_shifts_take_a_fixed_number_of_queries(organisation, volunteer):
    course = CourseFactory(organisation=organisation, name="Grundutbildning")
    lines = [
        LineFactory(organisation=organisation, name="Telefon", required_shadow_shifts=1),
        LineFactory(
            organisation=organisation, name="Chatt", needs_experienced=True, needs_pledge=True, needs_record_check=True
        ),
    ]
    lines[1].required_courses.add(course)
    others = [MemberFactory(organisation=organisation) for _ in range(3)]

    def seed(n):
        for i in range(n):
            shift = ShiftFactory(
                line=lines[i % 2], starts_at=datetime(2026, 3, 10, 17, tzinfo=UTC) + timedelta(hours=4 * i)
            )
            AssignmentFactory(
                shift=shift,
                member=others[i % 3],
                status=AssignmentStatus.SHADOW if i % 4 == 3 else AssignmentStatus.CONFIRMED,
            )
            if i % 3 == 0:
                AssignmentFactory(shift=shift, member=volunteer)
            past_shifts(lines[i % 2], others[i % 3], 1)

    def count() -> int:
        shifts = list(Shift.objects.select_related("line__organisation").filter(starts_at__gt=NOW))
        with CaptureQueriesContext(connection) as queries:
            facts = SignupFacts.for_shifts(shifts, volunteer, now=NOW)
            for each in facts.values():
                rules.signup_refusals(each)
                rules.shadow_refusals(each)
        return len(queries)

    seed(3)
    small = count()
    seed(12)
    assert count() == small


def test_she_may_pass_her_absence_after_confirming_and_the_later_stages_still_run(organisation, line, volunteer):
    shift = ShiftFactory(line=line, max_volunteers=1)
    AbsenceFactory(member=volunteer, starts_on=shift.local_date(), ends_on=shift.local_date())
    facts = facts_for(shift, volunteer)
    assert rules.codes(rules.signup_refusals(facts)) == [Code.AWAY]
    assert rules.confirmable(rules.signup_refusals(facts))
    assert rules.signup_refusals(facts, accepted=rules.CONFIRMABLE) == []
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    facts = facts_for(shift, volunteer)
    assert rules.codes(rules.signup_refusals(facts, accepted=rules.CONFIRMABLE)) == [Code.FULL]
    assert not rules.confirmable([*rules.signup_refusals(facts), *rules.signup_refusals(facts, accepted=[Code.AWAY])])


def test_her_time_is_read_for_many_shifts_and_members_in_a_fixed_number_of_queries(organisation, line, volunteer):
    WorkloadRulesFactory(
        organisation=organisation,
        max_per_week=3,
        max_per_month=8,
        rest_hours_after_night=11,
        no_back_to_back=True,
        enforce_own_limits=True,
    )
    others = [MemberFactory(organisation=organisation) for _ in range(3)]
    for member in (volunteer, *others):
        WishesFactory(member=member, max_per_week=2)

    def seed(n):
        for i in range(n):
            shift = ShiftFactory(line=line, starts_at=datetime(2026, 3, 9, 21, tzinfo=UTC) + timedelta(hours=5 * i))
            AssignmentFactory(shift=shift, member=others[i % 3])
            AbsenceFactory(member=others[i % 3], starts_on=shift.local_date(), ends_on=shift.local_date())

    def count() -> int:
        shifts = list(Shift.objects.select_related("line__organisation").filter(starts_at__gt=NOW))
        with CaptureQueriesContext(connection) as queries:
            for each in SignupFacts.for_shifts(shifts, volunteer, now=NOW).values():
                rules.signup_refusals(each)
            for each in SignupFacts.for_members(shifts[0], [volunteer, *others], now=NOW).values():
                rules.signup_refusals(each)
        return len(queries)

    seed(3)
    small = count()
    seed(12)
    assert count() == small
