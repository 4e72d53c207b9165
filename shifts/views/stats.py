"""Statistics pages for coordinators (thin: shifts/statistics.py does the counting)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import export_response
from core.params import year_param
from members.access import coordinator_required

from .. import statistics


def _year(request, now) -> int:
    return year_param(request, statistics.current_year(request.organisation, now))


@coordinator_required
def statistics_page(request):
    now = timezone.now()
    year = _year(request, now)
    organisation = request.organisation
    context = {
        "year": year,
        "previous_year": year - 1,
        "next_year": year + 1,
        "months": range(1, 13),
        "volunteers": statistics.hours_per_volunteer(organisation, year, now),
        "coverage": statistics.coverage_per_line(organisation, year, now),
        "inactive": statistics.inactive_volunteers(organisation, now),
        "inactive_days": organisation.inactive_after_days,
    }
    return render(request, "shifts/stats_overview.html", context)


@coordinator_required
def statistics_csv(request):
    now = timezone.now()
    year = _year(request, now)
    return export_response(
        request,
        what="statistics_csv",
        filename=f"shifts-{year}.csv",
        header=[_("Volunteer"), _("Year"), _("Month"), _("Shifts"), _("Hours")],
        rows=statistics.statistics_csv_rows(request.organisation, year, now),
        delimiter=",",
    )
