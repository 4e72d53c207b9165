"""The federation operator's view of the figures shelters shared: shelters that shared only, small counts hidden."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from core.params import year_param

from ..federation import SUPPRESSED, federation_table
from .access import operator_required


@operator_required
def federation_figures(request):
    last_year = timezone.localdate().year - 1
    year = year_param(request, last_year)
    table = federation_table(year)
    return render(
        request,
        "reports/federation_figures.html",
        {"table": table, "year": year, "previous_year": year - 1, "next_year": year + 1, "suppressed": SUPPRESSED},
    )
