"""The coordinators' pages: the shelter's announcements with how many have read each, and the write form (write,
see how many it reaches, confirm)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.params import page_param, parse_int
from members.access import MemberRequest, coordinator_required, in_organisation_time

from ..forms import AnnouncementForm
from ..selectors import recipients, sent_queryset, sent_rows
from ..services import AnnouncementError, RecipientsChanged, announcement_send

PAGE_SIZE = 50
_SEND_KEY = re.compile(r"[A-Za-z0-9_-]{16,40}")


@coordinator_required
@in_organisation_time
def sent_list(request: MemberRequest) -> HttpResponse:
    page = Paginator(sent_queryset(request.organisation), PAGE_SIZE).get_page(page_param(request))
    return render(request, "announcements/sent_list.html", {"page": page, "rows": sent_rows(page.object_list)})


@coordinator_required
def write(request: MemberRequest) -> HttpResponse:
    """GET: the empty form. POST without the confirmation (or with filters changed since): the same form with the
    number of people it reaches now and a Send button. POST "send" from that confirmation: send, then the list."""
    organisation, author = request.organisation, request.member
    form = AnnouncementForm(request.POST or None, organisation=organisation)
    context: dict[str, Any] = {"form": form, "count": None}
    if request.method != "POST" or not form.is_valid():
        return render(request, "announcements/write.html", context)
    data = form.cleaned_data
    key_text = request.POST.get("send_key", "")
    send_key = key_text if _SEND_KEY.fullmatch(key_text) else ""
    expected = parse_int(request.POST.get("expected"), None, lo=0, hi=10**6)
    confirmed = request.POST.get("audience", "") == form.audience_key()
    if request.POST.get("step") == "send" and send_key and expected is not None and confirmed:
        audience = form.audience()
        try:
            announcement = announcement_send(
                organisation=organisation,
                author=author,
                title=data["title"],
                body=data["body"],
                lines=audience.lines,
                statuses=audience.statuses,
                qualified_for=audience.qualified_for,
                include_author=audience.include_author,
                send_key=send_key,
                expected_count=expected,
            )
        except RecipientsChanged as changed:
            form.add_error(None, changed.message)
            context["count"] = changed.count
        except AnnouncementError as refused:
            form.add_error(None, refused.message)
            return render(request, "announcements/write.html", context)
        else:
            count = announcement.receipts.count()
            messages.success(
                request,
                ngettext("The message is sent to %(count)d person.", "The message is sent to %(count)d people.", count)
                % {"count": count},
            )
            return redirect("announcements:sent", organisation=organisation.slug)
    else:
        if request.POST.get("step") == "send":
            form.add_error(None, _("The filters have changed since you checked them. Check the number and send again."))
        context["count"] = len(recipients(organisation, form.audience(), author=author, now=timezone.now()))
    # The confirmation step: the number it reaches now, the filters counted, and a key that makes a repeated send
    # (a double click, a resent form) harmless.
    context["send_key"] = send_key or secrets.token_urlsafe(16)
    context["audience_key"] = form.audience_key()
    return render(request, "announcements/write.html", context)
