"""The annual figures a shelter may share with the federation, and the operator's table of them.

A share is a snapshot of whole numbers under fixed keys (FIGURES): no line, kind or course names (a shelter's
own words could name a person), no member ids, nothing per month. The operator's table shows only shelters with a
current share for the year, and passes every column through reports.suppression: each value below 5 shows as
"<5", and totals or further cells are hidden wherever subtraction would reveal one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from core.models import Organisation

from .figures import Report, report_for
from .models import FigureShare
from .periods import Period
from .suppression import THRESHOLD, protect

# Volunteer hours add up across a row: shifts + other time = all hours (one suppression table with row totals).
HOUR_FIGURES = (
    ("shift_hours", _("Shift hours")),
    ("other_hours", _("Other volunteer time (hours)")),
)
HOURS_TOTAL_LABEL = _("All volunteer hours")
# Separate measures: each column on its own (column totals only).
COUNT_FIGURES = (
    ("opening_hours_planned", _("Opening hours planned")),
    ("opening_hours_staffed", _("Opening hours staffed")),
    ("active_volunteers", _("Active volunteers")),
    ("new_volunteers", _("New volunteers")),
    ("trainings_held", _("Trainings held")),
    ("trainings_completed", _("Trainings completed")),
)
FIGURES = (*HOUR_FIGURES, *COUNT_FIGURES)
FIGURE_KEYS = tuple(key for key, _label in FIGURES)
SUPPRESSED = "<5"
assert THRESHOLD == 5  # the label above says so


def _whole(value: Decimal | int) -> int:
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 1))


def figures_from_report(report: Report) -> dict[str, int]:
    """The shareable numbers of a year's report: whole numbers under FIGURE_KEYS, nothing else."""
    return {
        "shift_hours": _whole(report.shift_hours_total.total),
        "other_hours": _whole(report.time_hours_total.total),
        "opening_hours_planned": _whole(report.opening_planned_total.total),
        "opening_hours_staffed": _whole(report.opening_staffed_total.total),
        "active_volunteers": int(report.active_volunteers.total),
        "new_volunteers": int(report.new_volunteers.total),
        "trainings_held": int(report.trainings_held.total),
        "trainings_completed": int(report.trainings_completed.total),
    }


def annual_figures(organisation: Organisation, year: int, now: datetime) -> dict[str, int]:
    return figures_from_report(report_for(organisation, year_period(year), now))


def fingerprint(figures: dict[str, int]) -> str:
    """What the admin saw, so that sharing stores exactly that (figures that changed meanwhile are refused)."""
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()[:32]


def labelled(figures: dict[str, int]) -> list[tuple[str, int]]:
    """(label, value) in the table's order, the hours' total included: what the admin's page shows."""
    rows = [(str(label), figures.get(key, 0)) for key, label in HOUR_FIGURES]
    rows.insert(2, (str(HOURS_TOTAL_LABEL), figures.get("shift_hours", 0) + figures.get("other_hours", 0)))
    return rows + [(str(label), figures.get(key, 0)) for key, label in COUNT_FIGURES]


def shown(value: int | None) -> str:
    return SUPPRESSED if value is None else str(value)


@dataclass
class FederationRow:
    name: str
    hours: list[str]  # shift hours, other hours, all hours
    counts: list[str]


@dataclass
class FederationTable:
    year: int
    rows: list[FederationRow]
    hours_total: list[str]
    counts_total: list[str]

    @property
    def hour_labels(self) -> list[str]:
        return [str(label) for _key, label in HOUR_FIGURES] + [str(HOURS_TOTAL_LABEL)]

    @property
    def count_labels(self) -> list[str]:
        return [str(label) for _key, label in COUNT_FIGURES]


def federation_table(year: int) -> FederationTable:
    """Shared figures of `year`, one row per sharing shelter (by name) and the totals, suppressed. One query."""
    shares = list(
        FigureShare.objects.current()
        .filter(year=year)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )
    hours = protect([[int(share.figures.get(key, 0)) for key, _label in HOUR_FIGURES] for share in shares])
    counts = protect(
        [[int(share.figures.get(key, 0)) for key, _label in COUNT_FIGURES] for share in shares], row_totals=False
    )
    rows = []
    for index, share in enumerate(shares):
        row_total = hours.row_totals[index] if hours.row_totals is not None else None
        rows.append(
            FederationRow(
                name=share.organisation.name,
                hours=[shown(value) for value in [*hours.cells[index], row_total]],
                counts=[shown(value) for value in counts.cells[index]],
            )
        )
    return FederationTable(
        year=year,
        rows=rows,
        hours_total=[shown(value) for value in [*hours.column_totals, hours.grand_total]],
        counts_total=[shown(value) for value in counts.column_totals],
    )
