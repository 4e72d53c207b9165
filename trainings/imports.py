"""Import of historical training records: parse, preview with line-numbered errors, all or nothing.

The file is read by the member import's reader (`members.imports.read_rows`: CSV with ; or , in UTF-8,
UTF-8 with BOM or cp1252, or XLSX) and needs a header row naming the columns in Swedish or English.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Organisation
from members.imports import ImportFileError, read_rows
from members.models import Member

from .models import Course, RecordSource, TrainingRecord

COLUMNS = {
    "email": {"email", "e-mail", "e-post", "epost", "mejl"},
    "course": {"course", "kurs", "utbildning"},
    "completed_on": {"completed_on", "completed on", "date", "datum", "genomförd", "genomförd den"},
}


@dataclass
class ImportRow:
    line: int
    member: Member
    course: Course
    completed_on: date
    duplicate: bool = False


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def new_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.duplicate]


def encode(content: bytes) -> str:
    """The uploaded file, carried from the preview to the confirmation in a hidden field."""
    return base64.b64encode(content).decode("ascii")


def decode(carried: str) -> bytes:
    try:
        return base64.b64decode(carried.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return b""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse(organisation: Organisation, content: bytes) -> ImportPreview:
    """Read and check every row (a fixed number of queries); nothing is written."""
    preview = ImportPreview()
    try:
        table = read_rows(content)
    except ImportFileError as unreadable:
        preview.errors.extend(unreadable.messages)
        return preview
    if not table or not any(_text(c) for c in table[0]):
        preview.errors.append(_("The file is empty."))
        return preview
    reader = iter(table)
    header = [_text(h).lower() for h in next(reader)]
    index = {}
    for key, names in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in names]
        if not found:
            preview.errors.append(_("Line 1: the column “%(column)s” is missing.") % {"column": sorted(names)[0]})
        else:
            index[key] = found[0]
    if preview.errors:
        return preview
    members = {m.email.lower(): m for m in Member.objects.for_organisation(organisation).current().exclude(email="")}
    courses = {c.name.casefold(): c for c in Course.objects.for_organisation(organisation).trainings()}
    existing = set(
        TrainingRecord.objects.for_organisation(organisation).values_list("member_id", "course_id", "completed_on")
    )
    today = timezone.localdate()
    seen = set()
    for number, cells in enumerate(reader, start=2):
        cells = [_text(c) for c in cells]
        if not any(cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        email = cells[index["email"]].lower()
        course_name = cells[index["course"]]
        raw_date = cells[index["completed_on"]]
        row_errors = []
        member = members.get(email)
        if member is None:
            row_errors.append(_("no member with the e-mail address “%(email)s”") % {"email": email})
        course = courses.get(course_name.casefold())
        if course is None:
            row_errors.append(_("no course named “%(course)s”") % {"course": course_name})
        try:
            completed_on = date.fromisoformat(raw_date)
        except ValueError:
            completed_on = None
            row_errors.append(_("“%(date)s” is not a date (YYYY-MM-DD)") % {"date": raw_date})
        if completed_on and completed_on > today:
            row_errors.append(_("the date %(date)s is in the future") % {"date": raw_date})
        if row_errors or member is None or course is None or completed_on is None:  # each None has its error
            preview.errors.append(_("Line %(line)s: %(errors)s.") % {"line": number, "errors": "; ".join(row_errors)})
            continue
        record = (member.pk, course.pk, completed_on)
        if record in seen:
            preview.errors.append(_("Line %(line)s: the same record appears twice in the file.") % {"line": number})
            continue
        seen.add(record)
        preview.rows.append(ImportRow(number, member, course, completed_on, duplicate=record in existing))
    if not preview.rows and not preview.errors:
        preview.errors.append(_("The file has no rows to import."))
    return preview


class ImportRefused(Exception):  # noqa: N818
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@transaction.atomic
def records_import(*, organisation: Organisation, content: bytes, recorded_by: Member) -> int:
    """Import every new row or none: the file is checked again, and any error refuses all of it."""
    preview = parse(organisation, content)
    if preview.errors:
        raise ImportRefused(preview.errors)
    for row in preview.new_rows:
        TrainingRecord(
            member=row.member,
            course=row.course,
            completed_on=row.completed_on,
            source=RecordSource.IMPORTED,
            recorded_by=recorded_by,
        ).save()
    return len(preview.new_rows)
