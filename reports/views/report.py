"""The coordinator's report for a period: the page, its CSV and XLSX (through core.exports) and its PDF."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format

from core.audit import log_export
from core.exports import export_response
from members.access import in_organisation_time

from ..charts import hours_chart
from ..exports import render_pdf, spreadsheet
from ..figures import report_for
from ..periods import MAX_MONTHS, Period, PeriodRefused, last_year, period_from_query, this_year
from ..tables import month_tables
from .access import coordinators_only


def period_label(period: Period) -> str:
    first, last = date_format(period.first, "F Y"), date_format(period.last, "F Y")
    return first if period.first == period.last else f"{first} – {last}"


def _period(request):
    """(period, None) or (None, the page answering 400 with the reason)."""
    today = timezone.localdate()
    try:
        return period_from_query(request.GET, today), None
    except PeriodRefused as refused:
        context = _form_context(request, last_year(today))
        context.update(
            {
                "error": refused.message,
                "form_from": request.GET.get("from", "")[:7],
                "form_to": request.GET.get("to", "")[:7],
            }
        )
        return None, render(request, "reports/report.html", context, status=400)


def _form_context(request, period: Period) -> dict:
    today = timezone.localdate()
    return {
        "period": period,
        "period_label": period_label(period),
        "form_from": f"{period.first:%Y-%m}",
        "form_to": f"{period.last:%Y-%m}",
        "max_months": MAX_MONTHS,
        "last_year": last_year(today),
        "this_year": this_year(today),
        "report": None,
        "error": "",
    }


@coordinators_only
@in_organisation_time
def report_page(request):
    period, refused = _period(request)
    if refused is not None:
        return refused
    report = report_for(request.organisation, period, timezone.now())
    context = _form_context(request, period)
    context.update({"report": report, "tables": month_tables(report), "chart": hours_chart(report)})
    return render(request, "reports/report.html", context)


def _export(request, file_format: str):
    period, refused = _period(request)
    if refused is not None:
        return refused
    report = report_for(request.organisation, period, timezone.now())
    header, rows = spreadsheet(report)
    return export_response(
        request,
        what=f"report_{file_format}",
        filename=f"rapport-{period.slug()}.{file_format}",
        header=header,
        rows=rows,
        file_format=file_format,
    )


@coordinators_only
@in_organisation_time
def report_csv(request):
    return _export(request, "csv")


@coordinators_only
@in_organisation_time
def report_xlsx(request):
    return _export(request, "xlsx")


@coordinators_only
@in_organisation_time
def report_pdf(request):
    period, refused = _period(request)
    if refused is not None:
        return refused
    now = timezone.now()
    report = report_for(request.organisation, period, now)
    content = render_pdf(
        report,
        context={
            "organisation": request.organisation,
            "period_label": period_label(period),
            "tables": month_tables(report),
            "made_on": timezone.localdate(),
        },
    )
    log_export(obj=request.organisation, what="report_pdf", by=request.member)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="rapport-{period.slug()}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
