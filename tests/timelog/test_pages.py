"""The volunteer-time pages: her "My time" (log, see the status and a returned entry's reason, her year's hours
with her shifts counted by themselves), the coordinators' queue (approve ticked, return one with a reason, filter by
kind and month) and the kinds. Bad input shows a message and saves nothing; another's entry is a 404."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Role
from tests.conftest import log_in
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory
from timelog.models import TimeEntry, TimeEntryStatus, TimeKind
from timelog.panels import entries_waiting
from timelog.services import entry_version

from .factories import TimeEntryFactory, TimeKindFactory

pytestmark = pytest.mark.django_db


def url(name, organisation, **kwargs):
    return reverse(f"timelog:{name}", kwargs={"organisation": organisation.slug, **kwargs})


@pytest.fixture
def kind(organisation):
    return TimeKindFactory(organisation=organisation, name="Förebyggande samtal")


def yesterday():
    return timezone.localdate() - timedelta(days=1)


# --- Her page -----------------------------------------------------------------------------------------------------


def test_she_logs_time_on_her_page_and_sees_it_waiting(client, organisation, volunteer, kind):
    log_in(client, volunteer)
    page = client.get(url("mine", organisation))
    assert page.status_code == 200
    assert b'data-testid="time-privacy"' in page.content
    # Nothing in the form asks for a name, a case or free text: a kind, a date and hours.
    form = page.context["form"]
    assert list(form.fields) == ["kind", "day", "hours"]

    response = client.post(url("mine", organisation), {"kind": kind.pk, "day": yesterday().isoformat(), "hours": "2,5"})

    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.member, entry.kind, entry.hours, entry.status) == (volunteer, kind, Decimal("2.5"), "submitted")
    page = client.get(url("mine", organisation))
    assert f'id="time-entry-{entry.pk}"'.encode() in page.content
    assert page.context["year"].waiting_hours == Decimal("2.5")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hours", "abc"),
        ("hours", "-1"),
        ("hours", "25"),
        ("hours", "1.1"),
        ("hours", ""),
        ("day", "tomorrow"),
        ("day", "2026-02-30"),
        ("day", "99999-01-01"),
        ("kind", "abc"),
        ("kind", "99999999999999999999999"),
        ("kind", "-1"),
        ("kind", ""),
    ],
)
def test_bad_input_shows_a_message_and_saves_nothing(client, organisation, volunteer, kind, field, value):
    log_in(client, volunteer)
    data = {"kind": kind.pk, "day": yesterday().isoformat(), "hours": "2", field: value}
    if value == "tomorrow":
        data["day"] = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client.post(url("mine", organisation), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"'.encode() in response.content
    assert not TimeEntry.objects.exists()


def test_another_shelters_kind_is_refused_on_her_page(client, organisation, volunteer, other_organisation):
    foreign = TimeKindFactory(organisation=other_organisation)
    log_in(client, volunteer)
    response = client.post(
        url("mine", organisation), {"kind": foreign.pk, "day": yesterday().isoformat(), "hours": "1"}
    )
    assert response.status_code == 200 and response.context["form"].errors["kind"]
    assert not TimeEntry.objects.exists()


def test_the_24_hour_day_is_refused_on_her_page(client, organisation, volunteer, kind):
    TimeEntryFactory(member=volunteer, kind=kind, day=yesterday(), hours=Decimal("23"))
    log_in(client, volunteer)
    response = client.post(url("mine", organisation), {"kind": kind.pk, "day": yesterday().isoformat(), "hours": "2"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert TimeEntry.objects.count() == 1


def test_she_sees_the_reason_of_returned_time_and_changes_it(client, organisation, volunteer, coordinator, kind):
    entry = TimeEntryFactory(member=volunteer, kind=kind)
    log_in(client, coordinator)
    client.post(url("return", organisation, pk=entry.pk), {"reason": "Fel datum?", "version": entry_version(entry)})
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.RETURNED

    log_in(client, volunteer)
    page = client.get(url("mine", organisation)).content.decode()
    assert "Fel datum?" in page
    assert url("change", organisation, pk=entry.pk) in page

    change = client.get(url("change", organisation, pk=entry.pk))
    assert "Fel datum?" in change.content.decode()
    response = client.post(
        url("change", organisation, pk=entry.pk), {"kind": kind.pk, "day": yesterday().isoformat(), "hours": "1"}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.day, entry.return_reason) == ("submitted", yesterday(), "")


def test_she_takes_back_her_entry(client, organisation, volunteer, kind):
    entry = TimeEntryFactory(member=volunteer, kind=kind)
    log_in(client, volunteer)
    assert client.post(url("withdraw", organisation, pk=entry.pk)).status_code == 302
    assert not TimeEntry.objects.exists()


def test_approved_time_has_no_change_page(client, organisation, volunteer, kind):
    entry = TimeEntryFactory(member=volunteer, kind=kind, status=TimeEntryStatus.APPROVED)
    log_in(client, volunteer)
    assert client.get(url("change", organisation, pk=entry.pk)).status_code == 302
    client.post(url("withdraw", organisation, pk=entry.pk))
    assert TimeEntry.objects.filter(pk=entry.pk, status="approved").exists()


@pytest.mark.parametrize("name", ["change", "withdraw"])
def test_a_colleagues_entry_and_ids_that_name_no_row_are_404(client, organisation, volunteer, kind, name):
    colleague_entry = TimeEntryFactory(member=MemberFactory(organisation=organisation), kind=kind)
    log_in(client, volunteer)
    method = client.get if name == "change" else client.post
    for pk in (colleague_entry.pk, 10**30, 2**63):
        assert method(url(name, organisation, pk=pk)).status_code == 404
    assert TimeEntry.objects.filter(pk=colleague_entry.pk).exists()


def test_her_year_counts_completed_shifts_and_approved_time(client, organisation, volunteer, kind):
    now = timezone.now()
    line = LineFactory(organisation=organisation)
    local_year_start = datetime(timezone.localdate().year, 1, 1, tzinfo=organisation.zone)
    start = max(now - timedelta(days=2), local_year_start.astimezone(UTC) + timedelta(hours=1))
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=start, ends_at=start + timedelta(hours=3)), member=volunteer
    )
    ahead = now + timedelta(days=2)
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=ahead, ends_at=ahead + timedelta(hours=3)), member=volunteer
    )
    day = max(timezone.localdate() - timedelta(days=1), local_year_start.date())
    TimeEntryFactory(member=volunteer, kind=kind, day=day, hours=Decimal("2.5"), status=TimeEntryStatus.APPROVED)
    TimeEntryFactory(member=volunteer, kind=kind, day=day, hours=Decimal("1"), status=TimeEntryStatus.RETURNED)
    TimeEntryFactory(member=volunteer, kind=kind, day=day, hours=Decimal("4"))

    log_in(client, volunteer)
    year = client.get(url("mine", organisation)).context["year"]

    assert (year.shifts, year.shift_hours) == (1, Decimal("3.0"))
    assert [(row.name, row.hours) for row in year.by_kind] == [("Förebyggande samtal", Decimal("2.5"))]
    assert (year.total_hours, year.waiting_hours) == (Decimal("5.5"), Decimal("4"))


def test_her_page_reads_the_same_number_of_queries_with_more_entries(client, organisation, volunteer, kind):
    log_in(client, volunteer)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("mine", organisation)).status_code == 200
        return len(captured)

    TimeEntryFactory.create_batch(2, member=volunteer, kind=kind)
    count()  # the first request warms the session and the menu's caches
    few = count()
    TimeEntryFactory.create_batch(40, member=volunteer, kind=kind, status=TimeEntryStatus.APPROVED)
    assert count() == few


# --- The queue ----------------------------------------------------------------------------------------------------


def test_a_volunteer_cannot_reach_the_queue_or_decide(client, organisation, volunteer, kind):
    entry = TimeEntryFactory(member=MemberFactory(organisation=organisation), kind=kind)
    log_in(client, volunteer)
    assert client.get(url("queue", organisation)).status_code == 403
    assert client.post(url("approve", organisation), {"entries": [entry_version(entry)]}).status_code == 403
    assert client.post(url("return", organisation, pk=entry.pk), {"reason": "x"}).status_code == 403
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED


def test_another_shelters_coordinator_gets_404_everywhere(client, organisation, other_shelter_coordinator, kind):
    entry = TimeEntryFactory(member=MemberFactory(organisation=organisation), kind=kind)
    log_in(client, other_shelter_coordinator)
    own = {"organisation": organisation.slug}
    for name, kwargs in [
        ("mine", {}),
        ("change", {"pk": entry.pk}),
        ("queue", {}),
        ("kinds", {}),
    ]:
        assert client.get(reverse(f"timelog:{name}", kwargs={**own, **kwargs})).status_code == 404
    for name, kwargs in [
        ("withdraw", {"pk": entry.pk}),
        ("approve", {}),
        ("return", {"pk": entry.pk}),
        ("kind_rename", {"pk": kind.pk}),
        ("kind_active", {"pk": kind.pk}),
        ("kind_delete", {"pk": kind.pk}),
    ]:
        assert client.post(reverse(f"timelog:{name}", kwargs={**own, **kwargs}), {"name": "X"}).status_code == 404
    # Through her own shelter's address, the other shelter's entry and kind do not exist either.
    theirs = {"organisation": other_shelter_coordinator.organisation.slug}
    assert client.post(reverse("timelog:return", kwargs={**theirs, "pk": entry.pk}), {"reason": "x"}).status_code == 404
    assert client.post(reverse("timelog:kind_delete", kwargs={**theirs, "pk": kind.pk})).status_code == 404
    client.post(reverse("timelog:approve", kwargs=theirs), {"entries": [entry_version(entry)]})
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED and TimeKind.objects.filter(pk=kind.pk, name=kind.name).exists()


def test_the_coordinator_approves_ticked_time(client, organisation, coordinator, kind):
    entries = TimeEntryFactory.create_batch(3, member=MemberFactory(organisation=organisation), kind=kind)
    log_in(client, coordinator)
    page = client.get(url("queue", organisation))
    versions = [row.version for row in page.context["rows"]]
    assert len(versions) == 3

    response = client.post(url("approve", organisation), {"entries": versions[:2]}, HTTP_HX_REQUEST="true")

    assert response.status_code == 302
    assert [e.status for e in TimeEntry.objects.order_by("day", "pk")] == ["approved", "approved", "submitted"]
    assert {e.decided_by_id for e in TimeEntry.objects.filter(status="approved")} == {coordinator.pk}
    assert entries


def test_approve_all_shown(client, organisation, coordinator, kind):
    TimeEntryFactory.create_batch(3, member=MemberFactory(organisation=organisation), kind=kind)
    log_in(client, coordinator)
    versions = [row.version for row in client.get(url("queue", organisation)).context["rows"]]
    client.post(url("approve", organisation), {"shown": versions, "scope": "shown"})
    assert set(TimeEntry.objects.values_list("status", flat=True)) == {"approved"}


def test_approving_nothing_or_garbage_changes_nothing(client, organisation, coordinator, kind):
    entry = TimeEntryFactory(member=MemberFactory(organisation=organisation), kind=kind)
    log_in(client, coordinator)
    for data in ({}, {"entries": ["abc", "-1", "99999999999999999999999-1", f"{entry.pk}-0"]}):
        assert client.post(url("approve", organisation), data).status_code == 302
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED


def test_a_return_without_a_reason_changes_nothing(client, organisation, coordinator, kind):
    entry = TimeEntryFactory(member=MemberFactory(organisation=organisation), kind=kind)
    log_in(client, coordinator)
    for reason in ("", "   ", "rad\nrad", "x" * 300):
        response = client.post(url("return", organisation, pk=entry.pk), {"reason": reason}, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    entry.refresh_from_db()
    assert entry.status == TimeEntryStatus.SUBMITTED


def test_the_queue_has_neither_her_own_time_nor_an_admins(client, organisation, coordinator, admin_member, kind):
    mine = TimeEntryFactory(member=coordinator, kind=kind)
    admins = TimeEntryFactory(member=admin_member, kind=kind)
    colleague = TimeEntryFactory(member=MemberFactory(organisation=organisation, role=Role.COORDINATOR), kind=kind)
    log_in(client, coordinator)
    assert [row.entry for row in client.get(url("queue", organisation)).context["rows"]] == [colleague]
    client.post(url("approve", organisation), {"entries": [entry_version(mine), entry_version(admins)]})
    assert TimeEntry.objects.get(pk=mine.pk).status == TimeEntryStatus.SUBMITTED
    assert TimeEntry.objects.get(pk=admins.pk).status == TimeEntryStatus.SUBMITTED

    log_in(client, admin_member)
    assert {row.entry for row in client.get(url("queue", organisation)).context["rows"]} == {mine, colleague}


def test_the_queue_filters_by_kind_and_month(client, organisation, coordinator, kind):
    other_kind = TimeKindFactory(organisation=organisation)
    member = MemberFactory(organisation=organisation)
    today = timezone.localdate()
    last_month = today.replace(day=1) - timedelta(days=1)
    this = TimeEntryFactory(member=member, kind=kind, day=today)
    TimeEntryFactory(member=member, kind=other_kind, day=today)
    earlier = TimeEntryFactory(member=member, kind=kind, day=last_month)
    log_in(client, coordinator)

    def shown(query):
        return [row.entry for row in client.get(url("queue", organisation) + query).context["rows"]]

    assert shown(f"?kind={kind.pk}") == [earlier, this]
    assert shown(f"?kind={kind.pk}&month={today:%Y-%m}") == [this]
    assert len(shown("?kind=abc&month=2026-13")) == 3  # bad filters are no filters
    assert len(shown("?kind=99999999999999999999999&month=99999-01")) == 3


def test_the_queue_reads_the_same_number_of_queries_at_5_and_200_entries(client, organisation, coordinator, kind):
    members = MemberFactory.create_batch(5, organisation=organisation)
    log_in(client, coordinator)

    def count_at(size: int) -> int:
        TimeEntry.objects.all().delete()
        TimeEntry.objects.bulk_create(
            TimeEntry(member=members[i % 5], kind=kind, day=yesterday(), hours=Decimal("0.25")) for i in range(size)
        )
        client.get(url("queue", organisation))  # the first request warms the session and the menu's caches
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url("queue", organisation))
        assert page.status_code == 200 and page.context["page"].paginator.count == size
        return len(captured)

    few, many = count_at(5), count_at(200)
    print(f"queue queries: 5 entries {few}, 200 entries {many}")
    assert few == many


def test_the_panel_counts_what_she_may_decide_in_fixed_queries(organisation, coordinator, volunteer, kind):
    assert entries_waiting(organisation, volunteer, timezone.now()) is None
    assert entries_waiting(organisation, coordinator, timezone.now()).count == 0

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            panel = entries_waiting(organisation, coordinator, timezone.now())
        return panel.count, len(captured)

    TimeEntryFactory.create_batch(3, member=volunteer, kind=kind)
    TimeEntryFactory(member=coordinator, kind=kind)  # her own: not hers to decide
    few, few_queries = queries()
    TimeEntryFactory.create_batch(30, member=volunteer, kind=TimeKindFactory(organisation=organisation))
    many, many_queries = queries()
    assert (few, many) == (3, 33) and few_queries == many_queries == 2


# --- Kinds --------------------------------------------------------------------------------------------------------


def test_a_coordinator_keeps_the_kinds(client, organisation, coordinator, volunteer, kind):
    log_in(client, coordinator)
    assert client.post(url("kinds", organisation), {"name": "  Styrelsearbete "}).status_code == 302
    added = TimeKind.objects.get(name="Styrelsearbete")
    client.post(url("kind_rename", organisation, pk=added.pk), {"name": "Styrelse"})
    added.refresh_from_db()
    assert added.name == "Styrelse"

    TimeEntryFactory(member=volunteer, kind=kind)
    client.post(url("kind_delete", organisation, pk=kind.pk))
    assert TimeKind.objects.filter(pk=kind.pk).exists()  # in use: only deactivated
    client.post(url("kind_active", organisation, pk=kind.pk), {"active": "0"})
    kind.refresh_from_db()
    assert not kind.active
    client.post(url("kind_active", organisation, pk=kind.pk), {"active": "1"})
    kind.refresh_from_db()
    assert kind.active
    client.post(url("kind_delete", organisation, pk=added.pk))
    assert not TimeKind.objects.filter(pk=added.pk).exists()


@pytest.mark.parametrize("name", ["", "   ", "två\nrader", "x" * 101, "förebyggande SAMTAL"])
def test_a_bad_or_taken_kind_name_is_refused(client, organisation, coordinator, kind, name):
    log_in(client, coordinator)
    response = client.post(url("kinds", organisation), {"name": name})
    assert response.status_code == 200 and response.context["form"].errors["name"]
    other = TimeKindFactory(organisation=organisation, name="Utbildning")
    client.post(url("kind_rename", organisation, pk=other.pk), {"name": name})
    assert sorted(TimeKind.objects.values_list("name", flat=True)) == ["Förebyggande samtal", "Utbildning"]


def test_the_log_form_offers_only_kinds_in_use(client, organisation, volunteer, kind):
    TimeKindFactory(organisation=organisation, name="Gammal", active=False)
    log_in(client, volunteer)
    choices = [label for _value, label in client.get(url("mine", organisation)).context["form"].fields["kind"].choices]
    assert "Gammal" not in choices and "Förebyggande samtal" in choices


def test_the_start_page_shows_the_panel_to_a_coordinator_not_to_a_volunteer(
    client, organisation, coordinator, volunteer
):
    kind = TimeKindFactory(organisation=organisation)
    TimeEntryFactory(member=volunteer, kind=kind)
    portal = reverse("members:portal", kwargs={"organisation": organisation.slug})
    page = log_in(client, coordinator).get(portal).content.decode()
    assert 'id="panel-time-waiting"' in page and f"{url('queue', organisation)}?kind={kind.pk}" in page
    assert 'id="panel-time-waiting"' not in log_in(client, volunteer).get(portal).content.decode()
