"""The coordinator's page to move a shift to another time or line."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.access import coordinator_required

from .changes import shift_change
from .forms import ShiftChangeForm
from .models import Shift
from .services import RotaError


@coordinator_required
def shift_edit(request, pk):
    shift = get_object_or_404(
        Shift.objects.for_organisation(request.organisation).select_related("line").filter(cancelled_at=None), pk=pk
    )
    form = ShiftChangeForm(request.POST or None, organisation=request.organisation, shift=shift)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            told = shift_change(
                shift=shift, by=request.member, starts_at=starts_at, ends_at=ends_at, line=form.cleaned_data["line"]
            )
        except RotaError as refused:
            form.add_error(None, refused.message)
        else:
            if told:
                messages.success(
                    request,
                    ngettext(
                        "The shift is changed; %(count)d volunteer will be told.",
                        "The shift is changed; %(count)d volunteers will be told.",
                        told,
                    )
                    % {"count": told},
                )
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("shifts:rota_shift", shelter=request.organisation.slug, pk=shift.pk)
    return render(request, "shifts/rota_shift_edit.html", {"form": form, "shift": shift})
