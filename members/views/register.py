"""The member register's pages (issue 3): coordinators' member list and member page, fees, pledge texts,
and the volunteer's own profile, pledge and data download. Thin: forms parse, services write."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.audit import log_export
from core.errors import JourplanError
from core.exports import export_response
from core.params import page_param

from ..access import admin_required, coordinator_required, volunteer_required
from ..export_labels import field_label, field_value, section_label
from ..fees import first_reminder_day
from ..forms import (
    FeeRateForm,
    FeeReminderForm,
    InterviewForm,
    MemberFilterForm,
    MemberForm,
    PaymentForm,
    PledgeSignForm,
    PledgeTextForm,
    ProfileForm,
    RecordCheckForm,
)
from ..gdpr import member_erase, member_export
from ..interest import interest_labels, may_decline
from ..models import FeeRate, Member, MemberStatus, Payment, PledgeText, may_see_contact_data
from ..onboarding import current_pledge
from ..panels import member_page_panels
from ..rank import may_manage
from ..services import (
    MEMBER_SELF_EDITABLE_FIELDS,
    fee_rate_set,
    fee_reminders_set,
    interview_record,
    member_invite,
    member_mark_left,
    member_update,
    payment_record,
    pledge_publish,
    pledge_sign,
    record_check_record,
)

PAGE_SIZE = 100


def _register_members(request):
    """The shelter's members (not erased) with what the register lists show, in one query."""
    today = timezone.localdate()
    return (
        Member.objects.for_organisation(request.organisation)
        .filter(erased_at=None)
        .with_register_state(request.organisation, today)
    )


def _mark_contact_visibility(viewer: Member, members) -> None:
    for member in members:
        member.contact_visible = may_see_contact_data(viewer, member)


@coordinator_required
def member_list(request):
    form = MemberFilterForm(request.GET or None)
    members = _register_members(request)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            words = data["q"].split()
            for word in words:
                # Protected members can be found by name, never by their (hidden) e-mail address.
                members = members.filter(
                    Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                    | (Q(email__icontains=word) & Q(protected_identity=False))
                )
        if data["status"]:
            members = members.filter(status=data["status"])
        if data["role"]:
            members = members.filter(role=data["role"])
        if data["paid"] == "yes":
            members = members.filter(paid_this_year=True)
        elif data["paid"] == "no":
            members = members.filter(paid_this_year=False)
        onboarding = data["onboarding"]
        if onboarding == "interview_missing":
            members = members.filter(has_interview=False)
        elif onboarding == "pledge_missing":
            members = members.filter(has_current_pledge=False)
        elif onboarding == "record_check_missing":
            members = members.filter(record_valid_until__isnull=True)
        elif onboarding == "complete":
            members = members.filter(has_interview=True, has_current_pledge=True, record_valid_until__isnull=False)
    page = Paginator(members, PAGE_SIZE).get_page(page_param(request))
    rows = list(page.object_list)
    _mark_contact_visibility(request.member, rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/member_list.html",
        {"form": form, "page": page, "members": rows, "query": query.urlencode(), "today": timezone.localdate()},
    )


def _member_or_404(request, pk: int) -> Member:
    return get_object_or_404(
        Member.objects.for_organisation(request.organisation).filter(erased_at=None).select_related("user"), pk=pk
    )


def _managed_member_or_403(request, pk: int) -> Member:
    """A member of her shelter whom she may manage (members.rank); a higher role is a 403."""
    member = _member_or_404(request, pk)
    if not may_manage(request.member, member):
        raise PermissionDenied
    return member


def _detail_context(request, member: Member, **forms) -> dict:
    today = timezone.localdate()
    member = _register_members(request).get(pk=member.pk)
    pledge = current_pledge(request.organisation)
    return {
        "member": member,
        "contact_visible": may_see_contact_data(request.member, member),
        "interviews": list(member.interviews.select_related("recorded_by")),
        "pledge_signatures": list(member.pledge_signatures.select_related("pledge_text")),
        "record_checks": list(member.record_checks.select_related("seen_by")),
        "payments": list(member.payments.all()),
        "current_pledge": pledge,
        "today": today,
        "interview_form": forms.get("interview_form") or InterviewForm(),
        "record_check_form": forms.get("record_check_form") or RecordCheckForm(),
        "payment_form": forms.get("payment_form") or PaymentForm(),
        "can_manage": may_manage(request.member, member),
        "can_erase": member.status == MemberStatus.LEFT and may_manage(request.member, member),
        "is_self": member.pk == request.member.pk,
        # Issue 19: what she asked for through the public interest form, and the coordinator's "Decline".
        "interest_labels": interest_labels(member),
        "can_decline": may_decline(request.member, member),
        # What apps above members show about her (settings.MEMBER_PAGE_PANELS), e.g. her meetings (issue 19).
        "member_panels": member_page_panels(request.organisation, request.member, member, timezone.now()),
    }


@coordinator_required
def member_detail(request, pk: int):
    member = _member_or_404(request, pk)
    return render(request, "members/member_detail.html", _detail_context(request, member))


@coordinator_required
def member_edit(request, pk: int):
    member = _managed_member_or_403(request, pk)
    form = MemberForm(request.POST or None, instance=member, editor=request.member)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.fields}
        try:
            member_update(member=member, by=request.member, **changes)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The member's data has been saved."))
            return redirect("members:member_detail", organisation=request.organisation.slug, pk=member.pk)
    return render(request, "members/member_edit.html", {"form": form, "member": member})


def _back_to_member(request, member):
    return redirect("members:member_detail", organisation=request.organisation.slug, pk=member.pk)


@coordinator_required
@require_POST
def member_invite_existing(request, pk: int):
    member = _managed_member_or_403(request, pk)
    try:
        member_invite(member=member, invited_by=request.member)
    except JourplanError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("An invitation to the portal has been sent."))
    return _back_to_member(request, member)


@coordinator_required
@require_POST
def member_leave(request, pk: int):
    member = _managed_member_or_403(request, pk)
    if member.pk == request.member.pk:
        messages.error(request, _("You cannot mark yourself as left."))
        return _back_to_member(request, member)
    try:
        member_mark_left(member=member, by=request.member)
    except JourplanError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("She has been marked as left."))
    return _back_to_member(request, member)


@coordinator_required
@require_POST
def member_erase_view(request, pk: int):
    member = _managed_member_or_403(request, pk)
    try:
        member_erase(member=member, by=request.member)
    except JourplanError as refused:
        messages.error(request, refused.message)
        return _back_to_member(request, member)
    messages.success(request, _("The member's personal data has been erased."))
    return redirect("members:member_list", organisation=request.organisation.slug)


def _onboarding_post(request, pk: int, form_class, form_key: str, record):
    member = _member_or_404(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            record(member, form.cleaned_data)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Saved."))
            return _back_to_member(request, member)
    return render(request, "members/member_detail.html", _detail_context(request, member, **{form_key: form}))


@coordinator_required
@require_POST
def interview_add(request, pk: int):
    return _onboarding_post(
        request,
        pk,
        InterviewForm,
        "interview_form",
        lambda member, data: interview_record(member=member, held_on=data["held_on"], by=request.member),
    )


@coordinator_required
@require_POST
def record_check_add(request, pk: int):
    return _onboarding_post(
        request,
        pk,
        RecordCheckForm,
        "record_check_form",
        lambda member, data: record_check_record(
            member=member, seen_on=data["seen_on"], valid_until=data["valid_until"], by=request.member
        ),
    )


@coordinator_required
@require_POST
def payment_add(request, pk: int):
    return _onboarding_post(
        request,
        pk,
        PaymentForm,
        "payment_form",
        lambda member, data: payment_record(member=member, by=request.member, **data),
    )


# --- Fees: the board's lists -----------------------------------------------------------------------


def _current_members(request):
    return _register_members(request).exclude(status=MemberStatus.LEFT)


@coordinator_required
def unpaid(request):
    members = list(_current_members(request).filter(paid_this_year=False))
    _mark_contact_visibility(request.member, members)
    return render(request, "members/unpaid.html", {"members": members, "year": timezone.localdate().year})


def _annual_meeting_rows(request):
    year = timezone.localdate().year
    payments = {
        p.member_id: p
        for p in Payment.objects.for_organisation(request.organisation).filter(year=year).order_by("paid_on", "pk")
    }
    members = list(_current_members(request).filter(paid_this_year=True).order_by("last_name", "first_name", "pk"))
    return year, [(member, payments.get(member.pk)) for member in members]


@coordinator_required
def annual_meeting(request):
    year, rows = _annual_meeting_rows(request)
    return render(request, "members/annual_meeting.html", {"rows": rows, "year": year})


@coordinator_required
def annual_meeting_csv(request):
    year, rows = _annual_meeting_rows(request)
    return export_response(
        request,
        what="annual_meeting_csv",
        filename=f"rostlangd-{year}.csv" if request.LANGUAGE_CODE == "sv" else f"annual-meeting-{year}.csv",
        header=[_("Last name"), _("First name"), _("Membership type"), _("Paid on")],
        rows=[
            [
                member.last_name,
                member.first_name,
                member.get_membership_type_display(),
                payment.paid_on.isoformat() if payment else "",
            ]
            for member, payment in rows
        ],
    )


# --- Admins: fee rates and pledge texts --------------------------------------------------------------


def _fee_page(request, *, form=None, reminder_form=None):
    """The admins' fees page: the rates, the form to set one, and the shelter's fee reminders."""
    organisation = request.organisation
    year = timezone.localdate(timezone=organisation.zone).year
    return render(
        request,
        "members/fee_rates.html",
        {
            "form": form or FeeRateForm(),
            "reminder_form": reminder_form or FeeReminderForm(organisation=organisation),
            "rates": FeeRate.objects.filter(organisation=organisation),
            "reminders_on": organisation.fee_reminders_enabled,
            "reminder_year": year,
            "first_reminder_on": first_reminder_day(organisation, year),
            "reminder_interval": organisation.fee_reminder_interval_days,
        },
    )


@admin_required
def fee_rates(request):
    form = FeeRateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fee_rate_set(organisation=request.organisation, **form.cleaned_data)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The fee has been saved."))
            return redirect("members:fee_rates", organisation=request.organisation.slug)
    return _fee_page(request, form=form)


@admin_required
@require_POST
def fee_reminders(request):
    """Admins switch the shelter's fee reminders on or off and set when and how (one service write)."""
    form = FeeReminderForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            fee_reminders_set(organisation=request.organisation, **form.cleaned_data)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The fee reminders have been saved."))
            return redirect("members:fee_rates", organisation=request.organisation.slug)
    return _fee_page(request, reminder_form=form)


@admin_required
def pledge_texts(request):
    pledge = current_pledge(request.organisation)
    form = PledgeTextForm(request.POST or None, initial={"text": pledge.text if pledge else ""})
    if request.method == "POST" and form.is_valid():
        try:
            new = pledge_publish(organisation=request.organisation, text=form.cleaned_data["text"], by=request.member)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Version %(version)s has been published. Everyone must sign it again.") % {"version": new.version},
            )
            return redirect("members:pledge_texts", organisation=request.organisation.slug)
    texts = PledgeText.objects.filter(organisation=request.organisation)
    return render(request, "members/pledge_texts.html", {"form": form, "texts": texts, "current": pledge})


# --- The volunteer's own pages ---------------------------------------------------------------------


@volunteer_required
def profile(request):
    member = request.member
    form = ProfileForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in MEMBER_SELF_EDITABLE_FIELDS}
        try:
            member_update(member=member, by=member, **changes)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Your data has been saved."))
            return redirect("members:profile", organisation=request.organisation.slug)
    return render(request, "members/profile.html", {"form": form, "member": member})


@volunteer_required
def pledge(request):
    member = request.member
    current = current_pledge(request.organisation)
    signature = None
    if current is not None:
        signature = member.pledge_signatures.filter(pledge_text=current).first()
    if request.method == "POST":
        form = PledgeSignForm(request.POST, organisation=request.organisation)
        if form.is_valid():
            try:
                pledge_sign(member=member, pledge_text=form.cleaned_data["pledge_text"])
            except JourplanError as refused:
                messages.error(request, refused.message)
            else:
                messages.success(request, _("Thank you. Your signature has been saved."))
        else:
            messages.error(request, _("This is not the current pledge; reload the page and read the current text."))
        return redirect("members:pledge", organisation=request.organisation.slug)
    return render(request, "members/pledge.html", {"pledge": current, "signature": signature})


SECTION_TITLES = {
    "profile": gettext_lazy("Profile"),
    "onboarding": gettext_lazy("Onboarding"),
    "interviews": gettext_lazy("Interviews"),
    "pledge_signatures": gettext_lazy("Pledge signatures"),
    "record_checks": gettext_lazy("Police record extracts seen"),
    "payments": gettext_lazy("Membership fees"),
    "notices": gettext_lazy("Messages sent to you"),
    "audit_log": gettext_lazy("Changes and downloads of your data"),
}


def _plain(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value) or "–"
    return str(value)


def _readable_blocks(title, value) -> list[dict]:
    """Turn the export (dicts and lists of plain values) into titled blocks of (key, value) records."""
    if isinstance(value, dict):
        scalars = [
            (field_label(key), _plain(field_value(key, item)))
            for key, item in value.items()
            if not isinstance(item, dict | list)
        ]
        blocks = [{"title": title, "records": [scalars]}] if scalars else []
        for key, item in value.items():
            if isinstance(item, dict | list):
                blocks.extend(_readable_blocks(SECTION_TITLES.get(key) or section_label(key), item))
        return blocks
    if isinstance(value, list):
        records = []
        for item in value:
            if isinstance(item, dict):
                records.append([(field_label(key), _plain(field_value(key, v))) for key, v in item.items()])
            else:
                records.append([("", _plain(item))])
        return [{"title": title, "records": records}]
    return [{"title": title, "records": [[("", _plain(value))]]}]


@volunteer_required
def my_data(request):
    data = member_export(request.member)
    log_export(obj=request.member, what="my_data_page", by=request.member)
    blocks = []
    for name, section in data.items():
        blocks.extend(_readable_blocks(SECTION_TITLES.get(name) or section_label(name), section))
    return render(request, "members/my_data.html", {"blocks": blocks})


@volunteer_required
def my_data_json(request):
    data = member_export(request.member)
    log_export(obj=request.member, what="my_data_json", by=request.member)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="jourplan-my-data.json"'
    return response
