"""The rota's GDPR hooks: her shifts in the export; erasure keeps anonymous hours and removes what is personal."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from members import gdpr
from members.models import MemberStatus
from shifts.feeds import calendar_token_renew
from shifts.models import Assignment, CalendarToken, SwapOffer, WaitingListEntry
from shifts.services import coordinator_assign, swap_offer
from shifts.statistics import hours_per_volunteer
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db
NAME, SURNAME, EMAIL = "Gunborg", "Qvarnström", "gunborg.qvarnstrom@exempel.se"
NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


def dump() -> str:
    buffer = io.StringIO()
    call_command("dumpdata", stdout=buffer)
    return buffer.getvalue()


@pytest.fixture
def leaver(organisation, coordinator):
    member = MemberFactory(
        organisation=organisation, first_name=NAME, last_name=SURNAME, email=EMAIL, user__email=EMAIL
    )
    line = LineFactory(organisation=organisation, name="Chatt", max_volunteers=1)
    past = ShiftFactory(line=line, starts_at=NOW - timedelta(days=20), hours=3)
    AssignmentFactory(shift=past, member=member)
    # A coordinator overrode a rule for her, with a reason that names her.
    later = ShiftFactory(line=line, starts_at=NOW - timedelta(days=10), hours=4)
    coordinator_assign(
        shift=later,
        member=member,
        by=coordinator,
        override=True,
        reason=f"{NAME} needs it",
        now=later.starts_at - timedelta(days=70),
    )
    future = ShiftFactory(line=line, starts_at=NOW + timedelta(days=5))
    offered = AssignmentFactory(shift=future, member=member)
    swap_offer(assignment=offered, by=member, now=NOW)
    full = ShiftFactory(line=line, starts_at=NOW + timedelta(days=6))
    AssignmentFactory(shift=full, member=MemberFactory(organisation=organisation))
    WaitingListEntry.objects.create(shift=full, member=member, created_at=NOW)
    calendar_token_renew(member=member)
    return member


def test_export_lists_her_shifts(leaver):
    rows = gdpr.member_export(leaver)["shifts"]
    assert [(r["line"], r["hours"]) for r in rows] == [("Chatt", 3.0), ("Chatt", 4.0), ("Chatt", 3.0)]
    assert rows[0]["date"] == (NOW - timedelta(days=20)).date().isoformat()


def test_erase_keeps_anonymous_hours_and_removes_everything_personal(organisation, coordinator, leaver):
    assert Assignment.objects.get(member=leaver, override_reason__contains=NAME)
    assert NAME in dump()
    leaver.status = MemberStatus.LEFT
    leaver.save()
    gdpr.member_erase(member=leaver, by=coordinator)
    everything = dump()
    for value in (NAME, SURNAME, EMAIL):
        assert value not in everything, [
            row for row in json.loads(everything) if value in json.dumps(row, ensure_ascii=False)
        ]
    assert not CalendarToken.objects.filter(member=leaver).exists()
    assert not WaitingListEntry.objects.filter(member=leaver).exists()
    assert not SwapOffer.objects.filter(assignment__member=leaver).exists()
    assert Assignment.objects.filter(member=leaver).count() == 3
    [row] = hours_per_volunteer(organisation, 2026, NOW)
    assert row.member_id == leaver.pk and row.shifts == 2 and row.hours == 7.0 and row.name == "Raderad"
