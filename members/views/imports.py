"""Coordinator pages for importing members and payments (upload → preview → confirm) and exporting the list."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.exports import export_response
from core.request_limits import accepts_upload

from .. import imports
from ..access import coordinator_required
from ..resources import export_filename, members_export

logger = logging.getLogger(__name__)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (semicolon or comma separated) or Excel workbook (.xlsx), at most 2 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into smaller files.")
                % {"size": imports.MAX_BYTES // (1024 * 1024)}
            )
        return upload


def _titles(kind: str) -> dict:
    if kind == imports.MEMBERS:
        return {"title": _("Import members"), "confirm_url": "members:import_members_confirm"}
    return {"title": _("Import payments"), "confirm_url": "members:import_payments_confirm"}


def _upload_page(request, kind: str, form) -> HttpResponse:
    return render(
        request,
        "members/import_upload.html",
        {
            "form": form,
            "kind": kind,
            "columns": imports.columns_of(kind),
            "max_rows": imports.MAX_ROWS,
            "upload_url": f"members:import_{kind}",
            **_titles(kind),
        },
    )


def _upload(request, kind: str) -> HttpResponse:
    if request.method != "POST":
        return _upload_page(request, kind, ImportUploadForm())
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, kind, form)
    content = form.cleaned_data["file"].read()
    preview = imports.import_preview(kind=kind, organisation=request.organisation, content=content, by=request.member)
    token = None
    if not preview.has_errors:
        token = imports.upload_store(
            kind=kind, organisation=request.organisation, member=request.member, content=content
        )
    return render(
        request,
        "members/import_preview.html",
        {
            "preview": preview,
            "token": token,
            "kind": kind,
            "filename": form.cleaned_data["file"].name,
            "upload_url": f"members:import_{kind}",
            **_titles(kind),
        },
    )


def _confirm(request, kind: str) -> HttpResponse:
    token = request.POST.get("token", "")
    try:
        content = imports.upload_load(kind=kind, organisation=request.organisation, member=request.member, token=token)
    except imports.UploadExpired as expired:
        messages.error(request, expired.message)
        return redirect(f"members:import_{kind}", organisation=request.organisation.slug)
    if content is None:
        messages.error(request, _("The uploaded file is no longer available. Upload it again."))
        return redirect(f"members:import_{kind}", organisation=request.organisation.slug)
    try:
        preview = imports.import_confirm(
            kind=kind, organisation=request.organisation, content=content, by=request.member
        )
    except imports.ImportRefused as refused:
        messages.error(request, refused.message)
        return redirect(f"members:import_{kind}", organisation=request.organisation.slug)
    except DatabaseError:
        # The whole import is one transaction: a write the database refused rolled back every row.
        logger.exception("Import of %s refused by the database; rolled back", kind)
        messages.error(request, _("The database did not accept the import, so nothing was imported. Try again."))
        return redirect(f"members:import_{kind}", organisation=request.organisation.slug)
    finally:
        imports.upload_discard(kind=kind, organisation=request.organisation, member=request.member, token=token)
    messages.success(request, _("Import done: %(summary)s") % {"summary": preview.summary()})
    return redirect("members:member_list", organisation=request.organisation.slug)


@accepts_upload(imports.MAX_BYTES)
@coordinator_required
def import_members(request):
    return _upload(request, imports.MEMBERS)


@coordinator_required
@require_POST
def import_members_confirm(request):
    return _confirm(request, imports.MEMBERS)


@accepts_upload(imports.MAX_BYTES)
@coordinator_required
def import_payments(request):
    return _upload(request, imports.PAYMENTS)


@coordinator_required
@require_POST
def import_payments_confirm(request):
    return _confirm(request, imports.PAYMENTS)


def _export(request, file_format: str) -> HttpResponse:
    header, rows = members_export(organisation=request.organisation)
    return export_response(
        request,
        what=f"member list ({file_format})",
        filename=export_filename(file_format=file_format, today=timezone.localdate(timezone=request.organisation.zone)),
        header=header,
        rows=rows,
        file_format=file_format,
    )


@coordinator_required
def export_members_csv(request):
    return _export(request, "csv")


@coordinator_required
def export_members_xlsx(request):
    return _export(request, "xlsx")
