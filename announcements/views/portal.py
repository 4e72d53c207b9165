"""Her pages: the messages she got ("Meddelanden från jouren"), one message (opening it marks it read), the unread ones
on her start page (loaded by htmx into members/portal.html, like her next shifts), and her link from a notice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.params import MAX_PK, page_param
from members.access import MemberRequest, in_organisation_time, volunteer_required
from members.models import Member, MemberStatus

from ..models import Announcement, AnnouncementReceipt
from ..selectors import author_name, her_receipts
from ..services import announcement_read

PAGE_SIZE = 30
# Unread messages shown on her start page; the rest are on her messages page.
START_PAGE_ROWS = 5


@volunteer_required
@in_organisation_time
def mine(request: MemberRequest) -> HttpResponse:
    page = Paginator(her_receipts(request.member), PAGE_SIZE).get_page(page_param(request))
    rows = [(receipt, author_name(receipt.announcement)) for receipt in page.object_list]
    return render(request, "announcements/mine.html", {"page": page, "rows": rows})


def _her_copy(request: MemberRequest, pk: int) -> AnnouncementReceipt:
    """Her copy of the message `pk`: anyone else (a colleague, a coordinator who did not get it) gets a 404."""
    if pk > MAX_PK:  # no row has it (and SQLite cannot even compare it)
        raise Http404
    return get_object_or_404(her_receipts(request.member), announcement_id=pk)


@volunteer_required
@in_organisation_time
def read(request: MemberRequest, pk: int) -> HttpResponse:
    """The message; opening it marks it read (once)."""
    receipt = _her_copy(request, pk)
    announcement_read(announcement=receipt.announcement, member=request.member)
    context = {"receipt": receipt, "announcement": receipt.announcement, "author": author_name(receipt.announcement)}
    return render(request, "announcements/read.html", context)


def _unread_panel(request: MemberRequest) -> HttpResponse:
    unread = her_receipts(request.member).unread()
    rows = list(unread[: START_PAGE_ROWS + 1])
    context = {"rows": rows[:START_PAGE_ROWS], "more": len(rows) > START_PAGE_ROWS}
    return render(request, "announcements/partials/unread.html", context)


@volunteer_required
def unread(request: MemberRequest) -> HttpResponse:
    """Her unread messages for her start page (at most START_PAGE_ROWS, two queries); nothing when there are none."""
    return _unread_panel(request)


@require_POST
@volunteer_required
def mark_read(request: MemberRequest, pk: int) -> HttpResponse:
    """ "Mark as read" from her start page: htmx swaps in the panel without it; without JavaScript, back to the start
    page."""
    receipt = _her_copy(request, pk)
    announcement_read(announcement=receipt.announcement, member=request.member)
    if getattr(request, "htmx", False):
        return _unread_panel(request)
    return redirect("members:portal", organisation=request.organisation.slug)


@login_required
def open_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Her link from a notice (`/messages/<pk>/`, naming no shelter): to the message in the shelter that sent it, if
    she has a copy there; a 404 for anyone else."""
    user = request.user
    if pk > MAX_PK or not user.is_authenticated:
        raise Http404
    announcement = Announcement.objects.filter(pk=pk).only("pk", "organisation_id").first()
    if announcement is None:
        raise Http404
    member = (
        Member.objects.filter(user=user, organisation_id=announcement.organisation_id, erased_at=None)
        .exclude(status=MemberStatus.LEFT)
        .select_related("organisation")
        .first()
    )
    if member is None or not AnnouncementReceipt.objects.filter(announcement=announcement, member=member).exists():
        raise Http404
    return redirect("announcements:read", organisation=member.organisation.slug, pk=announcement.pk)
