"""The coordinators' pages: the approval queue (tick and approve many at once, return one with a reason; filtered
by kind and month) and the shelter's kinds of time.

Every form is a plain POST that redirects back to its page with a message; with htmx the same request swaps the
page's main part in place (hx-select="#main"), so the page works the same without JavaScript.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.params import MAX_PK, page_param, parse_int, parse_month
from members.access import MemberRequest, coordinator_required, in_organisation_time

from ..forms import KindNameForm, ReturnForm
from ..models import TimeEntry, TimeKind
from ..selectors import kind_rows, queue_entries, queue_rows
from ..services import (
    TimeLogError,
    time_entries_approve,
    time_entry_return,
    time_kind_activate,
    time_kind_create,
    time_kind_deactivate,
    time_kind_delete,
    time_kind_rename,
)

PAGE_SIZE = 50


def _filters(request: MemberRequest, source) -> tuple[TimeKind | None, date | None]:
    """?kind=<id of one of her shelter's kinds>&month=YYYY-MM; anything else is no filter."""
    kind_pk = parse_int((source.get("kind") or "").strip(), None, lo=1, hi=MAX_PK)
    kind = TimeKind.objects.for_organisation(request.organisation).filter(pk=kind_pk).first() if kind_pk else None
    month = parse_month((source.get("month") or "").strip(), date.min) if source.get("month") else None
    return kind, (month if month != date.min else None)


def _query(kind: TimeKind | None, month: date | None) -> str:
    params = {}
    if kind is not None:
        params["kind"] = str(kind.pk)
    if month is not None:
        params["month"] = month.strftime("%Y-%m")
    return urlencode(params)


def _back_to_queue(request: MemberRequest) -> HttpResponseRedirect:
    kind, month = _filters(request, request.POST)
    url = reverse("timelog:queue", kwargs={"organisation": request.organisation.slug})
    query = _query(kind, month)
    return redirect(f"{url}?{query}" if query else url)


@coordinator_required
@in_organisation_time
def queue(request: MemberRequest) -> HttpResponse:
    """The entries waiting for her decision (not her own, none above her rank), oldest day first."""
    organisation = request.organisation
    kind, month = _filters(request, request.GET)
    page = Paginator(queue_entries(organisation, request.member, kind=kind, month=month), PAGE_SIZE).get_page(
        page_param(request)
    )
    context = {
        "page": page,
        "rows": queue_rows(page.object_list),
        "kinds": list(TimeKind.objects.for_organisation(organisation)),
        "kind": kind,
        "month": month,
        "query": _query(kind, month),
        "return_form": ReturnForm(),
    }
    return render(request, "timelog/queue.html", context)


@require_POST
@coordinator_required
def approve(request: MemberRequest) -> HttpResponse:
    """Approve the ticked entries, or every entry the page showed (`scope=shown`), each sent as the version she
    saw; those decided or changed meanwhile are left, and she is told how many."""
    field = "shown" if request.POST.get("scope") == "shown" else "entries"
    versions = request.POST.getlist(field)[:PAGE_SIZE]
    if not versions:
        messages.error(request, _("Tick the time you approve."))
        return _back_to_queue(request)
    result = time_entries_approve(organisation=request.organisation, versions=versions, by=request.member)
    if result.approved:
        messages.success(
            request,
            ngettext("%(count)d entry approved.", "%(count)d entries approved.", result.approved)
            % {"count": result.approved},
        )
    if result.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d entry was not approved: it was changed, taken back or decided meanwhile.",
                "%(count)d entries were not approved: they were changed, taken back or decided meanwhile.",
                result.skipped,
            )
            % {"count": result.skipped},
        )
    return _back_to_queue(request)


@require_POST
@coordinator_required
def return_entry(request: MemberRequest, pk: int) -> HttpResponse:
    """Return one entry to her with a short reason."""
    entry = get_object_or_404(TimeEntry.objects.for_organisation(request.organisation), pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back_to_queue(request)
    seen = request.POST.get("version", "")[:60] or None
    try:
        time_entry_return(entry=entry, by=request.member, reason=form.cleaned_data["reason"], seen=seen)
    except TimeLogError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The time is returned to her with your reason."))
    return _back_to_queue(request)


# --- Kinds ------------------------------------------------------------------------------------------------------


def _kinds_page(request: MemberRequest, form: KindNameForm | None = None) -> HttpResponse:
    return render(
        request, "timelog/kinds.html", {"rows": kind_rows(request.organisation), "form": form or KindNameForm()}
    )


@coordinator_required
def kinds(request: MemberRequest) -> HttpResponse:
    """The shelter's kinds of time; POST: add one."""
    if request.method != "POST":
        return _kinds_page(request)
    form = KindNameForm(request.POST)
    if form.is_valid():
        try:
            time_kind_create(organisation=request.organisation, name=form.cleaned_data["name"], by=request.member)
        except TimeLogError as refused:
            form.add_error("name", refused.message)
        else:
            messages.success(request, _("The kind is added."))
            return redirect("timelog:kinds", organisation=request.organisation.slug)
    return _kinds_page(request, form)


def _own_kind(request: MemberRequest, pk: int) -> TimeKind:
    return get_object_or_404(TimeKind.objects.for_organisation(request.organisation), pk=pk)


def _after_kind(request: MemberRequest) -> HttpResponseRedirect:
    return redirect("timelog:kinds", organisation=request.organisation.slug)


@require_POST
@coordinator_required
def kind_rename(request: MemberRequest, pk: int) -> HttpResponse:
    kind = _own_kind(request, pk)
    form = KindNameForm(request.POST)
    try:
        if not form.is_valid():
            raise TimeLogError(*(str(error) for errors in form.errors.values() for error in errors))
        time_kind_rename(
            organisation=request.organisation, kind=kind, name=form.cleaned_data["name"], by=request.member
        )
    except TimeLogError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The kind is renamed."))
    return _after_kind(request)


@require_POST
@coordinator_required
def kind_active(request: MemberRequest, pk: int) -> HttpResponse:
    """Take a kind out of use (entries keep it) or back into use: `active=0` or `active=1`."""
    kind = _own_kind(request, pk)
    organisation = request.organisation
    try:
        if request.POST.get("active") == "1":
            time_kind_activate(organisation=organisation, kind=kind, by=request.member)
            messages.success(request, _("The kind is in use again."))
        else:
            time_kind_deactivate(organisation=organisation, kind=kind, by=request.member)
            messages.success(request, _("The kind is no longer offered. Time already logged keeps it."))
    except TimeLogError as refused:
        messages.error(request, refused.message)
    return _after_kind(request)


@require_POST
@coordinator_required
def kind_delete(request: MemberRequest, pk: int) -> HttpResponse:
    kind = _own_kind(request, pk)
    try:
        time_kind_delete(organisation=request.organisation, kind=kind, by=request.member)
    except TimeLogError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The kind is deleted."))
    return _after_kind(request)
