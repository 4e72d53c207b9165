"""The one export writer: every CSV or Excel file Jourplan hands out is written here.

It neutralises spreadsheet formulas in every cell, the header row included (a course or a person named
`=HYPERLINK(…)` must reach the spreadsheet as text, not run), records one audit entry saying who exported
what, and marks the answer as not to be cached. A test fails when a module outside this one writes CSV.

(To move to core/ with the platform.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import tablib
from django.db import models
from django.http import HttpResponse
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .audit import log_export
from .http import ShelterRequest

# What makes a spreadsheet program read a text cell as a formula (OWASP's list): = + - @, a tab, a CR.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
BOM = "\ufeff"  # so spreadsheet programs read the CSV as UTF-8 (å, ä, ö)


def neutralise_formula(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; other values stay."""
    return _neutralise_text(value) if isinstance(value, str) else value


def _csv_cell(value: object) -> str:
    return "" if value is None else _neutralise_text(str(value))


def _neutralise_text(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _xlsx_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value  # numbers and dates stay numbers and dates in the workbook; none of them is a formula
    # Control characters (other than tab, LF, CR) cannot be stored in a workbook at all.
    return _neutralise_text(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def export_content(
    *, header: Sequence[object], rows: Iterable[Sequence[object]], file_format: str = "csv", delimiter: str = ";"
) -> bytes:
    """The file's bytes: CSV (UTF-8 with BOM, `delimiter`-separated) or XLSX, every cell neutralised."""
    if file_format == "xlsx":
        dataset = tablib.Dataset(headers=[_xlsx_cell(cell) for cell in header])
        for row in rows:
            dataset.append([_xlsx_cell(cell) for cell in row])
        content: bytes = dataset.export("xlsx")
        return content
    if file_format != "csv":
        raise ValueError(f"unknown export format {file_format!r}")
    text = io.StringIO(newline="")
    text.write(BOM)
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow([_csv_cell(cell) for cell in header])
    writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    return text.getvalue().encode("utf-8")


def export_response(
    request: ShelterRequest,
    *,
    what: str,
    filename: str,
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    file_format: str = "csv",
    delimiter: str = ";",
    about: models.Model | None = None,
) -> HttpResponse:
    """A download of `header` and `rows`, neutralised, with one audit entry (`what`, by the requesting member,
    on `about` or else her shelter). The rows are read before the entry is written, so a failed export
    records nothing."""
    content = export_content(header=header, rows=rows, file_format=file_format, delimiter=delimiter)
    log_export(obj=about if about is not None else request.organisation, what=what, by=request.member)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
