"""The shelter's settings page (issue 19): its admins change the shelter's own rules — sign-up window, release
deadline, under-staffed alert, inactivity, default reminders, erasure after leaving — each with a sentence saying
what it means now. The time zone stays with the federation's operator (see members.organisation_settings)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..access import admin_required
from ..organisation_settings import OrganisationSettingsRefused, organisation_settings_update, rule_sentences
from ..settings_forms import ShelterSettingsForm


@admin_required
def shelter_settings(request):
    organisation = request.organisation
    posted = request.method == "POST"
    form = ShelterSettingsForm(request.POST if posted else None, organisation=organisation)
    if posted and form.is_valid():
        try:
            changed = organisation_settings_update(organisation=organisation, by=request.member, **form.cleaned_data)
        except OrganisationSettingsRefused as refused:
            form.add_error(None, refused.message)
        else:
            if changed:
                messages.success(request, _("The settings have been saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("members:shelter_settings", organisation=organisation.slug)
    if posted and form.errors:
        messages.error(request, _("Nothing was changed: correct the fields marked below."))
    sentences = rule_sentences(organisation)
    return render(
        request,
        "members/shelter_settings.html",
        {
            "form": form,
            "rules": [(form[name], sentences[name]) for name in form.fields],
            "time_zone": organisation.time_zone,
        },
    )
