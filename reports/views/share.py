"""The admin's page for sharing a year's figures with the federation: it shows exactly what would leave the
shelter, shares it on her confirmation, and lets her withdraw a share."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.params import MIN_YEAR, parse_int, year_param
from members.access import in_organisation_time

from ..federation import annual_figures, fingerprint, labelled
from ..models import FigureShare
from ..services import ShareRefused, figure_share, figure_share_withdraw
from .access import admins_only

YEARS_BACK = 10


@admins_only
@in_organisation_time
def share_page(request):
    organisation = request.organisation
    now = timezone.now()
    last_year = timezone.localdate().year - 1
    if request.method == "POST":
        year = parse_int(request.POST.get("year", "").strip(), None, lo=MIN_YEAR, hi=last_year)
        if year is None:
            messages.error(request, _("Only a year that is over can be shared."))
            return redirect("reports:share", organisation=organisation.slug)
        try:
            figure_share(member=request.member, year=year, seen=request.POST.get("seen", "")[:64], now=now)
        except ShareRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The figures of %(year)s are shared with the federation.") % {"year": year})
        return redirect(reverse("reports:share", kwargs={"organisation": organisation.slug}) + f"?year={year}")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    year = year_param(request, last_year)
    if not last_year - YEARS_BACK < year <= last_year:
        year = last_year
    figures = annual_figures(organisation, year, now)
    shares = list(FigureShare.objects.for_organisation(organisation).select_related("shared_by", "withdrawn_by"))
    current = next((share for share in shares if share.year == year and share.withdrawn_at is None), None)
    return render(
        request,
        "reports/share.html",
        {
            "year": year,
            "years": list(range(last_year, last_year - YEARS_BACK, -1)),
            "figures": labelled(figures),
            "seen": fingerprint(figures),
            "current": current,
            "current_figures": labelled(current.figures) if current else [],
            "current_differs": current is not None and current.figures != figures,
            "shares": shares,
        },
    )


@admins_only
def share_withdraw(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    share = get_object_or_404(FigureShare.objects.for_organisation(request.organisation), pk=pk)
    try:
        figure_share_withdraw(member=request.member, share=share)
    except ShareRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The figures of %(year)s are withdrawn.") % {"year": share.year})
    return redirect(
        reverse("reports:share", kwargs={"organisation": request.organisation.slug}) + f"?year={share.year}"
    )
