"""Importing members from spreadsheets: encodings, separators, XLSX, errors by line, matching by e-mail."""

import io
import os

import pytest
from openpyxl import Workbook

from members import imports
from members.imports import ImportRefused, import_confirm, import_preview
from members.models import Member, MembershipType, MemberStatus, Role
from tests.factories import MemberFactory

HEADER = ["Förnamn", "Efternamn", "E-post", "Telefon", "Språk", "Roll", "Status", "Medlem sedan", "Medlemstyp"]
ROWS = [
    ["Åsa", "Öberg", "asa@example.se", "070-123 45 67", "sv", "ideell", "aktiv", "2021-03-01", "stödjande"],
    ["Märta", "Ängström", "marta@example.se", "", "en", "samordnare", "pausad", "", ""],
]


def csv_bytes(rows, *, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shelter_admin(organisation) -> Member:
    """The member these tests import as: an admin, whom the rank rules let write every row (the rules
    themselves are tested in test_import_authority.py)."""
    return Member.objects.filter(organisation=organisation, role=Role.ADMIN).first() or MemberFactory(
        organisation=organisation, role=Role.ADMIN, user=None, email="admin@jouren.example"
    )


def preview_of(organisation, content, by=None):
    by = by or shelter_admin(organisation)
    return import_preview(kind="members", organisation=organisation, content=content, by=by)


def assert_imported(organisation):
    asa = Member.objects.get(organisation=organisation, email="asa@example.se")
    assert (asa.first_name, asa.last_name) == ("Åsa", "Öberg")
    assert str(asa.phone) == "+46701234567"
    assert asa.membership_type == MembershipType.SUPPORTING
    assert str(asa.member_since) == "2021-03-01"
    assert asa.role == Role.VOLUNTEER and asa.status == MemberStatus.ACTIVE
    marta = Member.objects.get(organisation=organisation, email="marta@example.se")
    assert (marta.first_name, marta.language, marta.role, marta.status) == ("Märta", "en", Role.COORDINATOR, "paused")
    assert marta.membership_type == MembershipType.FULL
    assert marta.status_changed_on is not None


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [
        (";", "utf-8", False),
        (";", "utf-8", True),
        (";", "cp1252", False),
        (",", "utf-8", False),
        (",", "utf-8", True),
        (",", "cp1252", False),
    ],
)
def test_csv_in_each_encoding_and_separator_is_imported(organisation, delimiter, encoding, bom):
    content = csv_bytes([HEADER, *ROWS], delimiter=delimiter, encoding=encoding, bom=bom)
    preview = preview_of(organisation, content)
    assert not preview.has_errors, preview.lines()
    assert [(row.line, row.outcome) for row in preview.rows] == [(2, "new"), (3, "new")]
    assert not Member.objects.filter(email="asa@example.se").exists()  # the preview writes nothing
    import_confirm(kind="members", organisation=organisation, content=content, by=shelter_admin(organisation))
    assert_imported(organisation)


def test_xlsx_is_imported_with_real_dates_and_numbers(organisation):
    import datetime

    rows = [HEADER, [*ROWS[0][:7], datetime.datetime(2021, 3, 1), "stödjande"], ROWS[1]]
    rows[1][3] = 701234567  # Excel often stores a phone number as a number
    preview = preview_of(organisation, xlsx_bytes(rows))
    assert not preview.has_errors, preview.lines()
    import_confirm(kind="members", organisation=organisation, content=xlsx_bytes(rows), by=shelter_admin(organisation))
    assert_imported(organisation)


def test_english_field_names_are_accepted(organisation):
    content = csv_bytes([["first_name", "last_name", "email", "role"], ["Eva", "E", "eva@example.se", "coordinator"]])
    preview = preview_of(organisation, content)
    assert not preview.has_errors
    import_confirm(kind="members", organisation=organisation, content=content, by=shelter_admin(organisation))
    assert Member.objects.get(email="eva@example.se").role == Role.COORDINATOR


def test_a_file_with_errors_imports_nothing_and_reports_every_bad_line(organisation):
    content = csv_bytes(
        [
            HEADER,
            ROWS[0],
            ["Bea", "B", "inte-en-adress", "", "", "", "", "", ""],
            ["Cia", "C", "cia@example.se", "12", "", "", "", "", ""],
            ["", "D", "dora@example.se", "", "", "", "", "", ""],
            ["Eva", "E", "eva@example.se", "", "fi", "chef", "borta", "1 mars", "guld"],
            ROWS[1],
        ]
    )
    preview = preview_of(organisation, content)
    assert preview.error_lines == [3, 4, 5, 6]
    messages = {(e.line, e.column): e.message for e in preview.errors}
    assert "inte en giltig e-postadress" in messages[(3, "E-post")]
    assert "inte ett giltigt telefonnummer" in messages[(4, "Telefon")]
    assert messages[(5, "Förnamn")] == "Kolumnen måste fyllas i."
    assert {column for line, column in messages if line == 6} == {
        "Språk",
        "Roll",
        "Status",
        "Medlem sedan",
        "Medlemstyp",
    }
    assert "ÅÅÅÅ-MM-DD" in messages[(6, "Medlem sedan")]
    with pytest.raises(ImportRefused):
        import_confirm(kind="members", organisation=organisation, content=content, by=shelter_admin(organisation))
    assert not Member.objects.filter(email__in=["asa@example.se", "marta@example.se"]).exists()


def test_duplicate_emails_in_the_file_are_an_error_on_each_line(organisation):
    content = csv_bytes([HEADER, ROWS[0], ROWS[1], ["Åsa", "Igen", "ASA@example.se", "", "", "", "", "", ""]])
    preview = preview_of(organisation, content)
    assert preview.error_lines == [2, 4]
    assert "rad 4" in preview.errors[0].message


def test_matching_on_email_updates_and_reports_unchanged(organisation):
    existing = MemberFactory(
        organisation=organisation, email="Asa@Example.se", first_name="Åsa", last_name="Gammal", user=None
    )
    same = MemberFactory(
        organisation=organisation,
        email="marta@example.se",
        first_name="Märta",
        last_name="Ängström",
        user=None,
        language="en",
        role=Role.COORDINATOR,
        status=MemberStatus.PAUSED,
    )
    content = csv_bytes([HEADER, ROWS[0], ROWS[1]])
    preview = preview_of(organisation, content)
    assert [(row.line, row.outcome) for row in preview.rows] == [(2, "updated"), (3, "unchanged")]
    import_confirm(kind="members", organisation=organisation, content=content, by=shelter_admin(organisation))
    existing.refresh_from_db()
    assert existing.last_name == "Öberg" and existing.email == "Asa@Example.se"
    assert Member.objects.filter(organisation=organisation).exclude(role=Role.ADMIN).count() == 2  # matched
    same.refresh_from_db()
    assert same.status_changed_on is None  # unchanged rows are not written


def test_blank_choice_cells_keep_the_current_values(organisation):
    member = MemberFactory(
        organisation=organisation,
        email="k@example.se",
        user=None,
        protected_identity=True,
        role=Role.COORDINATOR,
        status=MemberStatus.PAUSED,
    )
    content = csv_bytes(
        [["Förnamn", "E-post", "Roll", "Status", "Skyddade personuppgifter"], ["Kim", "k@example.se", "", "", ""]]
    )
    import_confirm(kind="members", organisation=organisation, content=content, by=shelter_admin(organisation))
    member.refresh_from_db()
    assert (member.first_name, member.role, member.status, member.protected_identity) == (
        "Kim",
        Role.COORDINATOR,
        MemberStatus.PAUSED,
        True,
    )


def test_another_shelters_member_with_the_same_email_is_not_touched(organisation, other_organisation):
    theirs = MemberFactory(organisation=other_organisation, email="asa@example.se", first_name="Annan", user=None)
    content = csv_bytes([HEADER, ROWS[0]])
    preview = preview_of(organisation, content)
    assert [row.outcome for row in preview.rows] == ["new"]
    import_confirm(kind="members", organisation=organisation, content=content, by=shelter_admin(organisation))
    theirs.refresh_from_db()
    assert theirs.first_name == "Annan" and theirs.organisation == other_organisation
    assert Member.objects.get(organisation=organisation, email="asa@example.se").first_name == "Åsa"


def test_a_coordinator_cannot_make_an_admin_by_import(organisation, coordinator, admin_member):
    content = csv_bytes([["Förnamn", "E-post", "Roll"], ["Ny", "ny@example.se", "admin"]])
    preview = preview_of(organisation, content, by=coordinator)
    assert preview.error_lines == [2]
    assert not preview_of(organisation, content, by=admin_member).has_errors


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "Filen är tom."),
        (b"\r\n\r\n", "Filen är tom."),
        (csv_bytes([HEADER]), "Filen har rubriker men inga rader."),
        (csv_bytes([["Namn", "Adress"], ["Åsa", "Gatan 1"]]), "Okända kolumner: Namn."),
        (os.urandom(64) + b"\x00" + os.urandom(2000), "Filen kunde inte läsas"),
        (b"PK\x03\x04" + b"not really a zip" * 20, "Excel"),
    ],
    ids=["empty", "blank-lines", "header-only", "wrong-columns", "binary", "broken-xlsx"],
)
def test_unreadable_files_get_a_clear_swedish_message(organisation, content, expected):
    preview = preview_of(organisation, content)
    assert preview.has_errors and not preview.rows
    assert any(expected in message for message in preview.file_errors), preview.file_errors


def test_missing_required_columns_are_named(organisation):
    preview = preview_of(organisation, csv_bytes([["Förnamn", "Telefon"], ["Åsa", ""]]))
    assert any("Saknade kolumner: E-post." in message for message in preview.file_errors)


def test_a_too_large_file_is_refused_with_the_limit(organisation, monkeypatch):
    content = b"x" * (imports.MAX_BYTES + 1)
    assert "2 MB" in " ".join(preview_of(organisation, content).file_errors)
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = [HEADER] + [[f"P{i}", "", f"p{i}@example.se", "", "", "", "", "", ""] for i in range(5)]
    assert "fler än 3 rader" in " ".join(preview_of(organisation, csv_bytes(rows)).file_errors)


def test_messages_follow_the_language(organisation):
    from django.utils import translation

    content = csv_bytes([["first_name", "email"], ["Eva", "not-an-address"]])
    with translation.override("en"):
        preview = preview_of(organisation, content)
        assert preview.errors[0].message == "“not-an-address” is not a valid e-mail address."
        assert preview.errors[0].column == "E-mail"
    with translation.override("sv"):
        assert preview_of(organisation, content).errors[0].message == "”not-an-address” är inte en giltig e-postadress."
