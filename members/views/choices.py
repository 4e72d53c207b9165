"""Her own choices (issue 19): pause herself for a period (the absence page in shifts, linked from here), leave the
shelter, ask to be erased. Always her own membership (`request.member`, never an id in the URL); leaving and erasure
need a confirmation, a POST with CSRF, and her password again when her last login is not recent (allauth's
reauthentication), so an open session on a lost phone is not enough. Thin: parse, call a service, render."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.errors import JourplanError

from ..access import volunteer_required
from ..services import member_erasure_request, member_leave_self


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand and want to go ahead"),
        error_messages={"required": _("Tick the box to confirm.")},
    )


@volunteer_required
def my_choices(request):
    return render(request, "members/choices.html", {"member": request.member})


def _confirm(request, *, template: str, act, done_template: str):
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            member = act(member=request.member)
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            # She has left: no page of this shelter is hers any more, so the answer is this page itself.
            return render(request, done_template, {"member": member})
    return render(request, template, {"form": form, "member": request.member})


@volunteer_required
@reauthentication_required
def leave(request):
    """What leaving means, then (confirmed) members.services.member_leave_self."""
    return _confirm(
        request, template="members/choices_leave.html", act=member_leave_self, done_template="members/choices_done.html"
    )


@volunteer_required
@reauthentication_required
def erasure_request(request):
    """What erasure means, then (confirmed) members.services.member_erasure_request: she leaves and the admins are
    asked to erase her data."""
    return _confirm(
        request,
        template="members/choices_erasure.html",
        act=member_erasure_request,
        done_template="members/choices_done.html",
    )
