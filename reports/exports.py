"""The report as rows for a spreadsheet (one list for CSV and XLSX, written by core.exports) and as a PDF.

The PDF is made by WeasyPrint from a template with its own inline style and the chart as inline SVG. It never
fetches anything from the network: its URL fetcher serves Jourplan's own static files only (found through the
staticfiles finders, so a path cannot leave them) and refuses every other address. Fonts are the system's
(DejaVu Sans through fontconfig): no web font is loaded.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .charts import hours_chart
from .figures import MonthRow, Report

# The PDF's base address: relative links resolve to it, and only its static path is ever served.
PDF_BASE_URL = "https://jourplan.invalid/"


def spreadsheet(report: Report) -> tuple[list[object], list[list[object]]]:
    """The header and rows of the report's CSV and XLSX, raw (the export writer neutralises every cell)."""
    header: list[object] = [_("Section"), _("Row"), *(f"{month:%Y-%m}" for month in report.months), _("Total")]
    rows: list[list[object]] = []

    def add(section: str, row: MonthRow, label: str | None = None) -> None:
        rows.append([section, label if label is not None else row.label, *row.values, row.total])

    for row in report.shift_hours:
        add(_("Volunteer hours on shifts, per line"), row)
    add(_("Volunteer hours on shifts, per line"), report.shift_hours_total)
    for row in report.time_hours:
        add(_("Other volunteer time, per kind (hours)"), row)
    add(_("Other volunteer time, per kind (hours)"), report.time_hours_total)
    add(_("All volunteer hours"), report.hours_total)
    for line in report.opening:
        add(_("Opening hours planned"), line.planned)
    add(_("Opening hours planned"), report.opening_planned_total, _("All lines"))
    for line in report.opening:
        add(_("Opening hours staffed"), line.staffed)
    add(_("Opening hours staffed"), report.opening_staffed_total, _("All lines"))
    for row in report.counts:
        add(_("Volunteers and trainings"), row)
    return header, rows


class RefusedAddress(ValueError):
    """WeasyPrint asked for something that is not one of Jourplan's static files."""


def static_file_for(url: str) -> Path:
    """The file of one of Jourplan's static files at `url` (under PDF_BASE_URL + STATIC_URL); refuses anything
    else: another host or scheme, a path outside the static files, a file that does not exist."""
    parts = urlsplit(url)
    base = urlsplit(PDF_BASE_URL)
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(static_prefix):
        raise RefusedAddress(f"not a Jourplan static file: {url!r}")
    relative = unquote(parts.path[len(static_prefix) :])
    if not relative or ".." in Path(relative).parts or relative.startswith("/"):
        raise RefusedAddress(f"not a Jourplan static file: {url!r}")
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        found = None
    if not found or isinstance(found, list):
        raise RefusedAddress(f"no such static file: {url!r}")
    return Path(found)


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """Serves Jourplan's static files to WeasyPrint and refuses every other address (no network, no disk)."""

        def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
            path = static_file_for(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher


def static_only_fetcher():
    return _url_fetcher_class()()


def render_pdf(report: Report, *, context: dict[str, object]) -> bytes:
    """The report as a printable PDF (A4), chart included."""
    from weasyprint import HTML

    html = render_to_string(
        "reports/report_pdf.html",
        {"report": report, "chart": hours_chart(report), **context},
    )
    pdf: bytes = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=static_only_fetcher()).write_pdf()
    return pdf
