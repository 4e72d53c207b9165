"""Uploads are bounded before anything parses them, every bad file gets a message, and stored uploads are
private, short-lived and forgotten on erasure (issue 13, finding 8 and the upload half of finding 9).

Every workbook here is built in the test: a real one written by openpyxl, with one part swapped for what an
attacker would send. Memory is not measured; that a file is refused before openpyxl reads it is shown by
the message and by openpyxl's load_workbook never being called.

The Swedish wording of the new messages arrives with the lead's translation run: `swedish()` asks gettext
for the Swedish text, so before that run these assertions compare with the English source text.
"""

import io
import os
import re
import stat
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from members import imports
from members.models import Member
from tests.conftest import log_in
from tests.factories import MemberFactory
from tests.members.test_import_members import HEADER, ROWS, xlsx_bytes

TOO_WIDE = (
    "The sheet has more than %(columns)s columns. Delete the empty columns to the right of the data, or "
    "save the sheet as CSV, and upload it again."
)
TOO_LARGE = (
    "The workbook is too large once unpacked. Copy only the sheet to import into a new workbook, or "
    "save it as CSV, and upload it again."
)
UNREADABLE_XLSX = "The file could not be read as an Excel workbook (.xlsx)."
UNREADABLE = "The file could not be read. Save it as CSV (UTF-8) or as an Excel workbook (.xlsx)."
PROTECTED = (
    "The file is password protected or in the old Excel format (.xls). Remove the password, or save it "
    "as an Excel workbook (.xlsx) or as CSV, and upload it again."
)
EXPIRED = "The preview has expired: an uploaded file is kept for an hour only. Upload the file again."
TOO_LARGE_REQUEST = "What you sent is too large for this page. Go back and send a smaller file or less text."
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def swedish(msgid: str, **values) -> str:
    with translation.override("sv"):
        text = gettext(msgid)
    return text % values if values else text


@pytest.fixture(autouse=True)
def _upload_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "UPLOAD_DIR", tmp_path / "imports")


@pytest.fixture
def openpyxl_calls(monkeypatch):
    """Every call to openpyxl.load_workbook (the real one still runs)."""
    calls = []
    real = openpyxl.load_workbook

    def recording(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", recording)
    return calls


def url(organisation, name):
    return reverse(f"members:{name}", kwargs={"organisation": organisation.slug})


def upload(client, organisation, content, filename="medlemmar.xlsx"):
    return client.post(url(organisation, "import_members"), {"file": SimpleUploadedFile(filename, content)})


def workbook() -> bytes:
    return xlsx_bytes([HEADER, ROWS[0]])  # a volunteer: a coordinator may import her


def with_parts(content: bytes, **parts: bytes) -> bytes:
    """The workbook with some parts replaced (keyword: path with / as __ and . as _), the rest as they were."""
    replacements = {name.replace("__", "/").replace("_xml", ".xml"): data for name, data in parts.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replacements.pop(info.filename, None)
            target.writestr(info.filename, source.read(info) if data is None else data, zipfile.ZIP_DEFLATED, 9)
        for name, data in replacements.items():
            target.writestr(name, data, zipfile.ZIP_DEFLATED, 9)
    return out.getvalue()


def with_shared_strings(content: bytes, strings: bytes) -> bytes:
    """The workbook with a shared-strings part that openpyxl would read (listed in [Content_Types].xml)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    override = (
        '<Override PartName="/xl/sharedStrings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    )
    return with_parts_by_name(
        content,
        {
            "[Content_Types].xml": types.replace("</Types>", override + "</Types>").encode(),
            "xl/sharedStrings.xml": strings,
        },
    )


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def assert_refused(response, message: str) -> None:
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page, page[page.find("errorlist") - 200 : page.find("errorlist") + 600]
    assert "Bekräfta import" not in page
    assert response.context["token"] is None
    assert not Member.objects.filter(email__in=["asa@example.se", "marta@example.se"]).exists()


def test_a_genuine_workbook_still_previews(coordinator_client, organisation, openpyxl_calls):
    response = upload(coordinator_client, organisation, workbook())
    assert response.context["token"] and not response.context["preview"].has_errors
    assert openpyxl_calls


def test_a_dimension_claiming_16384_columns_is_refused_before_openpyxl(
    coordinator_client, organisation, openpyxl_calls
):
    content = workbook()
    wide = re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:XFD3"/>', sheet_xml(content))
    assert "XFD3" in wide
    response = upload(coordinator_client, organisation, with_parts(content, xl__worksheets__sheet1_xml=wide.encode()))
    assert_refused(response, swedish(TOO_WIDE, columns=imports.MAX_COLUMNS))
    assert openpyxl_calls == []


def test_a_row_with_more_cells_than_any_import_has_is_refused(coordinator_client, organisation, openpyxl_calls):
    cells = "".join(f'<c t="inlineStr"><is><t>x{i}</t></is></c>' for i in range(imports.MAX_COLUMNS + 1))
    sheet = f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{cells}</row></sheetData></worksheet>'
    response = upload(
        coordinator_client, organisation, with_parts(workbook(), xl__worksheets__sheet1_xml=sheet.encode())
    )
    assert_refused(response, swedish(TOO_WIDE, columns=imports.MAX_COLUMNS))
    assert openpyxl_calls == []


def test_shared_strings_that_unpack_to_64_mb_are_refused_before_openpyxl(
    coordinator_client, organisation, openpyxl_calls
):
    strings = b"<si><t>Anna Andersson, Storgatan 1</t></si>" * (64 * 1024 * 1024 // 43)
    huge = f'<sst xmlns="{MAIN_NS}">'.encode() + strings + b"</sst>"
    content = with_shared_strings(workbook(), huge)
    assert len(content) < imports.MAX_BYTES  # it passes the upload's own size limit
    assert_refused(upload(coordinator_client, organisation, content), swedish(TOO_LARGE))
    assert openpyxl_calls == []


def test_a_sheet_that_unpacks_twentyfold_past_the_part_limit_is_refused_before_openpyxl(
    coordinator_client, organisation, openpyxl_calls
):
    # A zip bomb's shape: a small file whose sheet is 20 MB once unpacked (cap: 16 MB per sheet).
    row = '<row><c t="inlineStr"><is><t>Åsa</t></is></c></row>'
    sheet = (
        f'<worksheet xmlns="{MAIN_NS}"><sheetData>' + row * (20 * 1024 * 1024 // len(row)) + "</sheetData></worksheet>"
    )
    content = with_parts(workbook(), xl__worksheets__sheet1_xml=sheet.encode())
    assert len(content) < imports.MAX_BYTES
    assert_refused(upload(coordinator_client, organisation, content), swedish(TOO_LARGE))
    assert openpyxl_calls == []


@pytest.mark.parametrize(
    "part",
    ["xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/sharedStrings.xml", "[Content_Types].xml"],
)
def test_malformed_xml_in_any_part_gets_a_message_not_a_500(coordinator_client, organisation, part):
    content = workbook()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        broken = archive.read(part)[:-40] if part in names else b"<sst><si><t>open"
    response = upload(coordinator_client, organisation, with_parts_by_name(content, {part: broken}))
    assert_refused(response, swedish(UNREADABLE_XLSX))


def with_parts_by_name(content: bytes, parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, parts.pop(info.filename, None) or source.read(info))
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def test_entity_declarations_are_refused(coordinator_client, organisation, openpyxl_calls):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c t="inlineStr"><is><t>&b;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    response = upload(
        coordinator_client, organisation, with_parts(workbook(), xl__worksheets__sheet1_xml=laughs.encode())
    )
    assert_refused(response, swedish(UNREADABLE_XLSX))
    assert openpyxl_calls == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 60 + b"not really a zip", UNREADABLE_XLSX),
        (b"This is a Word document, honestly.\x00\x01\x02" * 40, UNREADABLE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8, PROTECTED),
    ],
    ids=["truncated-zip", "not-a-zip", "password-protected"],
)
def test_a_file_that_is_no_workbook_gets_a_message(coordinator_client, organisation, content, message):
    assert_refused(upload(coordinator_client, organisation, content), swedish(message))


def test_a_zip_with_an_encrypted_part_is_called_password_protected(coordinator_client, organisation):
    content = bytearray(workbook())
    # Set the "encrypted" flag on every entry of the central directory, as a password-protected zip has.
    for match in re.finditer(rb"PK\x01\x02", bytes(content)):
        content[match.start() + 8] |= 0x1
    assert_refused(upload(coordinator_client, organisation, bytes(content)), swedish(PROTECTED))


def test_a_csv_in_utf16_gets_a_message(coordinator_client, organisation):
    content = ";".join(HEADER).encode("utf-16")
    assert_refused(upload(coordinator_client, organisation, content, "medlemmar.csv"), swedish(UNREADABLE))


def test_a_10000_row_member_list_passes_the_bounds():
    rows = [HEADER] + [
        [
            f"Förnamn{i}",
            f"Efternamn{i}",
            f"person{i}@example.se",
            f"070-{i:07d}",
            "sv",
            "ideell",
            "aktiv",
            "2021-03-01",
            "stödjande",
        ]
        for i in range(imports.MAX_ROWS)
    ]
    read = imports.read_rows(xlsx_bytes(rows))
    assert len(read) == imports.MAX_ROWS + 1 and read[-1][2] == f"person{imports.MAX_ROWS - 1}@example.se"


# --- Request bodies ---------------------------------------------------------------------------------------


class CountingBody:
    """A request body of `size` bytes produced on demand, counting what is read from it."""

    def __init__(self, size: int):
        self.size = size
        self.read_bytes = 0
        self.prefix = (
            b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n"
        )

    def read(self, size=-1):
        left = self.size - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        start = self.read_bytes
        self.read_bytes += size
        head = self.prefix[start : start + size]
        return head + b"\x00" * (size - len(head))

    def readline(self, size=-1):
        return self.read(min(size if size and size > 0 else 1024, 1024))


def post_body(client, path, body: CountingBody, **extra):
    return client.generic(
        "POST",
        path,
        data=b"-",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
        **extra,
    )


@pytest.mark.django_db
def test_a_60_mb_multipart_post_to_the_login_page_gets_413_unread(client):
    body = CountingBody(60 * 1024 * 1024)
    response = post_body(client, reverse("account_login"), body)
    assert response.status_code == 413
    assert body.read_bytes == 0
    page = response.content.decode()
    assert '<html lang="sv">' in page and swedish(TOO_LARGE_REQUEST) in page


def test_only_the_import_page_takes_a_body_past_the_form_limit(coordinator_client, organisation, settings):
    # 400 KB more than any form may send: the import page reads it (and its form says the file is too
    # large), the profile page refuses it unread.
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 500 * 1024
    content = b"a;b\n" * (size // 4)
    response = coordinator_client.post(
        url(organisation, "import_members"), {"file": SimpleUploadedFile("m.csv", content)}
    )
    assert response.status_code == 200
    assert "2 MB" in response.content.decode()
    body = CountingBody(size)
    refused = post_body(
        coordinator_client, reverse("members:profile", kwargs={"organisation": organisation.slug}), body
    )
    assert refused.status_code == 413 and body.read_bytes == 0


@pytest.mark.django_db
def test_a_chunked_body_without_a_length_is_refused(client):
    body = CountingBody(1024)
    response = client.generic(
        "POST",
        reverse("account_login"),
        data=b"-",
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": body},
    )
    assert response.status_code == 411 and body.read_bytes == 0


# --- Stored uploads -----------------------------------------------------------------------------------


def stored_files():
    return sorted(imports.UPLOAD_DIR.glob("*.upload")) if imports.UPLOAD_DIR.exists() else []


def test_a_stored_upload_is_readable_by_the_app_alone(coordinator_client, organisation):
    assert upload(coordinator_client, organisation, workbook()).context["token"]
    (stored,) = stored_files()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(imports.UPLOAD_DIR.stat().st_mode) == 0o700


def test_a_directory_left_open_is_closed_again(coordinator_client, organisation):
    imports.UPLOAD_DIR.mkdir(mode=0o755)
    os.chmod(imports.UPLOAD_DIR, 0o755)  # noqa: S103 - the state being repaired
    upload(coordinator_client, organisation, workbook())
    assert stat.S_IMODE(imports.UPLOAD_DIR.stat().st_mode) == 0o700


def age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_preview_older_than_an_hour_cannot_be_confirmed(coordinator_client, organisation):
    token = upload(coordinator_client, organisation, workbook()).context["token"]
    (stored,) = stored_files()
    age(stored, 3601)
    response = coordinator_client.post(url(organisation, "import_members_confirm"), {"token": token}, follow=True)
    assert swedish(EXPIRED) in response.content.decode()
    assert not stored.exists()
    assert not Member.objects.filter(email="asa@example.se").exists()


def test_uploads_older_than_an_hour_are_gone_when_another_is_stored(
    client, coordinator, organisation, other_shelter_coordinator, other_organisation
):
    upload(log_in(client, coordinator), organisation, workbook())
    (old,) = stored_files()
    age(old, 3601)
    upload(log_in(client, other_shelter_coordinator), other_organisation, workbook())
    assert not old.exists() and len(stored_files()) == 1


def test_uploads_forget_removes_that_shelters_uploads_only(
    client, coordinator, organisation, other_shelter_coordinator, other_organisation
):
    second = MemberFactory(organisation=organisation, role=coordinator.role)
    mine = upload(log_in(client, coordinator), organisation, workbook()).context["token"]
    upload(log_in(client, second), organisation, workbook())
    upload(log_in(client, other_shelter_coordinator), other_organisation, workbook())
    assert len(stored_files()) == 3

    assert imports.uploads_forget(organisation=organisation) == 2

    (left,) = stored_files()
    assert left.name.startswith(f"{other_organisation.pk}-")
    response = log_in(client, coordinator).post(url(organisation, "import_members_confirm"), {"token": mine})
    assert response.status_code == 302
    assert not Member.objects.filter(organisation=organisation, email="asa@example.se").exists()
