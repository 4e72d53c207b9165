"""Meetings (issue 19 point 4): meeting kinds reuse the trainings' sessions, sign-ups and attendance, never count as
a qualification, carry an expectation ("at least N every M months") and, for the annual meeting, a voting rule."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from members.models import FeeRate, MembershipType, MemberStatus, Payment
from shifts.requirements import line_requirement_choices, requirements_by_line
from tests.factories import CourseFactory, LineFactory, MemberFactory, TrainingRecordFactory
from tests.trainings.meetings import attended, local_noon, meeting_kind, meeting_session
from trainings.expectations import expectations_for, members_behind
from trainings.models import MEETING_PURPOSES, Course, CoursePurpose, SessionSignup, TrainingRecord, TrainingSession
from trainings.qualification import QualificationChecker, Requirements, qualified_members
from trainings.services import TrainingRefused, attendance_record, session_cancel_signup, session_sign_up
from trainings.voting import voting_list

pytestmark = pytest.mark.django_db


# --- the model ---------------------------------------------------------------------------------------------------
def test_courses_are_trainings_by_default_and_the_querysets_split_them(organisation):
    supervision = meeting_kind(organisation, count=1, months=3)
    catalogue = set(Course.objects.for_organisation(organisation).trainings())
    assert supervision not in catalogue and len(catalogue) == 6
    assert list(Course.objects.for_organisation(organisation).meetings()) == [supervision]
    assert all(course.purpose == CoursePurpose.TRAINING for course in catalogue)


@pytest.mark.parametrize(("count", "months"), [(1, None), (None, 3), (0, 3), (1, 0)])
def test_an_expectation_is_both_numbers_or_none(organisation, count, months):
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting_kind(organisation, count=count, months=months)


# --- never a qualification ---------------------------------------------------------------------------------------
def test_a_meeting_never_counts_as_a_qualification(organisation):
    """Even a line that (through the admin) requires a meeting kind asks for trainings only, and the checker and
    the queryset ignore meeting records."""
    member = MemberFactory(organisation=organisation)
    supervision = meeting_kind(organisation, count=1, months=3)
    attended(member, supervision, timezone.localdate() - timedelta(days=3))
    chat = CourseFactory(organisation=organisation, name="Chattutbildning")
    line = LineFactory(organisation=organisation)
    line.required_courses.set([supervision, chat])
    requirements = requirements_by_line([line])[line.pk]
    assert requirements.courses == [chat.pk]
    assert [choice[2].courses for choice in line_requirement_choices(organisation)] == [[chat.pk]]
    today = timezone.localdate()
    checker = QualificationChecker(organisation, [member], on_dates=[today])
    assert supervision.pk not in checker.courses
    assert not any(course_id == supervision.pk for _member, course_id in checker.records)
    # Asked directly for the meeting kind, nothing qualifies through it.
    assert member not in qualified_members(organisation, Requirements(courses=[supervision.pk]), on=today)


def test_the_line_form_and_the_record_forms_offer_trainings_only(organisation):
    from shifts.forms import LineForm
    from trainings.forms import MatrixFilterForm, RecordForm, SessionForm

    supervision = meeting_kind(organisation)
    assert supervision not in LineForm(organisation=organisation).fields["required_courses"].queryset
    assert supervision not in RecordForm(organisation=organisation).fields["course"].queryset
    assert supervision not in MatrixFilterForm(organisation=organisation).fields["courses"].queryset
    assert supervision not in SessionForm(organisation=organisation).fields["course"].queryset
    meetings_form = SessionForm(organisation=organisation, purposes=[CoursePurpose.SUPERVISION])
    assert list(meetings_form.fields["course"].queryset) == [supervision]


# --- sign-up and attendance --------------------------------------------------------------------------------------
def test_sign_up_and_attendance_for_a_meeting(organisation, coordinator):
    member = MemberFactory(organisation=organisation)
    kind = meeting_kind(organisation, purpose=CoursePurpose.MEMBER_MEETING, count=1, months=6)
    session = meeting_session(kind, capacity=1)
    session_sign_up(session=session, member=member)
    assert SessionSignup.objects.filter(session=session, member=member).exists()
    with pytest.raises(TrainingRefused):
        session_sign_up(session=session, member=MemberFactory(organisation=organisation))  # full
    with pytest.raises(TrainingRefused):  # the trainings service's rule: not before the session has started
        attendance_record(session=session, attended=[member], recorded_by=coordinator)
    session_cancel_signup(session=session, member=member)
    session_sign_up(session=session, member=member)
    started = session.starts_at + timedelta(minutes=5)
    records = attendance_record(session=session, attended=[member], recorded_by=coordinator, now=started)
    assert [(r.member, r.course, r.expires_on) for r in records] == [(member, kind, None)]
    assert attendance_record(session=session, attended=[member], recorded_by=coordinator, now=started) == []


# --- who is behind -----------------------------------------------------------------------------------------------
NOW = timezone.make_aware(timezone.datetime(2026, 6, 15, 12, 0))


def _standing(organisation, member, kind):
    (standing,) = [
        s for s in expectations_for(organisation, [member], now=NOW).standings_of(member) if s.course == kind
    ]
    return standing


def test_a_member_who_attended_none_of_one_is_behind_and_one_of_one_is_not(organisation):
    kind = meeting_kind(organisation, count=1, months=3)
    behind, done = MemberFactory.create_batch(2, organisation=organisation)
    attended(done, kind, date(2026, 5, 1))
    assert _standing(organisation, behind, kind).is_behind
    assert (_standing(organisation, behind, kind).attended, _standing(organisation, done, kind).attended) == (0, 1)
    assert not _standing(organisation, done, kind).is_behind
    _kinds, found = members_behind(organisation, now=NOW)
    assert [b.member for b in found] == [behind]


def test_attendance_older_than_the_period_does_not_count(organisation):
    """Three months before 15 June is 15 March: that day is outside the period, the 16th inside."""
    kind = meeting_kind(organisation, count=1, months=3)
    old, edge, inside = MemberFactory.create_batch(3, organisation=organisation)
    attended(old, kind, date(2026, 1, 10))
    attended(edge, kind, date(2026, 3, 15))
    attended(inside, kind, date(2026, 3, 16))
    assert _standing(organisation, old, kind).is_behind
    assert _standing(organisation, edge, kind).is_behind
    assert not _standing(organisation, inside, kind).is_behind


def test_two_expected_counts_both_and_other_kinds_and_shelters_do_not_count(organisation, other_organisation):
    member = MemberFactory(organisation=organisation)
    kind = meeting_kind(organisation, purpose=CoursePurpose.MEMBER_MEETING, count=2, months=6)
    other_kind = meeting_kind(organisation, count=1, months=6)
    attended(member, kind, date(2026, 2, 1))
    attended(member, other_kind, date(2026, 3, 1))
    attended(member, CourseFactory(organisation=organisation, name="Chattutbildning"), date(2026, 3, 1))
    standing = _standing(organisation, member, kind)
    assert (standing.attended, standing.expected, standing.is_behind) == (1, 2, True)
    attended(member, kind, date(2026, 6, 15))
    assert not _standing(organisation, member, kind).is_behind


def test_only_active_members_who_were_members_the_whole_period_are_judged(organisation):
    kind = meeting_kind(organisation, count=1, months=6)
    new = MemberFactory(organisation=organisation, member_since=date(2026, 4, 1))
    since_long = MemberFactory(organisation=organisation, member_since=date(2025, 1, 1))
    MemberFactory(organisation=organisation, status=MemberStatus.PAUSED)
    MemberFactory(organisation=organisation, status=MemberStatus.PROSPECTIVE)
    MemberFactory(organisation=organisation, status=MemberStatus.LEFT)
    assert not _standing(organisation, new, kind).is_behind
    _kinds, found = members_behind(organisation, now=NOW)
    assert [b.member for b in found] == [since_long]


def test_inactive_kinds_and_kinds_without_expectation_expect_nothing(organisation):
    meeting_kind(organisation, count=1, months=3, active=False)
    meeting_kind(organisation, purpose=CoursePurpose.ANNUAL_MEETING)
    MemberFactory(organisation=organisation)
    assert members_behind(organisation, now=NOW) == ([], [])


# --- voting rights -----------------------------------------------------------------------------------------------
def _annual(organisation, *, day=date(2026, 3, 20), fee=True, months=6):
    kind = meeting_kind(
        organisation,
        purpose=CoursePurpose.ANNUAL_MEETING,
        name="Årsmöte",
        voting_requires_fee_paid=fee,
        voting_member_months=months,
    )
    return meeting_session(kind, starts_at=local_noon(organisation, day))


def _pay(member, year):
    Payment.objects.create(
        organisation=member.organisation, member=member, year=year, amount=Decimal("200"), paid_on=date(2026, 1, 5)
    )


def _votes(session):
    return {voter.member.pk: voter.reasons for voter in voting_list(session).voters}


def test_voting_rights_by_fee_paid_for_the_meetings_year(organisation):
    session = _annual(organisation, months=None)
    paid, unpaid, paid_last_year = MemberFactory.create_batch(3, organisation=organisation)
    _pay(paid, 2026)
    _pay(paid_last_year, 2025)
    votes = _votes(session)
    assert votes[paid.pk] == ()
    assert len(votes[unpaid.pk]) == 1 and "2026" in votes[unpaid.pk][0]
    assert votes[paid_last_year.pk] == votes[unpaid.pk]
    assert voting_list(session).voting_count == 1


def test_a_zero_fee_owes_nothing_and_votes_as_the_fee_rules_decide(organisation):
    session = _annual(organisation, months=None)
    FeeRate.objects.create(organisation=organisation, year=2026, membership_type=MembershipType.FULL, amount=0)
    member = MemberFactory(organisation=organisation)
    assert _votes(session)[member.pk] == ()


def test_voting_rights_by_member_since_on_the_edge_days(organisation):
    """Meeting 20 March 2026, six months: a member since 20 September 2025 votes, since the 21st does not."""
    session = _annual(organisation, fee=False)
    on_the_day = MemberFactory(organisation=organisation, member_since=date(2025, 9, 20))
    a_day_late = MemberFactory(organisation=organisation, member_since=date(2025, 9, 21))
    unknown = MemberFactory(organisation=organisation, member_since=None)
    votes = _votes(session)
    assert votes[on_the_day.pk] == ()
    assert len(votes[a_day_late.pk]) == 1 and len(votes[unknown.pk]) == 1
    assert votes[a_day_late.pk] != votes[unknown.pk]


def test_member_since_counts_calendar_months_at_a_months_end(organisation):
    """Meeting 31 August 2026, six months back is 28 February 2026 (the 31st becomes the month's last day)."""
    session = _annual(organisation, day=date(2026, 8, 31), fee=False)
    last_day = MemberFactory(organisation=organisation, member_since=date(2026, 2, 28))
    march = MemberFactory(organisation=organisation, member_since=date(2026, 3, 1))
    votes = _votes(session)
    assert votes[last_day.pk] == () and len(votes[march.pk]) == 1


def test_both_reasons_and_who_is_on_the_list(organisation, other_organisation):
    session = _annual(organisation)
    both = MemberFactory(organisation=organisation, member_since=date(2026, 1, 1))
    paused = MemberFactory(organisation=organisation, status=MemberStatus.PAUSED, member_since=date(2020, 1, 1))
    _pay(paused, 2026)
    MemberFactory(organisation=organisation, membership_type=MembershipType.SUPPORTING)
    MemberFactory(organisation=organisation, status=MemberStatus.LEFT)
    MemberFactory(organisation=organisation, status=MemberStatus.PROSPECTIVE)
    MemberFactory(organisation=other_organisation)
    votes = _votes(session)
    assert set(votes) == {both.pk, paused.pk}
    assert len(votes[both.pk]) == 2 and votes[paused.pk] == ()


def test_the_meeting_day_is_the_shelters_local_date(organisation):
    """A meeting at 00:30 on 1 January in Stockholm is on 31 December in UTC: the fee is the new year's."""
    kind = meeting_kind(organisation, purpose=CoursePurpose.ANNUAL_MEETING, voting_member_months=None)
    starts = timezone.datetime(2027, 1, 1, 0, 30, tzinfo=organisation.zone)
    session = meeting_session(kind, starts_at=starts)
    member = MemberFactory(organisation=organisation)
    _pay(member, 2026)
    listing = voting_list(session)
    assert listing.day == date(2027, 1, 1)
    assert not listing.voters[0].may_vote


def test_records_of_meetings_stay_out_of_the_expiry_warnings(organisation):
    from trainings.notices import latest_expiring_records

    kind = meeting_kind(organisation, count=1, months=3, validity_months=12)
    TrainingRecordFactory(member=MemberFactory(organisation=organisation), course=kind, completed_on=date(2026, 1, 1))
    assert TrainingRecord.objects.filter(course=kind).exclude(expires_on=None).exists()
    assert not latest_expiring_records().filter(course=kind).exists()


def test_the_demo_has_meeting_kinds_sessions_and_someone_behind():
    from django.core.management import call_command

    from core.models import Organisation

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sessions = TrainingSession.objects.filter(course__purpose__in=MEETING_PURPOSES).count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert TrainingSession.objects.filter(course__purpose__in=MEETING_PURPOSES).count() == sessions == 5
    organisation = Organisation.objects.get(slug="demo")
    kinds = {c.purpose: c for c in Course.objects.for_organisation(organisation).meetings()}
    assert set(kinds) == set(MEETING_PURPOSES)
    assert kinds[CoursePurpose.ANNUAL_MEETING].sessions.filter(starts_at__gt=timezone.now()).exists()
    _kinds, behind = members_behind(organisation, now=timezone.now())
    assert behind
