"""Importing members and payments from a spreadsheet: read the file, check every row, preview, confirm.

A file is read as Swedish Excel writes it (CSV with `;` or `,`, UTF-8 with or without BOM, or
Windows-1252; or XLSX). Every row is checked here with our own translated messages (django-import-export's
widget errors are English), then the rows are written through the resources in members.resources, which
also tell each row's outcome (new, updated, unchanged). A file with any error imports nothing.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import posixpath
import re
import secrets
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.parsers import expat

import phonenumbers
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.errors import JourplanError
from core.models import Organisation
from core.validators import single_line

from .models import Member, MembershipType, MemberStatus, Payment, PaymentMethod, Role, may_see_contact_data
from .rank import CONTACT_FIELDS, RankRefused, check_changes, grantable_roles, may_manage

logger = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
UPLOAD_DIR = Path(settings.BASE_DIR) / "var" / "imports"
# A stored upload lives as long as its preview: an hour, then the coordinator uploads it again.
UPLOAD_MAX_AGE_SECONDS = 3600

MEMBERS = "members"
PAYMENTS = "payments"


class ImportFileError(JourplanError):
    """The file as a whole cannot be read (empty, binary, too large, wrong columns)."""


class ImportRefused(JourplanError):
    """The confirmed file has errors after all (it changed, or the register changed meanwhile)."""


# --- Columns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy translated column heading (the Swedish one is what Swedish Excel users write)
    aliases: tuple[str, ...]
    required: bool = False
    help: object = ""


MEMBER_COLUMNS = (
    Column("first_name", gettext_lazy("First name"), ("förnamn", "fornamn", "first name", "firstname"), True),
    Column("last_name", gettext_lazy("Last name"), ("efternamn", "last name", "lastname", "surname")),
    Column(
        "email",
        gettext_lazy("E-mail"),
        ("e-post", "epost", "e-postadress", "email", "e-mail", "mail", "e-mail address"),
        True,
        gettext_lazy("Required; a member of this shelter with the same e-mail address is updated."),
    ),
    Column(
        "phone",
        gettext_lazy("Phone"),
        ("telefon", "telefonnummer", "mobil", "mobilnummer", "phone", "phone number", "mobile"),
        help=gettext_lazy("Swedish numbers without country code are fine, e.g. 070-123 45 67."),
    ),
    Column("postal_address", gettext_lazy("Postal address"), ("postadress", "adress", "postal address", "address")),
    Column(
        "language",
        gettext_lazy("Language"),
        ("språk", "sprak", "language"),
        help=gettext_lazy("sv or en (Swedish/English); empty keeps the current value (Swedish for a new member)."),
    ),
    Column(
        "role",
        gettext_lazy("Role"),
        ("roll", "role"),
        help=gettext_lazy(
            "Volunteer, coordinator or admin; empty keeps the current value (volunteer for a new member)."
        ),
    ),
    Column(
        "status",
        gettext_lazy("Status"),
        ("status",),
        help=gettext_lazy(
            "Prospective, active, paused or left; empty keeps the current value (active for a new member)."
        ),
    ),
    Column(
        "member_since",
        gettext_lazy("Member since"),
        ("medlem sedan", "medlem fr.o.m.", "member since", "member_since"),
        help=gettext_lazy("A date, written YYYY-MM-DD."),
    ),
    Column(
        "membership_type",
        gettext_lazy("Membership type"),
        ("medlemstyp", "medlemskap", "membership type", "membership_type"),
        help=gettext_lazy("Full or supporting; empty keeps the current value (full for a new member)."),
    ),
    Column(
        "protected_identity",
        gettext_lazy("Protected identity"),
        ("skyddade personuppgifter", "skyddad identitet", "protected identity", "protected_identity"),
        help=gettext_lazy("Yes or no; empty keeps the current value (no for a new member)."),
    ),
)

PAYMENT_COLUMNS = (
    Column(
        "email",
        gettext_lazy("E-mail"),
        ("e-post", "epost", "e-postadress", "email", "e-mail", "mail", "member e-mail", "medlemmens e-post"),
        True,
        gettext_lazy("The e-mail address of a member of this shelter."),
    ),
    Column("year", gettext_lazy("Year"), ("år", "ar", "year", "avgiftsår", "fee year"), True),
    Column(
        "amount",
        gettext_lazy("Amount"),
        ("belopp", "summa", "amount"),
        True,
        gettext_lazy("In kronor, e.g. 200 or 200,00."),
    ),
    Column(
        "paid_on",
        gettext_lazy("Paid on"),
        ("betald", "betalningsdag", "betaldatum", "datum", "paid on", "paid_on", "date"),
        True,
        gettext_lazy("A date, written YYYY-MM-DD."),
    ),
    Column(
        "method",
        gettext_lazy("Method"),
        ("sätt", "betalsätt", "betalningssätt", "method", "payment method"),
        help=gettext_lazy("Swish, bankgiro, kontant (cash) or annat (other); empty means Swish."),
    ),
    Column("reference", gettext_lazy("Reference"), ("referens", "meddelande", "reference")),
)

COLUMNS = {MEMBERS: MEMBER_COLUMNS, PAYMENTS: PAYMENT_COLUMNS}


# Columns other apps add to the member import (settings.MEMBER_IMPORT_EXTENSIONS, dotted paths of objects; the
# register imports no app above it). Each has `columns` (Column, …), `cleaners()` {field: fn(cell) raising
# CellError}, `row_errors(values, *, today) -> [(field, message)]` for its cleaned cells of one row, and
# `write(*, member, values, by, today)`, called for each row after the members are saved, in the import's
# transaction. A row whose extension cells are filled in changes her: the rank rules apply as to her own cells.
def member_import_extensions() -> tuple:
    return tuple(import_string(path) for path in getattr(settings, "MEMBER_IMPORT_EXTENSIONS", ()))


def columns_of(kind: str) -> tuple[Column, ...]:
    """The columns a file of this kind may have: for members, the register's and the extensions'."""
    if kind != MEMBERS:
        return COLUMNS[kind]
    return (*MEMBER_COLUMNS, *(column for extension in member_import_extensions() for column in extension.columns))


def _normalise_header(value) -> str:
    text = str(value or "").replace("\ufeff", "").replace("_", " ").strip().lower()
    return re.sub(r"\s+", " ", text)


def _column_lookup(columns) -> dict[str, Column]:
    lookup = {}
    for column in columns:
        names = {column.field, *column.aliases}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(str(column.label))
        for name in names:
            lookup[_normalise_header(name)] = column
    return lookup


# --- Reading the file ----------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(rows)s rows. Split it into smaller files.") % {"rows": f"{MAX_ROWS:,}"}
    )


# --- Bounding a workbook before openpyxl reads it ---------------------------------------------------
# An XLSX is a zip of XML parts, and a 2 MB upload can unpack to gigabytes. openpyxl pads every row to the
# width the sheet's <dimension> claims, loads the shared strings whole, builds a full tree of every other
# part it reads, and lets a malformed part raise from deep inside. So the zip's directory and every XML part
# are checked here first, streamed through expat (no tree is built): sizes, element counts, the dimension,
# the rows and the cells of each row. Only a workbook that fits is handed to openpyxl.

MAX_COLUMNS = 100
XLSX_MAX_PARTS = 1_000
XLSX_MAX_UNPACKED_BYTES = 48 * 1024 * 1024
# The worksheets and the shared strings, which openpyxl streams (a 10,000-row member list is 5-10 MB each).
XLSX_MAX_STREAMED_PART_BYTES = 16 * 1024 * 1024
# 10,000 rows of 15 cells are about 460,000 elements; at this cap, empty shared strings peak near 200 MB.
XLSX_MAX_STREAMED_PART_ELEMENTS = 1_000_000
# Every other part, which openpyxl parses into a tree of objects (styles, workbook, relationships…).
XLSX_MAX_TREE_PART_BYTES = 2 * 1024 * 1024
XLSX_MAX_TREE_PART_ELEMENTS = 20_000

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES_PART = "[Content_Types].xml"
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_WORKBOOK_TYPES = (  # in the order openpyxl looks for them
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
# Parts openpyxl always parses into a tree, whatever a relationship says they are.
_TREE_PARTS = frozenset(
    {_CONTENT_TYPES_PART, "xl/workbook.xml", "xl/styles.xml", "docProps/core.xml", "docProps/custom.xml"}
)
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
# A password-protected workbook is not a zip but an OLE compound file, as is the old .xls format.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _unreadable_xlsx() -> ImportFileError:
    return ImportFileError(_("The file could not be read as an Excel workbook (.xlsx)."))


def _protected_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "The file is password protected or in the old Excel format (.xls). Remove the password, or save it "
            "as an Excel workbook (.xlsx) or as CSV, and upload it again."
        )
    )


def _too_large_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook is too large once unpacked. Copy only the sheet to import into a new workbook, or "
            "save it as CSV, and upload it again."
        )
    )


def _too_wide_sheet() -> ImportFileError:
    return ImportFileError(
        _(
            "The sheet has more than %(columns)s columns. Delete the empty columns to the right of the data, or "
            "save the sheet as CSV, and upload it again."
        )
        % {"columns": MAX_COLUMNS}
    )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _cell_position(reference: str) -> tuple[int, int]:
    """(column, row) of a reference such as "B12"; a reference openpyxl could not read is refused."""
    match = _CELL_REFERENCE.fullmatch(reference.strip())
    if match is None:
        raise _unreadable_xlsx()
    return _column_number(match.group(1)), int(match.group(2))


class _PartScan:
    """One XML part streamed through expat: counts its elements and refuses a sheet too wide or too long."""

    def __init__(self, max_elements: int):
        self.max_elements = max_elements
        self.elements = 0
        self.rows = 0
        self.cells_in_row = 0
        self.overrides: list[tuple[str, str]] = []  # (part name, content type) from [Content_Types].xml
        self.defaults: list[str] = []  # default content types from [Content_Types].xml
        self.relationships: list[tuple[str, str, str]] = []  # (type, target, target mode) from a .rels part
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self._start
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse

    def _refuse(self, *args):
        # A workbook part never declares a DOCTYPE or entities; they only serve entity expansion.
        raise _unreadable_xlsx()

    def _start(self, name: str, attributes: dict) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise _too_large_workbook()
        namespace, _separator, local = name.rpartition(" ")
        if local == "Override":
            self.overrides.append((attributes.get("PartName", ""), attributes.get("ContentType", "")))
        elif local == "Default":
            self.defaults.append(attributes.get("ContentType", ""))
        elif local == "Relationship":
            self.relationships.append(
                (attributes.get("Type", ""), attributes.get("Target", ""), attributes.get("TargetMode", ""))
            )
        if namespace != _SHEET_NS:
            return
        if local == "c":
            self.cells_in_row += 1
            column = _cell_position(attributes["r"])[0] if "r" in attributes else self.cells_in_row
            if self.cells_in_row > MAX_COLUMNS or column > MAX_COLUMNS:
                raise _too_wide_sheet()
        elif local == "row":
            self.rows += 1
            self.cells_in_row = 0
            number = attributes.get("r", "")
            if self.rows > MAX_ROWS + 1 or (number.isdigit() and int(number) > MAX_ROWS + 1):
                raise _too_many_rows()
        elif local == "dimension":
            # openpyxl pads every row to this width and fills the rows up to this height.
            for reference in attributes.get("ref", "").split(":"):
                column, row = _cell_position(reference)
                if column > MAX_COLUMNS:
                    raise _too_wide_sheet()
                if row > MAX_ROWS + 1:
                    raise _too_many_rows()

    def feed(self, stream) -> None:
        try:
            while chunk := stream.read(64 * 1024):
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError:
            raise _unreadable_xlsx() from None


def _looks_like_xml(head: bytes) -> bool:
    # UTF-8 or UTF-16, with or without a byte order mark; anything else openpyxl cannot parse either.
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")[:1] == b"<"


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, max_elements: int) -> _PartScan | None:
    """The part's scan, or None when it is not XML (openpyxl only keeps such parts as bytes, if at all)."""
    with archive.open(info) as stream:
        head = stream.read(64)
        if not _looks_like_xml(head):
            return None
        scan = _PartScan(max_elements)
        scan.parser.Parse(head, False)
        scan.feed(stream)
        return scan


def _streamed_parts(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]) -> set[str]:
    """The worksheets and the shared strings, found the way openpyxl finds them; openpyxl streams only these."""
    manifest = infos.get(_CONTENT_TYPES_PART)
    scan = manifest and _scan_part(archive, manifest, XLSX_MAX_TREE_PART_ELEMENTS)
    if not scan:
        return set()
    streamed = {name[1:] for name, kind in scan.overrides if kind == _SHARED_STRINGS_TYPE}
    workbook = next(
        (name[1:] for kind in _WORKBOOK_TYPES for name, found in scan.overrides if found == kind),
        "xl/workbook.xml" if set(scan.defaults) & set(_WORKBOOK_TYPES) else None,
    )
    if workbook:
        folder, name = posixpath.split(workbook)
        rels = infos.get(posixpath.join(folder, "_rels", f"{name}.rels"))
        rels_scan = rels and _scan_part(archive, rels, XLSX_MAX_TREE_PART_ELEMENTS)
        for kind, target, mode in rels_scan.relationships if rels_scan else ():
            if kind.endswith("/worksheet") and mode != "External":
                path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                streamed.add(path)
    return streamed - _TREE_PARTS - {workbook} - {n for n in infos if n.endswith(".rels")}


def _check_xlsx(content: bytes) -> None:
    """Refuse, with a message for the coordinator, a workbook openpyxl could not read within bounds."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _unreadable_xlsx() from None
    with archive:
        parts = archive.infolist()
        if len(parts) > XLSX_MAX_PARTS or sum(p.file_size for p in parts) > XLSX_MAX_UNPACKED_BYTES:
            raise _too_large_workbook()
        if any(p.flag_bits & 0x1 for p in parts):
            raise _protected_workbook()
        # zipfile stops at each part's declared size (and then fails its CRC), so these sizes bound what is read.
        infos = {p.filename: p for p in parts}
        try:
            streamed = _streamed_parts(archive, infos)
            for part in parts:
                big = part.filename in streamed
                if part.file_size > (XLSX_MAX_STREAMED_PART_BYTES if big else XLSX_MAX_TREE_PART_BYTES):
                    with archive.open(part) as stream:
                        xml = _looks_like_xml(stream.read(64))
                    if big or xml:
                        raise _too_large_workbook()
                    continue  # a picture or a printer setting: never parsed, and counted in the total
                _scan_part(archive, part, XLSX_MAX_STREAMED_PART_ELEMENTS if big else XLSX_MAX_TREE_PART_ELEMENTS)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError):
            raise _unreadable_xlsx() from None


def _read_xlsx(content: bytes) -> list[list]:
    _check_xlsx(content)
    from openpyxl import load_workbook

    try:
        # External links hold cached copies of other workbooks and are never needed for an import.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    except Exception as error:
        # Whatever openpyxl raises on a file that passed the checks above is the file's fault, not ours.
        logger.warning("An uploaded workbook could not be opened: %s", type(error).__name__)
        raise _unreadable_xlsx() from None
    try:
        if not workbook.worksheets:
            raise _unreadable_xlsx()
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                raise _too_many_rows()
        return rows
    except ImportFileError:
        raise
    except Exception as error:
        logger.warning("An uploaded workbook could not be read: %s", type(error).__name__)
        raise _unreadable_xlsx() from None
    finally:
        workbook.close()


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The file could not be read. Save it as CSV (UTF-8) or as an Excel workbook (.xlsx).")
        ) from None


def _read_csv(content: bytes) -> list[list]:
    unreadable = _("The file could not be read. Save it as CSV (UTF-8) or as an Excel workbook (.xlsx).")
    if b"\x00" in content:
        raise ImportFileError(unreadable)
    text = _decode(content)
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        raise ImportFileError(unreadable)
    sample = text[:8192]
    first_line = sample.splitlines()[0] if sample.splitlines() else ""
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = None
    # The header line decides when the sniffer guesses something the header does not use.
    counts = {d: first_line.count(d) for d in ";,\t"}
    if delimiter is None or counts.get(delimiter, 0) == 0:
        delimiter = max(counts, key=lambda candidate: counts[candidate])
    try:
        rows = []
        for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(values)
            if len(rows) > MAX_ROWS + 1:
                raise _too_many_rows()
        return rows
    except csv.Error:
        raise ImportFileError(unreadable) from None


def read_rows(content: bytes) -> list[list]:
    """The file's rows (header first), as lists of cell values. Raises ImportFileError."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(size)s MB. Split it into smaller files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    if content.startswith(_OLE_SIGNATURE):
        raise _protected_workbook()
    return _read_csv(content)


# --- Checking cells ---------------------------------------------------------------------------------


class CellError(Exception):
    pass


def _choice_words(choices, extra: Mapping[str, str]) -> dict[str, str]:
    words = {value: value for value in choices.values}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in choices.choices:
                words[str(label).lower()] = value
    words.update(extra)
    return words


ROLE_WORDS = {
    "ideell": Role.VOLUNTEER,
    "jourkvinna": Role.VOLUNTEER,
    "frivillig": Role.VOLUNTEER,
    "samordnare": Role.COORDINATOR,
    "joursamordnare": Role.COORDINATOR,
    "administratör": Role.ADMIN,
}
STATUS_WORDS = {
    "aktiv": MemberStatus.ACTIVE,
    "pausad": MemberStatus.PAUSED,
    "lämnat": MemberStatus.LEFT,
    "har lämnat": MemberStatus.LEFT,
    "intresserad": MemberStatus.PROSPECTIVE,
    "blivande": MemberStatus.PROSPECTIVE,
    "vilande": MemberStatus.PAUSED,
    "avslutad": MemberStatus.LEFT,
    "slutat": MemberStatus.LEFT,
    "utträdd": MemberStatus.LEFT,
}
MEMBERSHIP_WORDS = {
    "fullt": MembershipType.FULL,
    "fullvärdig": MembershipType.FULL,
    "ordinarie": MembershipType.FULL,
    "full": MembershipType.FULL,
    "stödjande": MembershipType.SUPPORTING,
    "stödmedlem": MembershipType.SUPPORTING,
    "stöd": MembershipType.SUPPORTING,
}
METHOD_WORDS = {
    "bank giro": PaymentMethod.BANKGIRO,
    "bg": PaymentMethod.BANKGIRO,
    "kontant": PaymentMethod.CASH,
    "kontanter": PaymentMethod.CASH,
    "annat": PaymentMethod.OTHER,
    "annan": PaymentMethod.OTHER,
}
LANGUAGE_WORDS = {"svenska": "sv", "swedish": "sv", "engelska": "en", "english": "en", "sv-se": "sv", "en-gb": "en"}
YES = {"ja", "j", "yes", "y", "x", "1", "true", "sant"}
NO = {"nej", "n", "no", "0", "false", "falskt"}


def _choice(words: dict[str, str], message: str) -> Callable[[object], str]:
    def clean(value) -> str:
        text = _cell_text(value).lower()
        if not text:
            return ""
        if text in words:
            return words[text]
        raise CellError(message % {"value": _cell_text(value)})

    return clean


def clean_text(max_length: int, *, one_line: bool = False) -> Callable[[object], str]:
    def clean(value) -> str:
        text = _cell_text(value)
        if len(text) > max_length:
            raise CellError(_("At most %(count)s characters.") % {"count": max_length})
        if one_line:
            try:
                single_line(text)
            except ValidationError as error:
                raise CellError(error.messages[0]) from None
        return text

    return clean


def clean_email(value) -> str:
    text = _cell_text(value)
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_("“%(value)s” is not a valid e-mail address.") % {"value": text}) from None
    if len(text) > 254:
        raise CellError(_("At most %(count)s characters.") % {"count": 254})
    return text


def clean_phone(value) -> str:
    text = _cell_text(value)
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "SE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise CellError(_("“%(value)s” is not a valid phone number.") % {"value": text})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 — a calendar date, no time of day
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a valid date; write it as YYYY-MM-DD, e.g. 2024-03-15.") % {"value": text})


def clean_required_date(value) -> date:
    result = clean_date(value)
    if result is None:
        raise CellError(_("A date is required; write it as YYYY-MM-DD."))
    return result


def clean_boolean(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _cell_text(value).lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("“%(value)s” is neither yes nor no.") % {"value": _cell_text(value)})


def clean_year(value) -> int:
    text = _cell_text(value)
    if not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2100:
        raise CellError(_("“%(value)s” is not a year; write it with four digits, e.g. 2025.") % {"value": text})
    return int(text)


def clean_amount(value) -> Decimal:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        text = str(value)
    else:
        text = _cell_text(value).lower().replace("\xa0", "").replace(" ", "").removesuffix("kr").removesuffix(":-")
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(
            _("“%(value)s” is not an amount; write it in kronor, e.g. 200 or 200,50.") % {"value": _cell_text(value)}
        ) from None
    if (
        not amount.is_finite()
        or amount <= 0
        or amount >= Decimal("1000000")
        or amount != amount.quantize(Decimal("0.01"))
    ):
        raise CellError(_("The amount must be more than 0 and less than 1,000,000 kronor, with at most two decimals."))
    return amount.quantize(Decimal("0.01"))


def _member_cleaners() -> dict[str, Callable]:
    return {
        "first_name": clean_text(100, one_line=True),
        "last_name": clean_text(100, one_line=True),
        "email": clean_email,
        "phone": clean_phone,
        "postal_address": clean_text(500),
        "language": _choice(
            {**{code: code for code, _n in settings.LANGUAGES}, **LANGUAGE_WORDS},
            _("Unknown language “%(value)s”; write sv or en."),
        ),
        "role": _choice(
            _choice_words(Role, ROLE_WORDS), _("Unknown role “%(value)s”; write volunteer, coordinator or admin.")
        ),
        "status": _choice(
            _choice_words(MemberStatus, STATUS_WORDS),
            _("Unknown status “%(value)s”; write prospective, active, paused or left."),
        ),
        "member_since": clean_date,
        "membership_type": _choice(
            _choice_words(MembershipType, MEMBERSHIP_WORDS),
            _("Unknown membership type “%(value)s”; write full or supporting."),
        ),
        "protected_identity": clean_boolean,
        **{name: fn for extension in member_import_extensions() for name, fn in extension.cleaners().items()},
    }


def _payment_cleaners() -> dict[str, Callable]:
    return {
        "email": clean_email,
        "year": clean_year,
        "amount": clean_amount,
        "paid_on": clean_required_date,
        "method": _choice(
            _choice_words(PaymentMethod, METHOD_WORDS),
            _("Unknown payment method “%(value)s”; write Swish, bankgiro, kontant or annat."),
        ),
        "reference": clean_text(100, one_line=True),
    }


# Blank cells that keep the existing value (a new member gets the default).
MEMBER_KEEP_WHEN_BLANK = {"language", "role", "status", "membership_type", "protected_identity"}
MEMBER_DEFAULTS = {
    "language": "sv",
    "role": Role.VOLUNTEER,
    "status": MemberStatus.ACTIVE,
    "membership_type": MembershipType.FULL,
    "protected_identity": False,
}


# --- The preview --------------------------------------------------------------------------------


@dataclass
class LineError:
    line: int
    column: str
    message: str


@dataclass
class RowPreview:
    line: int
    outcome: str  # "new", "updated", "unchanged"
    summary: str

    @property
    def outcome_label(self) -> str:
        return {"new": _("New"), "updated": _("Updated"), "unchanged": _("Unchanged")}[self.outcome]


@dataclass
class ImportPreview:
    kind: str
    rows: list[RowPreview] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.file_errors)

    @property
    def error_lines(self) -> list[int]:
        return sorted({error.line for error in self.errors})

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def new_count(self) -> int:
        return self.count("new")

    @property
    def updated_count(self) -> int:
        return self.count("updated")

    @property
    def unchanged_count(self) -> int:
        return self.count("unchanged")

    def summary(self) -> str:
        return _("%(new)s new, %(updated)s updated, %(unchanged)s unchanged.") % {
            "new": self.new_count,
            "updated": self.updated_count,
            "unchanged": self.unchanged_count,
        }

    def lines(self) -> list[str]:
        """The preview as plain text lines (for the management commands)."""
        out = [*self.file_errors]
        for row in self.rows:
            out.append(f"{_('Line')} {row.line}: {row.outcome_label} – {row.summary}")
        for error in self.errors:
            column = f" ({error.column})" if error.column else ""
            out.append(f"{_('Line')} {error.line}{column}: {error.message}")
        return out


@dataclass
class _Table:
    columns: list[Column | None]  # per file column; None for an ignored empty heading
    rows: list[tuple[int, list]]  # (spreadsheet line, cell values), blank rows left out


def _parse_table(content: bytes, kind: str) -> _Table:
    raw = read_rows(content)
    # Trailing blank lines and leading blank lines before the header are common in hand-made files.
    while raw and not any(_cell_text(cell) for cell in raw[-1]):
        raw.pop()
    start = 0
    while start < len(raw) and not any(_cell_text(cell) for cell in raw[start]):
        start += 1
    if start >= len(raw):
        raise ImportFileError(_("The file is empty."))
    header, body = raw[start], raw[start + 1 :]
    lookup = _column_lookup(columns_of(kind))
    columns: list[Column | None] = []
    unknown, seen = [], set()
    for cell in header:
        name = _normalise_header(_cell_text(cell))
        if not name:
            columns.append(None)
            continue
        column = lookup.get(name)
        if column is None:
            unknown.append(_cell_text(cell))
        elif column.field in seen:
            raise ImportFileError(_("The column “%(column)s” appears twice.") % {"column": _cell_text(cell)})
        else:
            seen.add(column.field)
        columns.append(column)
    missing = [str(c.label) for c in columns_of(kind) if c.required and c.field not in seen]
    if unknown or missing:
        messages = []
        if unknown:
            messages.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
        if missing:
            messages.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        messages.append(
            _("The columns can be: %(columns)s.") % {"columns": ", ".join(str(c.label) for c in columns_of(kind))}
        )
        raise ImportFileError(*messages)
    if len(body) > MAX_ROWS:
        raise _too_many_rows()
    rows = []
    for offset, values in enumerate(body):
        line = start + offset + 2
        if any(_cell_text(cell) for cell in values):
            rows.append((line, list(values)))
    if not rows:
        raise ImportFileError(_("The file has a header but no rows."))
    return _Table(columns=columns, rows=rows)


def _clean_rows(table: _Table, cleaners: dict[str, Callable], errors: list[LineError]) -> list[tuple[int, dict | None]]:
    """Each row as {field: value} for the columns the file has (None for a row with errors); errors are
    appended per cell."""
    cleaned: list[tuple[int, dict | None]] = []
    for line, values in table.rows:
        row, ok = {}, True
        for index, column in enumerate(table.columns):
            if column is None:
                continue
            value = values[index] if index < len(values) else None
            if column.required and not _cell_text(value):
                errors.append(LineError(line, str(column.label), _("This column must be filled in.")))
                ok = False
                continue
            try:
                row[column.field] = cleaners[column.field](value)
            except CellError as error:
                errors.append(LineError(line, str(column.label), str(error)))
                ok = False
        if ok:
            cleaned.append((line, row))
        else:
            cleaned.append((line, None))
    return cleaned


def _flag_duplicates(cleaned, key: Callable[[dict], object], label: str, message: str, errors) -> None:
    lines_by_key = defaultdict(list)
    for line, row in cleaned:
        if row is not None:
            lines_by_key[key(row)].append(line)
    for lines in lines_by_key.values():
        if len(lines) > 1:
            for line in lines:
                others = ", ".join(str(other) for other in lines if other != line)
                errors.append(LineError(line, label, message % {"lines": others}))


def _library_errors(result, line_for_number: dict[int, int], errors: list[LineError], kind: str) -> None:
    """Errors django-import-export found after our checks (e.g. a model rule): kept, with their line."""
    labels = {column.field: str(column.label) for column in columns_of(kind)}
    for invalid in result.invalid_rows:
        line = line_for_number[invalid.number]
        for field_name, messages in invalid.error_dict.items():
            for message in messages:
                errors.append(LineError(line, labels.get(field_name, ""), str(message)))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            logger.warning("Import row %s could not be saved: %r", number, error.error)
        errors.append(LineError(line_for_number.get(number, 0), "", _("This row could not be saved.")))
    for error in result.base_errors:
        logger.warning("Import failed: %r", error.error)
        errors.append(LineError(0, "", _("The file could not be imported.")))


def _run_resource(resource, headers, cleaned_rows, preview: ImportPreview, *, dry_run: bool, summary):
    dataset = tablib.Dataset(headers=headers)
    line_for_number = {}
    for number, (line, row) in enumerate(cleaned_rows, 1):
        dataset.append([row[h] for h in headers])
        line_for_number[number] = line
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True)
    _library_errors(result, line_for_number, preview.errors, preview.kind)
    if preview.errors:
        return result
    outcomes = {"new": "new", "update": "updated", "skip": "unchanged"}
    for number, row_result in enumerate(result.rows, 1):
        line, row = cleaned_rows[number - 1]
        preview.rows.append(RowPreview(line, outcomes[row_result.import_type], summary(row)))
    return result


# --- Who may import what ----------------------------------------------------------------------------
#
# The rank rules (members.rank) hold here as on every other path: coordinators create and update volunteers,
# admins every member of their shelter; only admins give a role above volunteer, change protected identity,
# or change a protected member's contact data. And a coordinator never learns a hidden e-mail address: a row
# is matched only against members whose address she may see (members.models.may_see_contact_data), so a
# protected member's address reads, for her, exactly like an address nobody in the shelter has.


def _importer_refusal(*, organisation: Organisation, by: Member) -> str | None:
    """Why `by` may not import into this shelter at all, or None: she must be a current coordinator or admin
    of this shelter (the pages check it on the door; the service holds the rule for every caller)."""
    if (
        by.organisation_id != organisation.pk
        or not by.is_coordinator
        or by.erased_at is not None
        or by.status == MemberStatus.LEFT
    ):
        return _("Only the shelter's coordinators and admins can import.")
    return None


def _matchable_members(*, organisation: Organisation, by: Member) -> tuple[dict[str, Member], set[str]]:
    """The members a row of `by`'s file can match, by lower-cased e-mail, and the addresses more than one of
    them has (a protected member may share an address with another member: such a row is refused, never
    guessed). A coordinator's rows match only members whose e-mail she may see."""
    matchable: dict[str, Member] = {}
    ambiguous: set[str] = set()
    for member in Member.objects.for_organisation(organisation).exclude(email=""):
        if not may_see_contact_data(by, member):
            continue
        key = member.email.lower()
        if key in matchable:
            ambiguous.add(key)
        matchable[key] = member
    return matchable, ambiguous


def _ambiguous_email_message() -> str:
    return _(
        "More than one member of this shelter has this e-mail address, so the row cannot be matched. "
        "Give one of them another address first."
    )


def _changed_fields(current: Member, row: dict) -> dict:
    """The row's values that differ from the member's (a value that cannot be compared counts as changed)."""
    changes = {}
    for name, value in row.items():
        before = getattr(current, name)
        if name == "phone":
            before = before.as_e164 if before else ""
        if before != value:
            changes[name] = value
    return changes


def _member_row_refusal(*, by: Member, current: Member | None, row: dict) -> tuple[str, str] | None:
    """Why `by` may not write this row, as (column, message), or None. A row for someone she does not manage
    is refused only when it would change her, so a re-imported member list can still list everyone."""
    role_refused = _("Only an admin can give the coordinator or admin role.")
    if current is None:
        if row["role"] not in grantable_roles(by):
            return "role", role_refused
        return None  # a new member: a coordinator may also give her protected identity ("yes")
    changes = _changed_fields(current, row)
    if not changes:
        return None
    try:
        check_changes(by, current, changes)
    except RankRefused as refused:
        # The same rules as members.rank, told in the column that breaks them.
        if not may_manage(by, current):
            return "email", refused.message
        if "role" in changes and changes["role"] not in grantable_roles(by):
            return "role", role_refused
        if "protected_identity" in changes:
            return "protected_identity", refused.message
        return min(CONTACT_FIELDS & changes.keys(), default="email"), refused.message
    return None


def _members_preview(*, organisation: Organisation, content: bytes, by: Member, dry_run: bool) -> ImportPreview:
    from .resources import MemberImportResource

    preview = ImportPreview(MEMBERS)
    if refusal := _importer_refusal(organisation=organisation, by=by):
        preview.file_errors = [refusal]
        return preview
    try:
        table = _parse_table(content, MEMBERS)
    except ImportFileError as error:
        preview.file_errors = error.messages
        return preview
    cleaned = _clean_rows(table, _member_cleaners(), preview.errors)
    email_label = str(MEMBER_COLUMNS[2].label)
    _flag_duplicates(
        cleaned,
        lambda row: row["email"].lower(),
        email_label,
        _("The same e-mail address is also on line %(lines)s."),
        preview.errors,
    )
    existing, ambiguous = _matchable_members(organisation=organisation, by=by)
    extensions = member_import_extensions()
    extension_fields = {column.field for extension in extensions for column in extension.columns}
    headers = [c.field for c in table.columns if c is not None and c.field not in extension_fields]
    headers += [name for name in MEMBER_KEEP_WHEN_BLANK if name not in headers]
    ready = []
    extension_values: dict[int, dict] = {}  # line → the extensions' cleaned cells
    labels = {column.field: str(column.label) for column in columns_of(MEMBERS)}
    for line, row in cleaned:
        if row is None:
            continue
        extension_values[line] = {name: row.pop(name) for name in list(row) if name in extension_fields}
        if row["email"].lower() in ambiguous:
            preview.errors.append(LineError(line, email_label, _ambiguous_email_message()))
            continue
        current = existing.get(row["email"].lower())
        if current is not None:
            row["email"] = current.email  # a different letter case is the same address
        for name in MEMBER_KEEP_WHEN_BLANK:
            if row.get(name) in (None, ""):
                row[name] = getattr(current, name) if current is not None else MEMBER_DEFAULTS[name]
        if row_refusal := _member_row_refusal(by=by, current=current, row=row):
            column, message = row_refusal
            preview.errors.append(LineError(line, labels[column], message))
            continue
        filled = [name for name, value in extension_values[line].items() if value not in (None, "")]
        if filled and current is not None and not may_manage(by, current):
            preview.errors.append(
                LineError(line, labels[filled[0]], _("Only an admin can change a coordinator or an admin."))
            )
            continue
        extension_errors = [
            LineError(line, labels[name], message)
            for extension in extensions
            for name, message in extension.row_errors(extension_values[line], today=_today(organisation))
        ]
        if extension_errors:
            preview.errors.extend(extension_errors)
            continue
        ready.append((line, row))
    preview.errors.sort(key=lambda e: e.line)
    if preview.errors:
        return preview
    resource = MemberImportResource(
        organisation=organisation, existing=existing, today=_today(organisation), write=not dry_run
    )
    result = _run_resource(
        resource,
        headers,
        ready,
        preview,
        dry_run=dry_run,
        summary=lambda row: f"{row.get('first_name', '')} {row.get('last_name', '')}".strip() + f" <{row['email']}>",
    )
    if not dry_run and not preview.errors and extensions:
        member_ids = [
            row_result.object_id or existing[row["email"].lower()].pk
            for row_result, (_line, row) in zip(result.rows, ready, strict=True)
        ]
        members = Member.objects.select_related("organisation").in_bulk(member_ids)
        for member_id, (line, _row) in zip(member_ids, ready, strict=True):
            for extension in extensions:
                extension.write(
                    member=members[member_id], values=extension_values[line], by=by, today=_today(organisation)
                )
    return preview


def _payments_preview(*, organisation: Organisation, content: bytes, by: Member, dry_run: bool) -> ImportPreview:
    from .resources import PaymentImportResource

    preview = ImportPreview(PAYMENTS)
    if refusal := _importer_refusal(organisation=organisation, by=by):
        preview.file_errors = [refusal]
        return preview
    try:
        table = _parse_table(content, PAYMENTS)
    except ImportFileError as error:
        preview.file_errors = error.messages
        return preview
    cleaned = _clean_rows(table, _payment_cleaners(), preview.errors)
    members, ambiguous = _matchable_members(organisation=organisation, by=by)
    email_label = str(PAYMENT_COLUMNS[0].label)
    ready = []
    for line, row in cleaned:
        if row is None:
            continue
        if row["email"].lower() in ambiguous:
            preview.errors.append(LineError(line, email_label, _ambiguous_email_message()))
            continue
        member = members.get(row["email"].lower())
        if member is None:
            preview.errors.append(
                LineError(
                    line,
                    email_label,
                    _("No member of this shelter has the e-mail address “%(value)s”.") % {"value": row["email"]},
                )
            )
            continue
        row["member"] = member.pk
        row.setdefault("method", PaymentMethod.SWISH)
        row["method"] = row["method"] or PaymentMethod.SWISH
        row.setdefault("reference", "")
        ready.append((line, row))
    _flag_duplicates(
        ready,
        lambda row: (row["member"], row["year"], row["paid_on"]),
        email_label,
        _("The same member, year and payment date are also on line %(lines)s."),
        preview.errors,
    )
    preview.errors.sort(key=lambda e: e.line)
    if preview.errors:
        return preview
    existing = {
        (p.member_id, p.year, p.paid_on): p
        for p in Payment.objects.for_organisation(organisation).filter(
            member_id__in={row["member"] for _l, row in ready}
        )
    }
    resource = PaymentImportResource(organisation=organisation, existing=existing, write=not dry_run)
    names = {m.pk: m.full_name for m in members.values()}
    _run_resource(
        resource,
        ["member", "year", "amount", "paid_on", "method", "reference"],
        ready,
        preview,
        dry_run=dry_run,
        summary=lambda row: f"{names[row['member']]}: {row['year']}, {row['amount']} kr, {row['paid_on'].isoformat()}",
    )
    return preview


def _today(organisation: Organisation) -> date:
    return timezone.localdate(timezone=organisation.zone)


# --- Services -----------------------------------------------------------------------------------


def import_preview(*, kind: str, organisation: Organisation, content: bytes, by: Member) -> ImportPreview:
    """Check the whole file as `by` (the acting coordinator or admin) and tell each row's outcome without
    writing anything. A row she may not write (members.rank) is an error on its line; her rows match only
    members whose e-mail she may see, so a hidden address reads like an unknown one."""
    if kind == MEMBERS:
        return _members_preview(organisation=organisation, content=content, by=by, dry_run=True)
    return _payments_preview(organisation=organisation, content=content, by=by, dry_run=True)


@transaction.atomic
def import_confirm(*, kind: str, organisation: Organisation, content: bytes, by: Member) -> ImportPreview:
    """Import the file as `by` in one transaction, or nothing: any error (a bad cell, or a row above her
    rank, as in import_preview) raises ImportRefused and rolls back."""
    if kind == MEMBERS:
        preview = _members_preview(organisation=organisation, content=content, by=by, dry_run=False)
    else:
        preview = _payments_preview(organisation=organisation, content=content, by=by, dry_run=False)
    if preview.has_errors:
        transaction.set_rollback(True)
        count = len(preview.errors) + len(preview.file_errors)
        raise ImportRefused(
            ngettext(
                "The file has %(count)s error; nothing was imported.",
                "The file has %(count)s errors; nothing was imported.",
                count,
            )
            % {"count": count}
        )
    return preview


# --- The uploaded file, kept on the server between preview and confirm -------------------------------


TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadExpired(JourplanError):
    """The file behind a preview was kept for an hour and is gone: the coordinator uploads it again."""


def _upload_path(*, kind: str, organisation: Organisation, member: Member, token: str) -> Path:
    return UPLOAD_DIR / f"{organisation.pk}-{member.pk}-{kind}-{token}.upload"


def _forget_expired(now: float) -> None:
    if not UPLOAD_DIR.is_dir():
        return
    cutoff = now - UPLOAD_MAX_AGE_SECONDS
    for old in UPLOAD_DIR.glob("*.upload"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _issued_at(token: str) -> int | None:
    # A token starts with the time it was issued (8 hex digits), so expiry is told even after the file is gone.
    try:
        return int(token[:8], 16)
    except ValueError:
        return None


def upload_store(*, kind: str, organisation: Organisation, member: Member, content: bytes) -> str:
    """Keep the uploaded file for the confirm step, for an hour at most, readable by the app's user alone;
    the token only works for this shelter and member. Files older than an hour are removed on the way."""
    now = time.time()
    # The files hold names, phone numbers and addresses: nobody but the app's own user may list or read them.
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    UPLOAD_DIR.chmod(0o700)
    _forget_expired(now)
    token = f"{int(now):08x}{secrets.token_urlsafe(24)}"
    path = _upload_path(kind=kind, organisation=organisation, member=member, token=token)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
    return token


def upload_load(*, kind: str, organisation: Organisation, member: Member, token: str) -> bytes | None:
    """The stored file, only for the same shelter, member and kind of import that uploaded it; None when
    there is none. Raises UploadExpired when the preview is older than an hour (the file is then removed)."""
    if kind not in COLUMNS or not TOKEN_PATTERN.match(token or ""):
        return None
    now = time.time()
    path = _upload_path(kind=kind, organisation=organisation, member=member, token=token)
    issued = _issued_at(token)
    try:
        stored = path.stat().st_mtime
    except OSError:
        stored = None
    expired = (issued is not None and now - issued > UPLOAD_MAX_AGE_SECONDS) or (
        stored is not None and now - stored > UPLOAD_MAX_AGE_SECONDS
    )
    if expired:
        path.unlink(missing_ok=True)
    _forget_expired(now)
    if expired:
        raise UploadExpired(
            _("The preview has expired: an uploaded file is kept for an hour only. Upload the file again.")
        )
    try:
        return path.read_bytes()
    except OSError:
        return None


def upload_discard(*, kind: str, organisation: Organisation, member: Member, token: str) -> None:
    if kind in COLUMNS and TOKEN_PATTERN.match(token or ""):
        _upload_path(kind=kind, organisation=organisation, member=member, token=token).unlink(missing_ok=True)


def uploads_forget(*, organisation: Organisation) -> int:
    """Delete every stored upload of this shelter, whoever uploaded it (member erasure calls this: a file
    waiting for its confirm step may hold the erased member's name, phone and address). Returns how many."""
    if not UPLOAD_DIR.is_dir():
        return 0
    removed = 0
    for path in UPLOAD_DIR.glob(f"{organisation.pk}-*.upload"):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
