"""The register's rules as coordinators and volunteers notice them: onboarding state, the pledge, fees."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import JourplanError
from members.models import MemberStatus, PledgeSignature, co_volunteer_contact
from members.onboarding import current_pledge, members_with_current_pledge, members_with_valid_record_check
from members.services import (
    fee_rate_set,
    interview_record,
    member_mark_left,
    member_update,
    payment_record,
    pledge_publish,
    pledge_sign,
    record_check_record,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_new_pledge_version_asks_everyone_to_sign_again(organisation, volunteer, coordinator):
    first = pledge_publish(organisation=organisation, text="Jag lovar tystnad.")
    pledge_sign(member=volunteer, pledge_text=first)
    assert members_with_current_pledge(organisation, [volunteer.pk, coordinator.pk]) == {volunteer.pk}

    second = pledge_publish(organisation=organisation, text="Jag lovar tystnad, version 2.")
    assert second.version == 2
    assert current_pledge(organisation) == second
    assert members_with_current_pledge(organisation, [volunteer.pk]) == set()
    with pytest.raises(JourplanError):
        pledge_sign(member=volunteer, pledge_text=first)  # the old version can no longer be signed
    pledge_sign(member=volunteer, pledge_text=second)
    pledge_sign(member=volunteer, pledge_text=second)  # twice keeps one signature
    assert members_with_current_pledge(organisation, [volunteer.pk]) == {volunteer.pk}
    assert PledgeSignature.objects.filter(member=volunteer).count() == 2


def test_another_shelters_pledge_cannot_be_signed(organisation, other_organisation, volunteer):
    pledge_publish(organisation=organisation, text="Vår text")
    theirs = pledge_publish(organisation=other_organisation, text="Deras text")
    with pytest.raises(JourplanError):
        pledge_sign(member=volunteer, pledge_text=theirs)


def test_record_check_is_valid_two_years_by_default(organisation, volunteer, coordinator):
    seen = date(2025, 3, 1)
    check = record_check_record(member=volunteer, seen_on=seen, by=coordinator)
    assert check.valid_until == date(2027, 3, 1)
    assert members_with_valid_record_check(organisation, [volunteer.pk], date(2027, 3, 1)) == {
        volunteer.pk: date(2027, 3, 1)
    }
    assert members_with_valid_record_check(organisation, [volunteer.pk], date(2027, 3, 2)) == {}
    with pytest.raises(JourplanError):
        record_check_record(member=volunteer, seen_on=seen, by=coordinator, valid_until=seen)
    with pytest.raises(JourplanError):
        record_check_record(member=volunteer, seen_on=timezone.localdate() + timedelta(days=1), by=coordinator)


def test_onboarding_helpers_take_one_query_whatever_the_number_of_members(organisation, coordinator):
    pledge = pledge_publish(organisation=organisation, text="Text")
    for size in (3, 30):
        members = MemberFactory.create_batch(size, organisation=organisation, user=None)
        for member in members:
            PledgeSignature.objects.create(member=member, pledge_text=pledge)
            record_check_record(member=member, seen_on=date(2025, 1, 1), by=coordinator)
        ids = [m.pk for m in members]
        with CaptureQueriesContext(connection) as pledge_queries:
            assert members_with_current_pledge(organisation, ids) == set(ids)
        with CaptureQueriesContext(connection) as check_queries:
            assert set(members_with_valid_record_check(organisation, ids, date(2025, 6, 1))) == set(ids)
        assert len(pledge_queries) == 1
        assert len(check_queries) == 1


def test_interview_cannot_be_in_the_future(volunteer, coordinator):
    with pytest.raises(JourplanError):
        interview_record(member=volunteer, held_on=timezone.localdate() + timedelta(days=1), by=coordinator)
    interview = interview_record(member=volunteer, held_on=timezone.localdate(), by=coordinator)
    assert interview.recorded_by == coordinator


def test_marking_as_left_records_the_dates(volunteer):
    member_mark_left(member=volunteer, on=date(2026, 5, 1))
    volunteer.refresh_from_db()
    assert volunteer.status == MemberStatus.LEFT
    assert volunteer.left_on == date(2026, 5, 1)
    assert volunteer.status_changed_on == date(2026, 5, 1)
    assert volunteer.user_id is not None  # nothing unlinked yet


def test_member_update_validates_everything_or_writes_nothing(organisation, volunteer, coordinator):
    with pytest.raises(JourplanError):
        member_update(member=volunteer, first_name="Ny", email=coordinator.email.upper())
    volunteer.refresh_from_db()
    assert volunteer.first_name == "Vera"
    with pytest.raises(JourplanError):
        member_update(member=volunteer, organisation=None)
    member_update(member=volunteer, status=MemberStatus.PAUSED, phone="070-123 45 67")
    volunteer.refresh_from_db()
    assert volunteer.status_changed_on == timezone.localdate()
    assert str(volunteer.phone) == "+46701234567"


def test_payments_and_fee_rates_refuse_bad_values(volunteer, organisation):
    today = timezone.localdate()
    with pytest.raises(JourplanError):
        payment_record(member=volunteer, year=today.year, amount=Decimal("0"), paid_on=today)
    with pytest.raises(JourplanError):
        payment_record(member=volunteer, year=today.year, amount=Decimal("200"), paid_on=today, method="bitcoin")
    payment = payment_record(member=volunteer, year=today.year, amount=Decimal("200"), paid_on=today)
    assert payment.organisation == organisation
    rate = fee_rate_set(organisation=organisation, year=today.year, membership_type="full", amount=Decimal("250"))
    again = fee_rate_set(organisation=organisation, year=today.year, membership_type="full", amount=Decimal("300"))
    assert rate.pk == again.pk and again.amount == Decimal("300")
    with pytest.raises(JourplanError):
        fee_rate_set(organisation=organisation, year=today.year, membership_type="gold", amount=Decimal("1"))


def test_co_volunteers_see_the_phone_only_when_she_shares_it_and_is_not_protected(organisation):
    member = MemberFactory(organisation=organisation, phone="+46701234567")
    assert co_volunteer_contact(member) == ""
    member.share_phone = True
    assert co_volunteer_contact(member) == "+46701234567"
    member.protected_identity = True
    assert co_volunteer_contact(member) == ""


def test_those_who_signed_an_older_pledge_get_a_discreet_request_to_sign_again(organisation, volunteer, mailoutbox):
    from notices.models import Notice
    from notices.outbox import notice_send

    first = pledge_publish(organisation=organisation, text="Version ett")
    assert not Notice.objects.exists()  # nobody had signed anything before
    pledge_sign(member=volunteer, pledge_text=first)
    never_signed = MemberFactory(organisation=organisation)
    pledge_publish(organisation=organisation, text="Version två")
    notice = Notice.objects.get(kind="pledge_new_version")
    assert notice.recipient == volunteer and not Notice.objects.filter(recipient=never_signed).exists()
    notice_send(notice_id=notice.pk)
    message = mailoutbox[0]
    assert message.subject == "Jourplan: ett nytt tystnadslöfte att skriva under"
    assert organisation.name not in message.subject + message.body
    assert "/testjouren/me/pledge/" in message.body


def test_who_may_see_a_members_contact_data(
    organisation, volunteer, coordinator, admin_member, other_shelter_coordinator
):
    from members.models import may_see_contact_data

    protected = MemberFactory(organisation=organisation, protected_identity=True)
    open_member = MemberFactory(organisation=organisation)
    assert may_see_contact_data(protected, protected)  # she herself
    assert may_see_contact_data(admin_member, protected)
    assert not may_see_contact_data(coordinator, protected)
    assert not may_see_contact_data(volunteer, protected)
    assert may_see_contact_data(coordinator, open_member)
    assert not may_see_contact_data(volunteer, open_member)
    assert not may_see_contact_data(other_shelter_coordinator, open_member)
    assert not may_see_contact_data(None, open_member)
