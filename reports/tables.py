"""The report laid out for reading: one table per topic with a row per month and a total row (page and PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .figures import MonthRow, Report


@dataclass
class MonthTable:
    slug: str
    caption: str
    columns: list[str]
    rows: list[tuple[date, list]]
    totals: list
    note: str = ""


def _table(slug: str, caption: str, columns: list[MonthRow], months: list[date], *, labels=None, note="") -> MonthTable:
    return MonthTable(
        slug=slug,
        caption=caption,
        columns=labels or [column.label for column in columns],
        rows=[(month, [column.values[index] for column in columns]) for index, month in enumerate(months)],
        totals=[column.total for column in columns],
        note=note,
    )


def month_tables(report: Report) -> list[MonthTable]:
    months = report.months
    hours_columns = [*report.shift_hours, *report.time_hours, report.hours_total]
    hours_labels = [
        *(_("Shifts: %(line)s") % {"line": row.label} for row in report.shift_hours),
        *(row.label for row in report.time_hours),
        report.hours_total.label,
    ]
    opening_columns: list[MonthRow] = []
    opening_labels: list[str] = []
    for line in report.opening:
        opening_columns += [line.planned, line.staffed]
        opening_labels += [
            _("%(line)s: planned") % {"line": line.label},
            _("%(line)s: staffed") % {"line": line.label},
        ]
    opening_columns += [report.opening_planned_total, report.opening_staffed_total]
    opening_labels += [_("All lines: planned"), _("All lines: staffed")]
    return [
        _table(
            "hours",
            _("Volunteer hours per month"),
            hours_columns,
            months,
            labels=hours_labels,
            note=_(
                "Shift hours per line (shifts that ended and were not cancelled, shadow shifts included, each "
                "volunteer's real hours) and approved volunteer time per kind."
            ),
        ),
        _table(
            "opening",
            _("Opening hours per month"),
            opening_columns,
            months,
            labels=opening_labels,
            note=_(
                "Planned: the hours of shifts that started and were not cancelled. Staffed: those of them with at "
                "least their minimum of confirmed volunteers."
            ),
        ),
        _table(
            "people",
            _("Volunteers and trainings per month"),
            report.counts,
            months,
            note=_(
                "Active: with a completed shift or approved volunteer time in the month; the total counts each "
                "volunteer once. New: became a member in the month. Trainings held: sessions of training courses "
                "(not meetings); completed: training records."
            ),
        ),
    ]
