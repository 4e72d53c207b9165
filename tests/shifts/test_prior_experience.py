"""Prior experience (issue 19, point 3): shifts she worked before the shelter used Jourplan count toward the
experience rule; a coordinator records them on a page of hers, the member import takes them, and they are in her
GDPR export and erased with her."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.imports import MEMBERS, ImportRefused, import_confirm, import_preview
from members.models import Member, Role
from members.rank import RankRefused
from shifts import rules
from shifts.experience import PRIOR_SHIFTS_IMPORT, prior_shifts_record
from shifts.models import PriorShifts, Shift
from shifts.rules import Code, SignupFacts
from tests.conftest import log_in
from tests.factories import NOW, AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def facts_for(shift, member) -> SignupFacts:
    shift = Shift.objects.select_related("line__organisation").get(pk=shift.pk)
    return SignupFacts.for_shift(shift, member, now=NOW)


def last_place_codes(shift, member) -> list[Code]:
    return rules.codes(rules.last_place_for_experienced(facts_for(shift, member)))


@pytest.fixture
def line(organisation):
    return LineFactory(organisation=organisation, needs_experienced=True, experienced_after_shifts=10, max_volunteers=2)


@pytest.fixture
def last_place(organisation, line):
    """A shift with one novice on it: the remaining place is the last."""
    shift = ShiftFactory(line=line)
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    return shift


# -- the experience rule ----------------------------------------------------------------------------


def test_veteran_with_40_prior_shifts_takes_the_last_place_on_day_one(last_place, volunteer):
    assert last_place_codes(last_place, volunteer) == [Code.LAST_PLACE_FOR_EXPERIENCED]
    PriorShifts.objects.create(member=volunteer, line=None, count=40, as_of=date(2026, 1, 1))
    assert last_place_codes(last_place, volunteer) == []


def test_prior_shifts_on_another_line_do_not_count(organisation, line, last_place, volunteer):
    chat = LineFactory(organisation=organisation, name="Chatt")
    PriorShifts.objects.create(member=volunteer, line=chat, count=40, as_of=date(2026, 1, 1))
    assert last_place_codes(last_place, volunteer) == [Code.LAST_PLACE_FOR_EXPERIENCED]
    PriorShifts.objects.create(member=volunteer, line=line, count=10, as_of=date(2026, 1, 1))
    assert last_place_codes(last_place, volunteer) == []


def test_prior_shifts_add_to_the_shifts_done_in_jourplan(organisation, line, last_place, volunteer):
    from tests.shifts.scenarios import past_shifts

    past_shifts(line, volunteer, 4)
    PriorShifts.objects.create(member=volunteer, line=None, count=3, as_of=date(2026, 1, 1))
    PriorShifts.objects.create(member=volunteer, line=line, count=2, as_of=date(2026, 1, 1))
    assert last_place_codes(last_place, volunteer) == [Code.LAST_PLACE_FOR_EXPERIENCED]  # 4 + 3 + 2 = 9 < 10
    PriorShifts.objects.filter(member=volunteer, line=line).update(count=3)
    assert last_place_codes(last_place, volunteer) == []  # 10


def test_a_veteran_on_the_shift_makes_room_for_a_shadow(organisation, line, volunteer):
    shift = ShiftFactory(line=line, max_volunteers=3)
    veteran = MemberFactory(organisation=organisation)
    AssignmentFactory(shift=shift, member=veteran)
    assert rules.codes(rules.experienced_to_sit_beside(facts_for(shift, volunteer))) == [Code.NO_EXPERIENCED_VOLUNTEER]
    PriorShifts.objects.create(member=veteran, line=None, count=40, as_of=date(2026, 1, 1))
    assert rules.codes(rules.experienced_to_sit_beside(facts_for(shift, volunteer))) == []


def _page_of_shifts(organisation, line, n):
    shifts = []
    for day in range(n):
        shift = ShiftFactory(line=line, starts_at=NOW + timedelta(days=day + 1))
        other = MemberFactory(organisation=organisation)
        AssignmentFactory(shift=shift, member=other)
        PriorShifts.objects.create(member=other, line=line if day % 2 else None, count=day, as_of=date(2026, 1, 1))
        shifts.append(shift)
    return list(Shift.objects.select_related("line__organisation").filter(pk__in=[s.pk for s in shifts]))


def test_the_bulk_loader_reads_prior_shifts_in_a_fixed_number_of_queries(organisation, line, volunteer):
    PriorShifts.objects.create(member=volunteer, line=None, count=40, as_of=date(2026, 1, 1))
    counts = []
    for n in (2, 8):
        shifts = _page_of_shifts(organisation, line, n)
        with CaptureQueriesContext(connection) as queries:
            facts = SignupFacts.for_shifts(shifts, volunteer, now=NOW)
        counts.append(len(queries))
        assert all(each.experienced for each in facts.values())
    assert counts[0] == counts[1]


def test_the_prior_shifts_cost_no_query_of_their_own(organisation, line, volunteer):
    shift = ShiftFactory(line=line)
    with CaptureQueriesContext(connection) as without:
        facts_for(shift, volunteer)
    PriorShifts.objects.create(member=volunteer, line=None, count=40, as_of=date(2026, 1, 1))
    with CaptureQueriesContext(connection) as with_prior:
        assert facts_for(shift, volunteer).experienced
    assert len(with_prior) == len(without)


# -- the coordinator's page ---------------------------------------------------------------------------


def page_url(organisation, member):
    return reverse("shifts:member_experience", kwargs={"organisation": organisation.slug, "pk": member.pk})


def test_a_coordinator_records_prior_shifts_and_sees_them(
    coordinator_client, organisation, line, coordinator, volunteer
):
    detail = coordinator_client.get(
        reverse("members:member_detail", kwargs={"organisation": organisation.slug, "pk": volunteer.pk})
    )
    assert page_url(organisation, volunteer) in detail.content.decode()  # linked from her page
    answer = coordinator_client.post(
        page_url(organisation, volunteer), {"line": "", "count": "40", "as_of": "2025-12-31"}
    )
    assert answer.status_code == 302
    row = PriorShifts.objects.get(member=volunteer)
    assert (row.line, row.count, row.as_of, row.recorded_by) == (None, 40, date(2025, 12, 31), coordinator)
    # The same line again replaces it; another line is a row of its own.
    coordinator_client.post(page_url(organisation, volunteer), {"line": "", "count": "45", "as_of": "2026-01-31"})
    coordinator_client.post(page_url(organisation, volunteer), {"line": line.pk, "count": "7", "as_of": "2026-01-31"})
    assert set(PriorShifts.objects.values_list("line", "count")) == {(None, 45), (line.pk, 7)}
    page = coordinator_client.get(page_url(organisation, volunteer)).content.decode()
    assert ">45<" in page and ">7<" in page and line.name in page and coordinator.first_name in page
    # 0 removes the row for that line.
    coordinator_client.post(page_url(organisation, volunteer), {"line": line.pk, "count": "0", "as_of": "2026-01-31"})
    assert list(PriorShifts.objects.values_list("line", "count")) == [(None, 45)]


def test_recording_is_audited_and_on_the_admins_trail(coordinator_client, organisation, volunteer):
    from auditlog.models import LogEntry

    coordinator_client.post(page_url(organisation, volunteer), {"line": "", "count": "12", "as_of": "2025-12-31"})
    entry = LogEntry.objects.get_for_model(PriorShifts).get()
    assert entry.action == LogEntry.Action.CREATE and entry.changes_dict["count"] == ["None", "12"]


@pytest.mark.parametrize(
    "posted",
    [
        {"line": "", "count": "-1", "as_of": "2025-12-31"},
        {"line": "", "count": "10001", "as_of": "2025-12-31"},
        {"line": "", "count": "tio", "as_of": "2025-12-31"},
        {"line": "", "count": "10", "as_of": "2099-01-01"},  # the future
        {"line": "", "count": "10", "as_of": "igår"},
        {"line": "999999999", "count": "10", "as_of": "2025-12-31"},
        {"line": "x", "count": "10", "as_of": "2025-12-31"},
    ],
)
def test_a_bad_form_is_shown_again_and_records_nothing(coordinator_client, organisation, volunteer, posted):
    answer = coordinator_client.post(page_url(organisation, volunteer), posted)
    assert answer.status_code == 200 and (b'class="field-error"' in answer.content or b"errorlist" in answer.content)
    assert not PriorShifts.objects.exists()


def test_a_line_of_another_shelter_is_refused(coordinator_client, organisation, other_organisation, volunteer):
    foreign = LineFactory(organisation=other_organisation)
    answer = coordinator_client.post(
        page_url(organisation, volunteer), {"line": foreign.pk, "count": "5", "as_of": "2025-12-31"}
    )
    assert answer.status_code == 200 and not PriorShifts.objects.exists()


def test_rank_volunteer_other_shelter_and_higher_roles(
    client, volunteer_client, organisation, other_organisation, volunteer, admin_member
):
    posted = {"line": "", "count": "5", "as_of": "2025-12-31"}
    assert volunteer_client.get(page_url(organisation, volunteer)).status_code == 403
    assert volunteer_client.post(page_url(organisation, volunteer), posted).status_code == 403
    stranger = MemberFactory(organisation=other_organisation)
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    coordinator_client = log_in(Client(), coordinator)
    assert coordinator_client.get(page_url(organisation, stranger)).status_code == 404
    assert coordinator_client.get(page_url(other_organisation, stranger)).status_code == 404
    # A coordinator may read, not change, another coordinator's or an admin's; an admin may.
    assert coordinator_client.get(page_url(organisation, admin_member)).status_code == 200
    assert coordinator_client.post(page_url(organisation, admin_member), posted).status_code == 403
    assert not PriorShifts.objects.exists()
    assert log_in(Client(), admin_member).post(page_url(organisation, coordinator), posted).status_code == 302
    assert PriorShifts.objects.get().member == coordinator


def test_the_service_refuses_by_rank_and_another_shelter(organisation, other_organisation, volunteer, admin_member):
    stranger = MemberFactory(organisation=other_organisation, role=Role.COORDINATOR)
    with pytest.raises(RankRefused):
        prior_shifts_record(member=volunteer, line=None, count=5, as_of=date(2025, 1, 1), by=stranger)
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    with pytest.raises(RankRefused):
        prior_shifts_record(member=admin_member, line=None, count=5, as_of=date(2025, 1, 1), by=coordinator)
    assert not PriorShifts.objects.exists()


# -- the member import ---------------------------------------------------------------------------------


def csv_bytes(rows) -> bytes:
    return ("\r\n".join(";".join(str(cell) for cell in row) for row in rows) + "\r\n").encode()


HEADER = ["Förnamn", "E-post", "Tidigare pass", "Tidigare pass till"]


def test_the_member_import_records_prior_shifts_on_any_line(organisation, admin_member, last_place):
    content = csv_bytes([HEADER, ["Åsa", "asa@example.se", "40", "2025-12-31"], ["Märta", "marta@example.se", "", ""]])
    preview = import_preview(kind=MEMBERS, organisation=organisation, content=content, by=admin_member)
    assert not preview.has_errors and not PriorShifts.objects.exists()
    import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=admin_member)
    row = PriorShifts.objects.get()
    asa = Member.objects.get(email="asa@example.se")
    assert (row.member, row.line, row.count, row.as_of, row.recorded_by) == (
        asa,
        None,
        40,
        date(2025, 12, 31),
        admin_member,
    )
    assert last_place_codes(last_place, asa) == []  # she passes the experience rule on day one
    # Imported again with another count, her any-line count is replaced; an empty cell changes nothing.
    again = csv_bytes([HEADER, ["Åsa", "asa@example.se", "45", ""], ["Märta", "marta@example.se", "", ""]])
    import_confirm(kind=MEMBERS, organisation=organisation, content=again, by=admin_member)
    assert list(PriorShifts.objects.values_list("member", "count")) == [(asa.pk, 45)]


def test_a_bad_prior_count_is_an_error_by_line_and_nothing_is_imported(organisation, admin_member):
    content = csv_bytes(
        [
            HEADER,
            ["Åsa", "asa@example.se", "40", "2025-12-31"],
            ["Märta", "marta@example.se", "många", ""],
            ["Ylva", "ylva@example.se", "-3", ""],
            ["Karin", "karin@example.se", "", "2025-01-01"],
            ["Stina", "stina@example.se", "5", "2999-01-01"],
        ]
    )
    preview = import_preview(kind=MEMBERS, organisation=organisation, content=content, by=admin_member)
    assert preview.error_lines == [3, 4, 5, 6]
    count_label, until_label = (str(column.label) for column in PRIOR_SHIFTS_IMPORT.columns)
    assert [error.column for error in preview.errors] == [count_label, count_label, count_label, until_label]
    assert "”många” är inte ett antal pass" in preview.errors[0].message
    with pytest.raises(ImportRefused):
        import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=admin_member)
    assert not PriorShifts.objects.exists() and not Member.objects.filter(email="asa@example.se").exists()


def test_a_coordinator_cannot_import_prior_shifts_for_an_admin(organisation, coordinator, admin_member):
    content = csv_bytes([HEADER, [admin_member.first_name, admin_member.email, "40", ""]])
    preview = import_preview(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert preview.error_lines == [2]
    with pytest.raises(ImportRefused):
        import_confirm(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert not PriorShifts.objects.exists()


# -- GDPR ---------------------------------------------------------------------------------------------


def test_prior_shifts_are_in_her_export_and_erased_with_her(organisation, line, admin_member, volunteer):
    from auditlog.models import LogEntry

    from members.gdpr import member_erase, member_export
    from members.models import MemberStatus

    prior_shifts_record(member=volunteer, line=None, count=40, as_of=date(2025, 12, 31), by=admin_member)
    prior_shifts_record(member=volunteer, line=line, count=3, as_of=date(2025, 12, 31), by=admin_member)
    exported = member_export(volunteer)["prior_shifts"]
    assert [(row["line"], row["shifts"], row["until"]) for row in exported] == [
        ("", 40, "2025-12-31"),
        (line.name, 3, "2025-12-31"),
    ]
    volunteer.status = MemberStatus.LEFT
    volunteer.save()
    member_erase(member=volunteer, by=admin_member)
    assert not PriorShifts.objects.exists()
    assert not LogEntry.objects.get_for_model(PriorShifts).exists()


def test_the_page_reads_her_prior_shifts_in_a_fixed_number_of_queries(coordinator_client, organisation, volunteer):
    counts = []
    for lines in (1, 6):
        for _ in range(lines):
            line = LineFactory(organisation=organisation)
            PriorShifts.objects.create(member=volunteer, line=line, count=3, as_of=date(2025, 1, 1))
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(page_url(organisation, volunteer)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
