"""The volunteer-time forms: her entry (kind, date, hours: never a name, a case or free text), the coordinator's
return reason, and a kind's name. The services check everything again; the forms give the field its message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.params import MAX_PK
from core.validators import single_line

from .models import TimeKind
from .selectors import kinds_to_log
from .services import KIND_NAME_MAX, REASON_MAX, TimeLogError, check_day, earliest_day, parse_hours, today_in


class TimeEntryForm(forms.Form):
    kind = forms.TypedChoiceField(label=_("Kind"), coerce=int, choices=())
    day = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write the date as YYYY-MM-DD.")},
    )
    hours = forms.CharField(
        label=_("Hours"),
        max_length=10,
        help_text=_("In quarter hours, e.g. 2 or 1.5."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )

    def __init__(self, *args: Any, organisation: Organisation, current: TimeKind | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        kinds = list(kinds_to_log(organisation))
        if current is not None and current not in kinds:
            kinds.insert(0, current)  # her entry's kind stays choosable when it was deactivated since
        self.kinds = {kind.pk: kind for kind in kinds}
        field = self.fields["kind"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a kind")), *((kind.pk, kind.name) for kind in kinds)]
        field.error_messages["invalid_choice"] = _("Choose a kind of time from the list.")
        field.error_messages["required"] = _("Choose a kind of time from the list.")
        day = self.fields["day"]
        day.widget.attrs.update(max=today_in(organisation).isoformat(), min=earliest_day(organisation).isoformat())

    def clean_kind(self) -> TimeKind:
        pk = self.cleaned_data["kind"]
        if not 0 < pk <= MAX_PK or pk not in self.kinds:
            raise forms.ValidationError(_("Choose a kind of time from the list."))
        return self.kinds[pk]

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        try:
            check_day(self.organisation, day)
        except TimeLogError as refused:
            raise forms.ValidationError(refused.message) from None
        return day

    def clean_hours(self) -> Decimal:
        try:
            return parse_hours(self.cleaned_data["hours"])
        except TimeLogError as refused:
            raise forms.ValidationError(refused.message) from None


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it returned?"),
        max_length=REASON_MAX,
        validators=[single_line],
        help_text=_('One short line she sees on her page, e.g. "Wrong date".'),
        error_messages={"required": _("Write why the time is returned, in one short line.")},
    )


class KindNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=KIND_NAME_MAX,
        validators=[single_line],
        error_messages={"required": _("Write the kind's name on one line.")},
    )
