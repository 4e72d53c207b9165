"""Coordinator pages of the rota: the month and week calendars, under-staffed shifts, the shift page with its
actions (assign, remove, cancel, change), and publishing. Reads come from shifts/selectors.py, writes from the
services; the views only translate between the request and them."""

from __future__ import annotations

import calendar
from datetime import timedelta

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.params import int_param, month_param, pk_param, week_param
from members.access import coordinator_required, in_organisation_time

from ..models import Line, Shift
from ..publishing import rota_publish
from ..selectors import rota_days, under_staffed_shifts, unpublished_count


def _shifts(request):
    return Shift.objects.for_organisation(request.organisation)


def _chosen_line(request) -> Line | None:
    pk = pk_param(request, "line")
    if pk is None:
        return None
    return get_object_or_404(Line.objects.for_organisation(request.organisation), pk=pk)


def _rota_context(request, line, **extra):
    return {
        "lines": list(Line.objects.for_organisation(request.organisation).active()),
        "line": line,
        "line_query": f"&line={line.pk}" if line else "",
        "unpublished": unpublished_count(request.organisation),
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
    days = rota_days(
        organisation=request.organisation, start=grid_start, end=grid_end, today=today, line=line, month=first
    )
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    context = _rota_context(
        request,
        line,
        first=first,
        days=days,
        weekdays=[grid_start + timedelta(days=i) for i in range(7)],
        previous=f"{previous:%Y-%m}",
        following=f"{following:%Y-%m}",
        week=f"{first - timedelta(days=first.weekday()):%Y-%m-%d}",
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
    days = rota_days(
        organisation=request.organisation, start=monday, end=monday + timedelta(days=6), today=today, line=line
    )
    context = _rota_context(
        request,
        line,
        monday=monday,
        days=days,
        previous=f"{monday - timedelta(days=7):%Y-%m-%d}",
        following=f"{monday + timedelta(days=7):%Y-%m-%d}",
        month=f"{monday:%Y-%m}",
        week_value=f"{monday:%Y-%m-%d}",
    )
    return render(request, "shifts/rota_week.html", context)


@coordinator_required
@in_organisation_time
def rota_gaps(request):
    """Under-staffed shifts in the next N weeks."""
    weeks = int_param(request, "weeks", 4, lo=1, hi=52, clamp=True)
    line = _chosen_line(request)
    shifts = under_staffed_shifts(organisation=request.organisation, now=timezone.now(), weeks=weeks, line=line)
    return render(
        request,
        "shifts/rota_gaps.html",
        _rota_context(request, line, shifts=shifts, weeks=weeks, weeks_value=str(weeks)),
    )


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
