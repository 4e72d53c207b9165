"""The form of the shelter's settings page (members/views/settings.py): one field per rule, its bounds from
members.organisation_settings, the reminders as text ("24 h, 2 h") read tolerantly."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation

from .organisation_settings import (
    INTEGER_SETTINGS,
    OrganisationSettingsRefused,
    format_offsets,
    parse_reminder_offsets,
)

LABELS = {
    "signup_window_days": _("Days ahead volunteers can take shifts"),
    "release_deadline_hours": _("Hours before the start a volunteer can still release a shift"),
    "understaffed_alert_hours": _("Hours ahead coordinators are alerted about under-staffed shifts"),
    "inactive_after_days": _("Days without a shift before a volunteer is listed as inactive"),
    "anonymise_after_months": _("Months after leaving before a member is erased"),
}


class ShelterSettingsForm(forms.Form):
    reminder_offsets_minutes = forms.CharField(
        label=_("Reminders before a shift"),
        required=False,
        max_length=100,
        help_text=_('At most three, each from 15 minutes to 7 days, e.g. "24 h, 2 h". Empty: no reminders.'),
    )

    def __init__(self, data=None, *, organisation: Organisation):
        initial = {field: getattr(organisation, field) for field in INTEGER_SETTINGS}
        initial["reminder_offsets_minutes"] = format_offsets(organisation.reminder_offsets_minutes)
        super().__init__(data, initial=initial)
        integer_fields = {}
        for field, (low, high) in INTEGER_SETTINGS.items():
            message = _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
            integer_fields[field] = forms.IntegerField(
                label=LABELS[field],
                min_value=low,
                max_value=high,
                error_messages={"invalid": message, "min_value": message, "max_value": message},
                help_text=_("From %(low)s to %(high)s.") % {"low": low, "high": high},
            )
        # The rota's rules first, then reminders, then the register's.
        reminders = self.fields.pop("reminder_offsets_minutes")
        anonymise = integer_fields.pop("anonymise_after_months")
        self.fields = {**integer_fields, "reminder_offsets_minutes": reminders, "anonymise_after_months": anonymise}

    def clean_reminder_offsets_minutes(self) -> list[int]:
        try:
            return parse_reminder_offsets(self.cleaned_data.get("reminder_offsets_minutes") or "")
        except OrganisationSettingsRefused as refused:
            raise forms.ValidationError(refused.message) from None
