"""The rota's GDPR hooks: her shifts in the export; erasure keeps anonymous hours and removes what is personal."""

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from members import gdpr
from members.models import MemberStatus
from shifts.availability import wishes_save
from shifts.feeds import calendar_token_renew
from shifts.models import Absence, Assignment, CalendarToken, SwapOffer, WaitingListEntry, Wishes
from shifts.services import coordinator_assign, swap_offer
from shifts.statistics import hours_per_volunteer
from tests.conftest import log_in
from tests.factories import AbsenceFactory, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

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


def test_export_has_her_absences_and_wishes_and_erase_removes_them(organisation, coordinator, leaver, client):
    line = LineFactory(organisation=organisation, name="Kvällstelefon")
    AbsenceFactory(member=leaver, starts_on=date(2026, 7, 1), ends_on=date(2026, 7, 31))
    AbsenceFactory(member=leaver, starts_on=date(2026, 8, 3), ends_on=date(2026, 8, 3), created_by=coordinator)
    wishes_save(
        member=leaver, by=leaver, weekdays=[3], times_of_day=["evening"], lines=[line], max_per_week=1, max_per_month=3
    )
    section = gdpr.member_export(leaver)["availability"]
    assert section["absences"] == [
        {"first_day": "2026-07-01", "last_day": "2026-07-31", "marked_at": NOW.isoformat(), "marked_by_you": True},
        {"first_day": "2026-08-03", "last_day": "2026-08-03", "marked_at": NOW.isoformat(), "marked_by_you": False},
    ]
    assert section["wishes"] == {
        "weekdays": "torsdag",
        "times_of_day": "Kväll (17–22)",
        "lines": "Kvällstelefon",
        "max_per_week": 1,
        "max_per_month": 3,
    }
    page = log_in(client, leaver).get(reverse("members:my_data", kwargs={"organisation": organisation.slug}))
    html = page.content.decode()
    assert "<h2>Frånvaro</h2>" in html and "Första dagen borta" in html and "<h2>Önskemål</h2>" in html
    assert "<dt>Linjer jag helst tar</dt><dd>Kvällstelefon</dd>" in html
    leaver.status = MemberStatus.LEFT
    leaver.save()
    gdpr.member_erase(member=leaver, by=coordinator)
    assert not Absence.objects.filter(member=leaver).exists() and not Wishes.objects.filter(member=leaver).exists()
