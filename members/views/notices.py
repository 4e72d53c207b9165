"""The coordinator's view of her shelter's outbox: notices that failed or are still waiting, and "try again"."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import page_param
from notices.models import Notice, NoticeStatus
from notices.outbox import STALE_CLAIM_REASON, kind_label, notice_retry

from ..access import coordinator_required

PAGE_SIZE = 100
LISTED_STATUSES = (NoticeStatus.FAILED, NoticeStatus.IN_DOUBT, NoticeStatus.PENDING, NoticeStatus.SENDING)


@coordinator_required
def notice_list(request):
    notices = (
        Notice.objects.for_organisation(request.organisation)
        .filter(status__in=LISTED_STATUSES)
        .select_related("recipient")
        .only(
            "pk",
            "kind",
            "status",
            "due_at",
            "attempts",
            "last_error",
            "organisation_id",
            "recipient",
            "recipient__first_name",
        )
        .order_by("status", "due_at", "pk")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(page_param(request))
    rows = [(notice, kind_label(notice.kind), _error_text(notice)) for notice in page.object_list]
    context = {"page": page, "rows": rows, "failed": NoticeStatus.FAILED, "in_doubt": NoticeStatus.IN_DOUBT}
    return render(request, "members/notices_list.html", context)


def _error_text(notice: Notice) -> str:
    if notice.last_error == STALE_CLAIM_REASON:
        return _("The worker stopped while sending; the notice may or may not have been delivered.")
    if notice.status == NoticeStatus.IN_DOUBT:
        return _(
            "The mail server or SMS provider took the notice but did not confirm it; "
            "it may or may not have been delivered."
        )
    return notice.last_error


@coordinator_required
@require_POST
def notice_retry_view(request, pk: int):
    # Another shelter's notice (or none) is a 404, like every other object of another shelter.
    get_object_or_404(Notice.objects.for_organisation(request.organisation).only("pk"), pk=pk)
    if notice_retry(notice_id=pk, organisation=request.organisation):
        messages.success(request, _("The notice will be sent again within a minute."))
    elif Notice.objects.filter(pk=pk, status=NoticeStatus.IN_DOUBT).exists():
        messages.error(request, _("This notice may already have been delivered, so it is not sent again."))
    else:
        messages.error(request, _("This notice cannot be tried again: it has not failed."))
    return redirect("members:notice_list", organisation=request.organisation.slug)
