"""A coordinator's page of a volunteer's prior experience (issue 19): the shifts she worked before the shelter
used Jourplan, and a small form to record them. Thin: parse, call shifts/experience.py, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core.errors import JourplanError
from members.access import coordinator_required, in_organisation_time
from members.models import Member
from members.rank import RankRefused, may_manage

from ..availability_forms import DateInput
from ..experience import PRIOR_SHIFTS_MAX, prior_shifts_of, prior_shifts_record
from ..models import Line


class PriorShiftsForm(forms.Form):
    line = forms.ModelChoiceField(
        label=pgettext_lazy("support line", "Line"),
        queryset=Line.objects.none(),
        required=False,
        empty_label=pgettext_lazy("not known which line", "Any line"),
        help_text=gettext_lazy("“Any line” when it is not known which: they count on every line."),
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of shifts"),
        min_value=0,
        max_value=PRIOR_SHIFTS_MAX,
        help_text=gettext_lazy("Replaces what was recorded for that line. 0 removes it."),
    )
    as_of = forms.DateField(label=gettext_lazy("Up to"), widget=DateInput())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = Line.objects.for_organisation(organisation).order_by("name")


def _member_or_404(request, pk: int) -> Member:
    return get_object_or_404(
        Member.objects.for_organisation(request.organisation).filter(erased_at=None).select_related("organisation"),
        pk=pk,
    )


@coordinator_required
@in_organisation_time
def member_experience(request, pk: int):
    """Her prior shifts (GET), and recording them (POST, for those who may manage her)."""
    member = _member_or_404(request, pk)
    can_manage = may_manage(request.member, member)
    form = PriorShiftsForm(organisation=request.organisation)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = PriorShiftsForm(request.POST, organisation=request.organisation)
        if form.is_valid():
            try:
                prior_shifts_record(member=member, by=request.member, **form.cleaned_data)
            except RankRefused as refused:
                raise PermissionDenied from refused
            except JourplanError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("Her prior shifts are saved."))
                return redirect("shifts:member_experience", organisation=request.organisation.slug, pk=member.pk)
    context = {"subject": member, "prior": prior_shifts_of(member), "form": form, "can_manage": can_manage}
    return render(request, "shifts/member_experience.html", context)
