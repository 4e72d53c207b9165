"""A seeded March 2026 in one shelter, with what the report must say about it (and what it must leave out)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from members.models import MembershipType, MemberStatus
from shifts.models import AssignmentStatus
from tests.factories import (
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    ShiftFactory,
    TrainingRecordFactory,
    TrainingSessionFactory,
)
from timelog.models import TimeEntryStatus
from trainings.models import CoursePurpose

from .factories import ReportTimeEntryFactory, ReportTimeKindFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
MARCH = date(2026, 3, 1)


def local(*args):
    return datetime(*args, tzinfo=STOCKHOLM).astimezone(UTC)


def seed_march(organisation) -> SimpleNamespace:
    phone = LineFactory(organisation=organisation, name="Telefon", min_volunteers=1, max_volunteers=2)
    chat = LineFactory(organisation=organisation, name="Chatt", min_volunteers=2, max_volunteers=3)
    anna, bea, cissi, doris = (MemberFactory(organisation=organisation) for _ in range(4))
    # Telefon 10 March 20–23, two confirmed: 6 volunteer hours; 3 opening hours planned and staffed.
    shift_a = ShiftFactory(line=phone, starts_at=local(2026, 3, 10, 20, 0), hours=3)
    AssignmentFactory(shift=shift_a, member=anna)
    AssignmentFactory(shift=shift_a, member=bea)
    AssignmentFactory(shift=shift_a, member=doris, status=AssignmentStatus.RELEASED)  # released: not counted
    # Chatt 11 March 18–22, one confirmed of minimum two: 4 volunteer hours; 4 planned, none staffed.
    shift_b = ShiftFactory(line=chat, starts_at=local(2026, 3, 11, 18, 0), hours=4)
    AssignmentFactory(shift=shift_b, member=anna)
    # Telefon 12 March, cancelled: nothing counts.
    cancelled = ShiftFactory(
        line=phone, starts_at=local(2026, 3, 12, 20, 0), hours=3, cancelled_at=local(2026, 3, 1, 9, 0)
    )
    AssignmentFactory(shift=cancelled, member=doris)
    # Telefon 13 March, a shadow only: 3 volunteer hours; 3 planned, not staffed (shadows do not staff).
    shift_d = ShiftFactory(line=phone, starts_at=local(2026, 3, 13, 20, 0), hours=3)
    AssignmentFactory(shift=shift_d, member=cissi, status=AssignmentStatus.SHADOW)
    # April: outside the month.
    AssignmentFactory(shift=ShiftFactory(line=phone, starts_at=local(2026, 4, 2, 20, 0), hours=3), member=bea)

    support = ReportTimeKindFactory(organisation=organisation, name="Stödperson")
    board = ReportTimeKindFactory(organisation=organisation, name="Styrelsearbete")
    ReportTimeEntryFactory(member=anna, kind=support, day=date(2026, 3, 3), hours=Decimal("2.5"))
    ReportTimeEntryFactory(member=doris, kind=board, day=date(2026, 3, 31), hours=Decimal("1.25"))
    ReportTimeEntryFactory(member=bea, kind=support, day=date(2026, 3, 4), status=TimeEntryStatus.SUBMITTED)
    ReportTimeEntryFactory(member=cissi, kind=board, day=date(2026, 3, 5), status=TimeEntryStatus.RETURNED)
    ReportTimeEntryFactory(member=doris, kind=board, day=date(2026, 4, 1))  # April

    # New in March: joined on the 5th; and one whose status became active on the 20th (no "member since").
    MemberFactory(organisation=organisation, member_since=date(2026, 3, 5))
    MemberFactory(organisation=organisation, member_since=None, status_changed_on=date(2026, 3, 20))
    # Not new: a supporting member, a prospective one, one back from a pause (member since 2020).
    MemberFactory(organisation=organisation, member_since=date(2026, 3, 6), membership_type=MembershipType.SUPPORTING)
    MemberFactory(organisation=organisation, member_since=date(2026, 3, 7), status=MemberStatus.PROSPECTIVE)
    MemberFactory(organisation=organisation, member_since=date(2020, 1, 1), status_changed_on=date(2026, 3, 15))

    basic = CourseFactory(organisation=organisation, name="Grundutbildning vår", purpose=CoursePurpose.TRAINING)
    meeting = CourseFactory(organisation=organisation, name="Medlemsmöte mars", purpose=CoursePurpose.MEMBER_MEETING)
    TrainingSessionFactory(course=basic, starts_at=local(2026, 3, 14, 10, 0))
    TrainingSessionFactory(course=meeting, starts_at=local(2026, 3, 15, 18, 0))  # a meeting: not a training
    TrainingRecordFactory(member=anna, course=basic, completed_on=date(2026, 3, 14))
    TrainingRecordFactory(member=bea, course=basic, completed_on=date(2026, 3, 14))
    TrainingRecordFactory(member=cissi, course=meeting, completed_on=date(2026, 3, 15))
    return SimpleNamespace(phone=phone, chat=chat, support=support, board=board, members=(anna, bea, cissi, doris))
