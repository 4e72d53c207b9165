"""Calendar-feed pages: her link (shown once after it is made), renew and revoke; the token feed itself."""

from __future__ import annotations

from allauth.core.internal import ratelimit  # the public consume() never limits GET requests
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.access import volunteer_required

from ..feeds import calendar_token_renew, calendar_token_revoke, line_feed, personal_feed, token_hash, token_lookup
from ..models import CalendarToken, Line


def _line_from(request) -> Line | None:
    line_id = request.POST.get("line") or ""
    if not line_id:
        return None
    if not request.member.is_coordinator or not line_id.isdigit():
        raise Http404
    return get_object_or_404(Line.objects.for_organisation(request.organisation).active(), pk=int(line_id))


def _page(request, *, new_link: str | None = None, new_line: Line | None = None):
    tokens = {t.line_id: t for t in CalendarToken.objects.filter(member=request.member)}
    lines = list(Line.objects.for_organisation(request.organisation).active()) if request.member.is_coordinator else []
    context = {
        "personal_token": tokens.get(None),
        "line_rows": [(line, tokens.get(line.pk)) for line in lines],
        "new_link": new_link,
        "new_line": new_line,
    }
    return render(request, "shifts/feed_settings.html", context)


@volunteer_required
def calendar_settings(request):
    return _page(request)


@require_POST
@volunteer_required
def calendar_renew(request):
    line = _line_from(request)
    token = calendar_token_renew(member=request.member, line=line)
    link = request.build_absolute_uri(
        reverse("shifts:calendar_feed", kwargs={"organisation": request.organisation.slug, "token": token})
    )
    return _page(request, new_link=link, new_line=line)


@require_POST
@volunteer_required
def calendar_revoke(request):
    line = _line_from(request)
    if calendar_token_revoke(member=request.member, line=line):
        messages.success(request, _("The calendar link is revoked. Calendars that used it get nothing more."))
    return redirect("shifts:calendar", organisation=request.organisation.slug)


def calendar_feed(request, organisation, token):
    """No login: calendar apps cannot log in. The secret token is the key; an unknown or revoked one is a 404.
    Rate-limited per address and per token (ACCOUNT_RATE_LIMITS["calendar_feed"]): 429 with Retry-After."""
    if not ratelimit.consume(
        request, app="allauth.account", action="calendar_feed", key=token_hash(token), limit_get=True
    ):
        response = HttpResponse(_("Too many requests. Try again in a minute."), status=429)
        response["Retry-After"] = "60"
        return response
    found = token_lookup(token, organisation)
    if found is None:
        raise Http404
    body = line_feed(found) if found.line_id else personal_feed(found)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
