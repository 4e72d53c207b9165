"""Statistics pages for coordinators (thin: shifts/statistics.py does the counting)."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from members.access import coordinator_required
from members.audit import log_export

from . import statistics


def _year(request, now) -> int:
    return statistics.parse_year(request.GET.get("year"), statistics.current_year(request.organisation, now))


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
    log_export(obj=request.organisation, what="statistics_csv", by=request.member)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="shifts-{year}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (å, ä, ö)
    writer = csv.writer(response)
    writer.writerow([_("Volunteer"), _("Year"), _("Month"), _("Shifts"), _("Hours")])
    writer.writerows(statistics.statistics_csv_rows(request.organisation, year, now))
    return response
