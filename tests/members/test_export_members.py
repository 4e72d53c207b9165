"""Exporting the member list: no contact data of protected members, formulas neutralised, audited."""

import csv
import io

from auditlog.models import LogEntry
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import MemberFactory


def export(client, organisation, file_format):
    return client.get(reverse(f"members:export_members_{file_format}", kwargs={"organisation": organisation.slug}))


def make_members(organisation):
    MemberFactory(
        organisation=organisation,
        first_name="Skyddad",
        email="skyddad@example.se",
        phone="+46701112233",
        postal_address="Hemliga gatan 1",
        protected_identity=True,
        user=None,
    )
    MemberFactory(
        organisation=organisation,
        first_name='=HYPERLINK("x")',
        last_name="+1",
        email="f@example.se",
        phone="+46702223344",
        postal_address="@adress",
        user=None,
    )


def test_csv_export_hides_protected_contact_data_and_neutralises_formulas(coordinator_client, organisation):
    make_members(organisation)
    response = export(coordinator_client, organisation, "csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "skyddad@example.se" not in text and "701112233" not in text and "111 22 33" not in text
    assert "Hemliga" not in text
    rows = {row["Förnamn"]: row for row in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert rows["Skyddad"]["E-post"] == "" and rows["Skyddad"]["Telefon"] == ""
    formula = rows['\'=HYPERLINK("x")']
    assert formula["Efternamn"] == "'+1" and formula["Telefon"] == "070-222 33 44"
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor__isnull=False).exists()


def test_xlsx_export_hides_protected_contact_data_and_neutralises_formulas(admin_client_member, organisation):
    make_members(organisation)
    response = export(admin_client_member, organisation, "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    flat = " ".join(str(v) for row in values for v in row if v is not None)
    assert "skyddad@example.se" not in flat and "Hemliga" not in flat
    assert all(not str(v).startswith(("=", "+", "-", "@")) for row in values for v in row if v is not None)
    assert '\'=HYPERLINK("x")' in flat
