"""Coordinator pages of the rota: the month, week and day calendars, the gaps (shifts below their minimum), and
publishing. Reads come from shifts/selectors.py, writes from the services; the views only translate between the
request and them. Every page shows a bounded number of shifts whatever the shelter's size: the month and the
week fold a busy day ("+85 till, varav 3 luckor") into a link to its day page."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.params import date_param, int_param, month_param, pk_param, week_param
from members.access import coordinator_required, in_organisation_time

from ..availability import away_counts
from ..candidates import SUGGESTED_PER_GAP, rota_gap_suggestions
from ..models import Line
from ..publishing import rota_publish
from ..selectors import rota_days, under_staffed_count, under_staffed_shifts, unpublished_count

# How many shifts a day shows before it folds the rest into "+N till" (gaps first, so none is hidden silently).
MONTH_SHIFTS_PER_DAY = 8
WEEK_SHIFTS_PER_DAY = 12
# The day page lists every shift of the day up to this many (a very large shelter chooses a line).
DAY_SHIFTS = 200
# The gaps page lists this many a page, each with its first suggestions, and says how many there are in all.
GAPS_SHOWN = 25


def _chosen_line(request) -> Line | None:
    pk = pk_param(request, "line")
    if pk is None:
        return None
    return get_object_or_404(Line.objects.for_organisation(request.organisation), pk=pk)


def _shelter_lines(request) -> list[Line]:
    """Every line of the shelter (the calendars' read model and the line filter share them: one query)."""
    return list(Line.objects.for_organisation(request.organisation))


def _rota_context(
    request, line: Line | None, view: str, *, month: date, day: date, all_lines: list[Line] | None = None, **extra
):
    """What the toolbar, the view switch and the line filter need. `month` and `day` are where the switch's
    Month, Week and Day links go, so that switching keeps the period she is looking at. `all_lines`: the
    shelter's lines when the view has them already."""
    if all_lines is None:
        all_lines = _shelter_lines(request)
    lines = [each for each in all_lines if each.active]
    if line is not None and line not in lines:
        lines.append(line)  # an inactive line chosen by its link still shows as chosen
    line_query = f"&line={line.pk}" if line else ""
    urls = {
        name: reverse(f"shifts:rota_{name}", kwargs={"organisation": request.organisation.slug})
        for name in ("month", "week", "day", "gaps")
    }
    return {
        "lines": lines,
        "line": line,
        "line_query": line_query,
        "unpublished": unpublished_count(request.organisation),
        "view": view,
        "view_urls": {
            "month": f"{urls['month']}?month={month:%Y-%m}{line_query}",
            "week": f"{urls['week']}?week={day:%Y-%m-%d}{line_query}",
            "day": f"{urls['day']}?date={day:%Y-%m-%d}{line_query}",
            "gaps": f"{urls['gaps']}?weeks=4{line_query}",
        },
        **extra,
    }


@coordinator_required
@in_organisation_time
def rota_month(request):
    today = timezone.localdate()
    first = month_param(request, today.replace(day=1))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_start = first - timedelta(days=first.weekday())
    grid_end = last + timedelta(days=6 - last.weekday())
    line = _chosen_line(request)
    all_lines = _shelter_lines(request)
    days = rota_days(
        organisation=request.organisation,
        start=grid_start,
        end=grid_end,
        today=today,
        line=line,
        month=first,
        per_day=MONTH_SHIFTS_PER_DAY,
        names=False,
        away=away_counts(request.organisation, grid_start, grid_end),
        lines=all_lines,
    )
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    context = _rota_context(
        request,
        line,
        "month",
        all_lines=all_lines,
        month=first,
        day=today if first <= today <= last else first,
        first=first,
        days=days,
        weekdays=[grid_start + timedelta(days=i) for i in range(7)],
        previous=f"{previous:%Y-%m}",
        following=f"{following:%Y-%m}",
        month_value=f"{first:%Y-%m}",
    )
    return render(request, "shifts/rota_month.html", context)


@coordinator_required
@in_organisation_time
def rota_week(request):
    today = timezone.localdate()
    chosen = week_param(request, today)
    monday = chosen - timedelta(days=chosen.weekday())
    line = _chosen_line(request)
    all_lines = _shelter_lines(request)
    days = rota_days(
        organisation=request.organisation,
        start=monday,
        end=monday + timedelta(days=6),
        today=today,
        line=line,
        per_day=WEEK_SHIFTS_PER_DAY,
        lines=all_lines,
    )
    context = _rota_context(
        request,
        line,
        "week",
        all_lines=all_lines,
        month=monday.replace(day=1),
        day=chosen,
        monday=monday,
        days=days,
        previous=f"{monday - timedelta(days=7):%Y-%m-%d}",
        following=f"{monday + timedelta(days=7):%Y-%m-%d}",
        week_value=f"{monday:%Y-%m-%d}",
    )
    return render(request, "shifts/rota_week.html", context)


@coordinator_required
@in_organisation_time
def rota_day(request):
    """Every shift of one day (where the month's and the week's "+N till" lead), with who is on it."""
    today = timezone.localdate()
    day = date_param(request, today, "date")
    line = _chosen_line(request)
    all_lines = _shelter_lines(request)
    (rota_day,) = rota_days(
        organisation=request.organisation,
        start=day,
        end=day,
        today=today,
        line=line,
        per_day=DAY_SHIFTS,
        lines=all_lines,
    )
    context = _rota_context(
        request,
        line,
        "day",
        all_lines=all_lines,
        month=day.replace(day=1),
        day=day,
        day_shown=rota_day,
        previous=f"{day - timedelta(days=1):%Y-%m-%d}",
        following=f"{day + timedelta(days=1):%Y-%m-%d}",
        date_value=f"{day:%Y-%m-%d}",
        shown_limit=DAY_SHIFTS,
    )
    return render(request, "shifts/rota_day.html", context)


@coordinator_required
@in_organisation_time
def rota_gaps(request):
    """Shifts below their minimum in the next N weeks, GAPS_SHOWN a page (?page=), each with its first suggestions
    (shifts/candidates.py), and how many in all: the same number of queries whatever the number of gaps."""
    weeks = int_param(request, "weeks", 4, lo=1, hi=52, clamp=True)
    line = _chosen_line(request)
    now = timezone.now()
    total = under_staffed_count(organisation=request.organisation, now=now, weeks=weeks, line=line)
    pages = max(1, -(-total // GAPS_SHOWN))
    page = int_param(request, "page", 1, lo=1, hi=pages, clamp=True)
    offset = (page - 1) * GAPS_SHOWN
    shifts = under_staffed_shifts(
        organisation=request.organisation, now=now, weeks=weeks, line=line, limit=GAPS_SHOWN, offset=offset
    )
    suggested = rota_gap_suggestions(
        request.organisation, [shift.pk for shift in shifts if shift.is_gap], now, per_gap=SUGGESTED_PER_GAP
    )
    page_url = reverse("shifts:rota_gaps", kwargs={"organisation": request.organisation.slug})
    page_url += f"?weeks={weeks}{f'&line={line.pk}' if line else ''}&page="
    today = timezone.localdate()
    context = _rota_context(
        request,
        line,
        "gaps",
        month=today.replace(day=1),
        day=today,
        shifts=shifts,
        gaps=[(shift, suggested.get(shift.pk, [])) for shift in shifts],
        total=total,
        weeks=weeks,
        weeks_value=str(weeks),
        page=page,
        pages=pages,
        first_shown=offset + 1,
        last_shown=offset + len(shifts),
        previous_url=f"{page_url}{page - 1}" if page > 1 else "",
        next_url=f"{page_url}{page + 1}" if page < pages else "",
    )
    return render(request, "shifts/rota_gaps.html", context)


@require_POST
@coordinator_required
def rota_publish_view(request):
    told = rota_publish(organisation=request.organisation)
    if told:
        messages.success(
            request,
            ngettext(
                "Published: %(count)d volunteer gets a notice of her changes.",
                "Published: %(count)d volunteers get a notice of their changes.",
                told,
            )
            % {"count": told},
        )
    else:
        messages.info(request, _("There were no unpublished changes."))
    return redirect("shifts:rota_month", organisation=request.organisation.slug)
