"""Volunteer time in her GDPR export and erasure, and the demo shelter's kinds and entries."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from members.demo import seed as seed_demo_shelter
from members.gdpr import member_erase, member_export
from members.models import MemberStatus
from timelog import demo
from timelog.models import TimeEntry, TimeEntryStatus, TimeKind
from timelog.selectors import her_year
from timelog.services import time_entry_approve, time_entry_log, time_entry_return

from .factories import TimeEntryFactory, TimeKindFactory

pytestmark = pytest.mark.django_db


def test_her_export_lists_her_entries_with_the_reason(organisation, volunteer, coordinator):
    kind = TimeKindFactory(organisation=organisation, name="Styrelsearbete")
    approved = TimeEntryFactory(member=volunteer, kind=kind, hours=Decimal("1.5"))
    time_entry_approve(entry=approved, by=coordinator)
    returned = TimeEntryFactory(member=volunteer, kind=kind)
    time_entry_return(entry=returned, by=coordinator, reason="Fel datum")
    TimeEntryFactory(member=coordinator, kind=kind)  # someone else's

    section = member_export(volunteer)["timelog"]

    assert [(row["kind_of_time"], row["hours"], row["approval"], row["return_reason"]) for row in section] == [
        ("Styrelsearbete", 1.5, "approved", ""),
        ("Styrelsearbete", 2.0, "returned", "Fel datum"),
    ]
    assert all(row["decided_at"] and row["logged_at"] and row["date"] for row in section)
    assert "decided_by" not in section[0]


def test_her_data_page_shows_her_time(client, organisation, volunteer):
    from django.urls import reverse

    from tests.conftest import log_in

    TimeEntryFactory(member=volunteer, kind=TimeKindFactory(organisation=organisation, name="Utbildning"))
    page = log_in(client, volunteer).get(reverse("members:my_data", kwargs={"organisation": organisation.slug}))
    assert page.status_code == 200
    assert "Utbildning" in page.content.decode()


def test_erasure_keeps_approved_hours_anonymously_and_removes_the_rest(organisation, volunteer, coordinator):
    kind = TimeKindFactory(organisation=organisation)
    approved = TimeEntryFactory(member=volunteer, kind=kind, hours=Decimal("3"))
    time_entry_approve(entry=approved, by=coordinator)
    returned = TimeEntryFactory(member=volunteer, kind=kind)
    time_entry_return(entry=returned, by=coordinator, reason="Fel datum")
    TimeEntryFactory(member=volunteer, kind=kind)
    ids = [str(pk) for pk in TimeEntry.objects.filter(member=volunteer).values_list("pk", flat=True)]
    volunteer.status = MemberStatus.LEFT
    volunteer.save()

    member_erase(member=volunteer, by=coordinator)

    kept = TimeEntry.objects.get()
    assert (kept.pk, kept.hours, kept.status, kept.return_reason) == (approved.pk, 3, TimeEntryStatus.APPROVED, "")
    assert kept.member.first_name == "Raderad" and kept.member.erased_at is not None
    # The shelter's approved hours of the kind still count; nothing of her own history of changes stays.
    assert TimeEntry.objects.approved().filter(kind=kind).count() == 1
    content_type = ContentType.objects.get_for_model(TimeEntry)
    assert not LogEntry.objects.filter(content_type=content_type, object_pk__in=ids).exists()
    assert "Fel datum" not in str(list(LogEntry.objects.values_list("changes", flat=True)))


def test_logged_time_is_in_the_audit_trail_with_who_decided(organisation, volunteer, coordinator):
    kind = TimeKindFactory(organisation=organisation)
    from datetime import timedelta

    from django.utils import timezone

    entry = time_entry_log(member=volunteer, kind=kind, day=timezone.localdate() - timedelta(days=1), hours="2")
    time_entry_approve(entry=entry, by=coordinator)
    entries = LogEntry.objects.get_for_object(entry)
    assert entries.count() == 2
    assert "approved" in str(entries.first().changes)


def test_the_demo_shelter_gets_four_kinds_and_entries_in_each_status():
    organisation = seed_demo_shelter()
    demo.seed(organisation)
    demo.seed(organisation)  # again: nothing twice

    assert list(TimeKind.objects.for_organisation(organisation).values_list("name", flat=True)) == demo.KINDS
    statuses = list(TimeEntry.objects.for_organisation(organisation).values_list("status", flat=True))
    assert len(statuses) == len(demo.ENTRIES)
    assert set(statuses) == {"approved", "submitted", "returned"}
    anna = TimeEntry.objects.for_organisation(organisation).filter(member__email="anna@demo.jourplan.test")
    assert her_year(anna.first().member).other_hours in (Decimal("3"), Decimal("0"))  # 0 when it fell last year
