"""Whom a coordinator's message reaches: the shelter's current volunteers the filters choose (line, member status,
qualified today for a line), resolved once at send; never another shelter's members, never one who has left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from announcements.models import AnnouncementReceipt
from announcements.selectors import Audience, recipients
from announcements.services import announcement_send
from members.gdpr import member_erase
from members.models import MemberStatus, Role
from notices.models import Notice
from tests.factories import (
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    ShiftFactory,
    TrainingRecordFactory,
    WishesFactory,
)

pytestmark = pytest.mark.django_db


def names(members) -> set[str]:
    return {member.first_name for member in members}


def reached(organisation, coordinator, **filters) -> set[str]:
    """Send a message with `filters`; the first names of those who got a copy (and a notice)."""
    announcement = announcement_send(
        organisation=organisation, author=coordinator, title="Jourmöte", body="Torsdag 18.", **filters
    )
    receipts = names(receipt.member for receipt in AnnouncementReceipt.objects.filter(announcement=announcement))
    noticed = names(
        notice.recipient for notice in Notice.objects.filter(kind="announcement", subject_id=announcement.pk)
    )
    assert receipts == noticed
    return receipts


@pytest.fixture
def chat(organisation):
    return LineFactory(organisation=organisation, name="Chatten")


@pytest.fixture
def phone(organisation):
    return LineFactory(organisation=organisation, name="Jourtelefonen")


def test_without_filters_every_active_volunteer_of_the_shelter_gets_it(
    organisation, coordinator, admin_member, other_shelter_coordinator
):
    MemberFactory(organisation=organisation, first_name="Anna")
    MemberFactory(organisation=organisation, first_name="Bodil")
    MemberFactory(organisation=organisation, first_name="Paula", status=MemberStatus.PAUSED)
    MemberFactory(organisation=organisation, first_name="Lova", status=MemberStatus.LEFT)
    MemberFactory(organisation=other_shelter_coordinator.organisation, first_name="Annika")
    assert reached(organisation, coordinator) == {"Anna", "Bodil"}


def test_the_status_filter_chooses_paused_or_prospective_members_and_never_those_who_left(organisation, coordinator):
    MemberFactory(organisation=organisation, first_name="Anna")
    MemberFactory(organisation=organisation, first_name="Paula", status=MemberStatus.PAUSED)
    MemberFactory(organisation=organisation, first_name="Ingrid", status=MemberStatus.PROSPECTIVE)
    MemberFactory(organisation=organisation, first_name="Lova", status=MemberStatus.LEFT)
    assert reached(organisation, coordinator, statuses=[MemberStatus.PAUSED]) == {"Paula"}
    assert reached(organisation, coordinator, statuses=[MemberStatus.ACTIVE, MemberStatus.PROSPECTIVE]) == {
        "Anna",
        "Ingrid",
    }


def test_the_line_filter_chooses_those_who_work_or_wish_the_line(organisation, coordinator, chat, phone):
    now = timezone.now()
    booked = MemberFactory(organisation=organisation, first_name="Bokad")
    AssignmentFactory(shift=ShiftFactory(line=chat, starts_at=now + timedelta(days=3)), member=booked)
    recent = MemberFactory(organisation=organisation, first_name="Nyss")
    AssignmentFactory(shift=ShiftFactory(line=chat, starts_at=now - timedelta(days=30)), member=recent)
    wisher = MemberFactory(organisation=organisation, first_name="Önskar")
    WishesFactory(member=wisher).lines.add(chat)
    long_ago = MemberFactory(organisation=organisation, first_name="Förr")
    AssignmentFactory(shift=ShiftFactory(line=chat, starts_at=now - timedelta(days=200)), member=long_ago)
    cancelled = MemberFactory(organisation=organisation, first_name="Inställd")
    AssignmentFactory(
        shift=ShiftFactory(line=chat, starts_at=now + timedelta(days=3), cancelled_at=now), member=cancelled
    )
    on_the_phone = MemberFactory(organisation=organisation, first_name="Telefon")
    AssignmentFactory(shift=ShiftFactory(line=phone, starts_at=now + timedelta(days=3)), member=on_the_phone)

    assert reached(organisation, coordinator, lines=[chat]) == {"Bokad", "Nyss", "Önskar"}
    assert reached(organisation, coordinator, lines=[chat, phone]) == {"Bokad", "Nyss", "Önskar", "Telefon"}


def test_the_qualification_filter_takes_those_qualified_for_the_line_today(organisation, coordinator, chat):
    course = CourseFactory(organisation=organisation, name="Chattutbildning")
    chat.required_courses.add(course)
    today = timezone.localdate()
    trained = MemberFactory(organisation=organisation, first_name="Utbildad")
    TrainingRecordFactory(member=trained, course=course, completed_on=today - timedelta(days=10))
    expired = MemberFactory(organisation=organisation, first_name="Utgången")
    TrainingRecordFactory(
        member=expired, course=course, completed_on=today - timedelta(days=800), expires_on=today - timedelta(days=1)
    )
    MemberFactory(organisation=organisation, first_name="Otränad")
    assert reached(organisation, coordinator, qualified_for=chat) == {"Utbildad"}


def test_the_filters_combine(organisation, coordinator, chat):
    course = CourseFactory(organisation=organisation, name="Chattutbildning")
    chat.required_courses.add(course)
    paused = MemberFactory(organisation=organisation, first_name="Vilande", status=MemberStatus.PAUSED)
    WishesFactory(member=paused).lines.add(chat)
    TrainingRecordFactory(member=paused, course=course)
    active = MemberFactory(organisation=organisation, first_name="Aktiv")
    WishesFactory(member=active).lines.add(chat)
    filters = {"lines": [chat], "statuses": [MemberStatus.PAUSED], "qualified_for": chat}
    assert reached(organisation, coordinator, **filters) == {"Vilande"}


def test_coordinators_are_not_written_to_but_the_author_may_take_a_copy(organisation, coordinator, admin_member):
    MemberFactory(organisation=organisation, first_name="Anna")
    MemberFactory(organisation=organisation, first_name="Karin", role=Role.COORDINATOR)
    assert reached(organisation, coordinator) == {"Anna"}
    assert reached(organisation, coordinator, include_author=True) == {"Anna", coordinator.first_name}


def test_another_shelters_members_never_get_it_whatever_the_filters(
    organisation, coordinator, other_organisation, chat
):
    stranger = MemberFactory(organisation=other_organisation, first_name="Främling")
    their_line = LineFactory(organisation=other_organisation, name="Chatten")
    AssignmentFactory(shift=ShiftFactory(line=their_line), member=stranger)
    # Even her wishes naming this shelter's line (a row that should not exist) reach nobody outside it.
    WishesFactory(member=stranger).lines.add(chat)
    anna = MemberFactory(organisation=organisation, first_name="Anna")
    WishesFactory(member=anna).lines.add(chat)
    assert reached(organisation, coordinator) == {"Anna"}
    assert reached(organisation, coordinator, lines=[chat], statuses=[MemberStatus.ACTIVE, MemberStatus.PAUSED]) == {
        "Anna"
    }


def test_an_erased_member_is_never_written_to(organisation, coordinator):
    gone = MemberFactory(organisation=organisation, first_name="Borta", status=MemberStatus.LEFT)
    member_erase(member=gone, by=coordinator)
    MemberFactory(organisation=organisation, first_name="Anna")
    audience = Audience(statuses=[MemberStatus.ACTIVE, MemberStatus.PAUSED, MemberStatus.LEFT])
    assert names(recipients(organisation, audience, author=coordinator, now=timezone.now())) == {"Anna"}


def test_recipients_are_resolved_once_at_send(organisation, coordinator):
    MemberFactory(organisation=organisation, first_name="Anna")
    announcement = announcement_send(organisation=organisation, author=coordinator, title="Hej", body="Välkomna.")
    MemberFactory(organisation=organisation, first_name="Senare")
    assert names(r.member for r in announcement.receipts.all()) == {"Anna"}
