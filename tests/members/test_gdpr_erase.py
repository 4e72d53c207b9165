"""Erasing a member who has left: nothing personal survives anywhere in the database; counts do."""

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members import gdpr
from members.models import Member, MemberStatus, Payment
from members.services import (
    interview_record,
    member_mark_left,
    member_update,
    payment_record,
    pledge_publish,
    pledge_sign,
    record_check_record,
)
from members.tasks import anonymise_departed_members
from notices.models import Notice
from notices.outbox import notice_plan
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

NAME, SURNAME, EMAIL, PHONE = "Gunborg", "Qvarnström", "gunborg.qvarnstrom@exempel.se", "+46705551234"


@pytest.fixture
def leaver(organisation, coordinator):
    member = MemberFactory(
        organisation=organisation,
        first_name=NAME,
        last_name=SURNAME,
        email=EMAIL,
        user__email=EMAIL,
        phone=PHONE,
        postal_address="Hemliga vägen 3",
        notes=f"{NAME} ringer ofta",
        interest_text="Jag heter Gunborg och bor på Lönngatan",
        interest_kinds=["line:phone"],
    )
    member_update(member=member, by=coordinator, phone="+46705551234", share_phone=True)
    today = timezone.localdate()
    interview_record(member=member, held_on=today, by=coordinator)
    record_check_record(member=member, seen_on=today, by=coordinator)
    pledge_sign(member=member, pledge_text=pledge_publish(organisation=organisation, text="Tystnad"))
    payment_record(member=member, year=today.year, amount=Decimal("200"), paid_on=today, reference=f"Swish {NAME}")
    notice_plan(recipient=member, kind="invitation", variant="1")
    gdpr.member_export(member)
    member_mark_left(member=member, by=coordinator)
    return Member.objects.get(pk=member.pk)


def dump() -> str:
    buffer = io.StringIO()
    call_command("dumpdata", stdout=buffer)
    return buffer.getvalue()


def test_erase_leaves_no_personal_data_in_the_database(coordinator_client, organisation, leaver):
    assert NAME in dump()  # the test would notice her
    response = coordinator_client.post(
        reverse("members:member_erase", kwargs={"organisation": organisation.slug, "pk": leaver.pk}), follow=True
    )
    assert "raderats" in response.content.decode()
    everything = dump()
    for value in (NAME, SURNAME, EMAIL, PHONE, "705551234", "Hemliga vägen", "Lönngatan"):
        assert value not in everything, [
            row for row in json.loads(everything) if value in json.dumps(row, ensure_ascii=False)
        ]
    leaver.refresh_from_db()
    assert leaver.erased_at is not None and leaver.first_name == "Raderad" and leaver.user is None
    assert Payment.objects.filter(member=leaver).count() == 1  # counts survive
    assert not Notice.objects.filter(recipient=leaver).exists()
    assert not LogEntry.objects.filter(object_pk=str(leaver.pk), content_type__model="member").exists()
    assert not leaver.interviews.exists() and not leaver.record_checks.exists()
    assert not leaver.pledge_signatures.exists()


erased_by_hook: list[int] = []


def note_erased(member):
    """An erase hook as another app lists it in settings.GDPR_ERASE_HOOKS."""
    erased_by_hook.append(member.pk)


def test_erase_hooks_of_other_apps_run(organisation, leaver, settings):
    assert "shifts.gdpr.erase_shift_data" in settings.GDPR_ERASE_HOOKS
    settings.GDPR_ERASE_HOOKS = (*settings.GDPR_ERASE_HOOKS, f"{__name__}.note_erased")
    erased_by_hook.clear()
    gdpr.member_erase(member=leaver)
    assert erased_by_hook == [leaver.pk]


def test_a_login_shared_with_another_shelter_stays_active(organisation, other_organisation, leaver):
    MemberFactory(organisation=other_organisation, user=leaver.user, email=EMAIL)
    user = leaver.user
    gdpr.member_erase(member=leaver)
    user.refresh_from_db()
    assert user.is_active and user.email == EMAIL


def test_periodic_task_erases_members_who_left_long_ago(organisation):
    today = timezone.localdate()
    long_ago = MemberFactory(organisation=organisation, status=MemberStatus.LEFT, left_on=today - timedelta(days=400))
    recently = MemberFactory(organisation=organisation, status=MemberStatus.LEFT, left_on=today - timedelta(days=200))
    assert anonymise_departed_members() == 1
    assert anonymise_departed_members() == 0  # safe to run twice
    long_ago.refresh_from_db()
    recently.refresh_from_db()
    assert long_ago.erased_at is not None and recently.erased_at is None


def test_months_before_clamps_to_the_end_of_the_month():
    assert gdpr.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert gdpr.months_before(date(2026, 1, 15), 12) == date(2025, 1, 15)


def test_export_holds_everything_about_her(leaver):
    data = gdpr.member_export(leaver)
    assert data["profile"]["email"] == EMAIL and data["profile"]["postal_address"] == "Hemliga vägen 3"
    assert len(data["onboarding"]["interviews"]) == 1 and len(data["onboarding"]["record_checks"]) == 1
    assert data["onboarding"]["pledge_signatures"][0]["version"] == 1
    assert data["payments"][0]["amount"] == "200.00"
    assert set(data["notices"][0]) == {"kind", "date"} and data["notices"][0]["kind"] == "invitation"
    assert data["audit_log"]  # her changes are listed, without the values
    assert data["profile"]["notes"] == f"{NAME} ringer ofta"  # the right of access covers notes about her
