"""Coordinator pages for a member's training records: add one from outside, correct, delete, import many."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.request_limits import accepts_upload
from members.access import coordinator_required
from members.imports import MAX_BYTES
from members.models import Member

from .. import imports
from ..forms import ImportConfirmForm, ImportUploadForm, RecordForm
from ..models import CoursePurpose, TrainingRecord
from ..services import TrainingRefused, record_add_external, record_correct, record_delete


@coordinator_required
def member_records(request, member_pk):
    member = get_object_or_404(Member.objects.for_organisation(request.organisation), pk=member_pk)
    form = RecordForm(request.POST or None, organisation=request.organisation, with_member=False)
    if request.method == "POST" and form.is_valid():
        try:
            record_add_external(
                member=member,
                course=form.cleaned_data["course"],
                completed_on=form.cleaned_data["completed_on"],
                recorded_by=request.member,
            )
        except TrainingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The training has been recorded."))
            return redirect("trainings:member_records", organisation=request.organisation.slug, member_pk=member.pk)
    records = list(
        TrainingRecord.objects.filter(member=member).select_related("course", "recorded_by").order_by("course__name")
    )
    context = {
        "member": member,
        "records": [r for r in records if r.course.purpose == CoursePurpose.TRAINING],
        # Meetings she attended: attendance records, removable when recorded by mistake, never a qualification.
        "meetings": sorted(
            (r for r in records if r.course.purpose != CoursePurpose.TRAINING),
            key=lambda r: r.completed_on,
            reverse=True,
        ),
        "form": form,
    }
    return render(request, "trainings/member_records.html", context)


def _record(request, pk, *, trainings_only: bool = True):
    records = TrainingRecord.objects.for_organisation(request.organisation).select_related("member", "course")
    if trainings_only:
        records = records.filter(course__purpose=CoursePurpose.TRAINING)
    return get_object_or_404(records, pk=pk)


@coordinator_required
def record_edit(request, pk):
    record = _record(request, pk)
    initial = {"course": record.course, "completed_on": record.completed_on}
    form = RecordForm(request.POST or None, initial=initial, organisation=request.organisation, with_member=False)
    if request.method == "POST" and form.is_valid():
        try:
            record_correct(
                record=record, course=form.cleaned_data["course"], completed_on=form.cleaned_data["completed_on"]
            )
        except TrainingRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The training record has been corrected."))
            return redirect(
                "trainings:member_records", organisation=request.organisation.slug, member_pk=record.member_id
            )
    return render(request, "trainings/record_form.html", {"form": form, "record": record})


@coordinator_required
def record_remove(request, pk):
    record = _record(request, pk, trainings_only=False)
    if request.method == "POST":
        record_delete(record=record)
        messages.success(request, _("The training record has been deleted."))
        return redirect("trainings:member_records", organisation=request.organisation.slug, member_pk=record.member_id)
    return render(request, "trainings/record_confirm_delete.html", {"record": record})


@accepts_upload(MAX_BYTES)
@coordinator_required
def records_import_page(request):
    """Upload → preview (with line-numbered errors) → confirm; the import is all or nothing."""
    upload = ImportUploadForm()
    preview = None
    confirm = None
    if request.method == "POST" and "text" in request.POST:
        confirm = ImportConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                count = imports.records_import(
                    organisation=request.organisation,
                    content=imports.decode(confirm.cleaned_data["text"]),
                    recorded_by=request.member,
                )
            except imports.ImportRefused as refused:
                preview = imports.ImportPreview(errors=refused.errors)
                confirm = None
            else:
                messages.success(request, _("%(count)s training records were imported.") % {"count": count})
                return redirect("trainings:matrix", organisation=request.organisation.slug)
    elif request.method == "POST":
        upload = ImportUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            content = upload.cleaned_data["file"].read()
            preview = imports.parse(request.organisation, content)
            confirm = None if preview.errors else ImportConfirmForm(initial={"text": imports.encode(content)})
    return render(request, "trainings/import.html", {"upload": upload, "preview": preview, "confirm": confirm})
