"""The report page, its CSV and XLSX (through the one export writer) and its PDF; the period in the query string."""

import csv
import io
import re
import zlib

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from reports.periods import MAX_MONTHS
from tests.conftest import log_in
from tests.factories import AssignmentFactory, LineFactory, MemberFactory, ShiftFactory

from .factories import ReportTimeEntryFactory
from .scenarios import local, seed_march

pytestmark = pytest.mark.django_db
MARCH_QUERY = "?from=2026-03&to=2026-03"


def url(name, organisation):
    return reverse(name, kwargs={"organisation": organisation.slug})


@pytest.fixture
def seeded(organisation):
    return seed_march(organisation)


def export_entries(what):
    return [entry for entry in LogEntry.objects.all() if (entry.additional_data or {}).get("export") == what]


def test_the_page_shows_the_months_tables_totals_and_an_accessible_chart(client, organisation, coordinator, seeded):
    response = log_in(client, coordinator).get(url("reports:report", organisation) + MARCH_QUERY)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.hours_total.total == 16.75 and report.active_volunteers.total == 4
    page = response.content.decode()
    for table in ("hours", "opening", "people"):
        assert f'data-testid="report-table-{table}"' in page
    assert "16,75" in page  # the Swedish decimal comma
    chart = re.search(r"<svg[^>]*data-testid=\"hours-chart\".*?</svg>", page, re.S).group(0)
    assert 'role="img"' in chart and "<title id=" in chart and "<desc id=" in chart
    assert "style=" not in chart and "<script" not in page.split("</header>")[1]
    # The downloads carry the same period.
    assert "report.pdf?from=2026-03&amp;to=2026-03" in page


def test_an_admin_sees_the_report_too(client, organisation, admin_member, seeded):
    assert log_in(client, admin_member).get(url("reports:report", organisation)).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=&to=",
        "?from=2026-13&to=2026-03",
        "?from=abc&to=2026-03",
        "?from=²⁰²⁶-03&to=2026-03",
        "?from=99999-01&to=2026-03",
        "?from=2026-03",
        "?period=nonsense",
        "?period=last_year&from=2001-01&to=2009-01",
        "?from=2026-03-01&to=2026-03-31",
        "?from=%00&to=%ff",
    ],
)
def test_an_unreadable_period_shows_last_year(client, organisation, coordinator, query):
    response = log_in(client, coordinator).get(url("reports:report", organisation) + query)
    assert response.status_code == 200
    period = response.context["period"]
    last = timezone.localdate().year - 1
    assert (period.first.year, period.first.month, period.last.year, period.last.month) == (last, 1, last, 12)


def test_this_year_so_far(client, organisation, coordinator):
    response = log_in(client, coordinator).get(url("reports:report", organisation) + "?period=this_year")
    today = timezone.localdate()
    assert response.status_code == 200
    assert response.context["period"].months[-1] == today.replace(day=1)
    assert response.context["period"].first == today.replace(month=1, day=1)


@pytest.mark.parametrize("name", ["reports:report", "reports:report_csv", "reports:report_xlsx", "reports:report_pdf"])
def test_more_than_24_months_is_refused_with_a_message(client, organisation, coordinator, name):
    response = log_in(client, coordinator).get(url(name, organisation) + "?from=2024-01&to=2026-01")
    assert response.status_code == 400
    with translation.override("sv"):
        message = gettext("A report covers at most %(months)s months. Choose a shorter period.") % {
            "months": MAX_MONTHS
        }
    assert message in response.content.decode()
    assert not export_entries("report_csv") and not export_entries("report_pdf")


def test_exactly_24_months_is_a_report(client, organisation, coordinator):
    response = log_in(client, coordinator).get(url("reports:report", organisation) + "?from=2024-02&to=2026-01")
    assert response.status_code == 200 and len(response.context["report"].months) == MAX_MONTHS


def test_a_period_that_ends_before_it_starts_is_refused(client, organisation, coordinator):
    response = log_in(client, coordinator).get(url("reports:report", organisation) + "?from=2026-05&to=2026-03")
    assert response.status_code == 400 and response.context["report"] is None


def test_the_csv_goes_through_the_export_writer(client, organisation, coordinator, seeded):
    seeded.phone.name = '=HYPERLINK("https://example.org","klicka")'
    seeded.phone.save()
    response = log_in(client, coordinator).get(url("reports:report_csv", organisation) + MARCH_QUERY)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][2:] == ["2026-03", rows[0][-1]] and len(rows[0]) == 4
    line_rows = [row for row in rows if "HYPERLINK" in row[1]]
    assert line_rows and all(row[1].startswith("'=") for row in line_rows)  # neutralised, not a formula
    assert [row for row in rows if row[1] == "Chatt"][0][1:] == ["Chatt", "4.00", "4.00"]
    [entry] = export_entries("report_csv")
    assert entry.actor == coordinator.user and entry.additional_data["by_member"] == coordinator.pk


def test_the_xlsx_has_the_same_rows_neutralised_with_numbers_as_numbers(client, organisation, coordinator, seeded):
    seeded.chat.name = "@SUM(A1)"
    seeded.chat.save()
    log_in(client, coordinator)
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get(url("reports:report_csv", organisation) + MARCH_QUERY).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    response = client.get(url("reports:report_xlsx", organisation) + MARCH_QUERY)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(rows) == len(csv_rows)
    assert [row[1] for row in rows] == [row[1] for row in csv_rows]
    chat = [row for row in rows if str(row[1]).endswith("SUM(A1)")][0]
    assert chat[1] == "'@SUM(A1)" and isinstance(chat[2], int | float) and chat[2] == 4
    assert len(export_entries("report_xlsx")) == 1


def pdf_text(content: bytes) -> bytes:
    """The PDF's streams, inflated: WeasyPrint keeps the document's title (the shelter's name) in one of them."""
    chunks = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(chunks)


def test_the_pdf_is_a_real_pdf_with_the_shelters_name(client, organisation, coordinator, seeded):
    response = log_in(client, coordinator).get(url("reports:report_pdf", organisation) + MARCH_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF-")
    assert organisation.name.encode() in pdf_text(response.content)
    assert 'filename="rapport-2026-03.pdf"' in response["Content-Disposition"]
    assert len(export_entries("report_pdf")) == 1


def seed_more(organisation, n: int) -> None:
    """n more volunteers, each with two completed shifts on a new line and approved time, in March 2026."""
    for index in range(n):
        line = LineFactory(organisation=organisation, name=f"Linje extra {index}")
        member = MemberFactory(organisation=organisation)
        for day in (16, 17):
            AssignmentFactory(
                shift=ShiftFactory(line=line, starts_at=local(2026, 3, day, 10 + index % 8, 0)), member=member
            )
        ReportTimeEntryFactory(member=member, day=local(2026, 3, 18, 12, 0).date())


@pytest.mark.parametrize("name", ["reports:report", "reports:report_csv", "reports:report_xlsx", "reports:report_pdf"])
def test_query_counts_do_not_grow_with_shifts_and_members(client, organisation, coordinator, seeded, name):
    log_in(client, coordinator)
    client.get(url(name, organisation) + MARCH_QUERY)  # warm the session and the per-process caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(name, organisation) + MARCH_QUERY).status_code == 200
        return len(captured)

    small = queries()
    seed_more(organisation, 12)
    large = queries()
    assert small == large, (small, large)
    assert large <= 12  # session, login, membership, the eight reads of reports.figures, the audit entry


REPORT_URLS = ["reports:report", "reports:report_csv", "reports:report_xlsx", "reports:report_pdf", "reports:share"]


@pytest.mark.parametrize("name", REPORT_URLS)
def test_a_volunteer_and_another_shelters_coordinator_get_404(
    client, organisation, volunteer, other_shelter_coordinator, name
):
    for member in (volunteer, other_shelter_coordinator):
        client.logout()
        log_in(client, member)
        assert client.get(url(name, organisation) + MARCH_QUERY).status_code == 404
        assert client.post(url(name, organisation)).status_code in (404, 405)
