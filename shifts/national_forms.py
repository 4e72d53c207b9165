"""The federation operator's forms for national lines (issue 20): the line itself and the shelters to invite.
Patterns and generating reuse shifts.forms.PatternForm and GenerateForm."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.params import PkMultipleChoiceField
from members.organisation_settings import INTEGER_SETTINGS
from members.settings_forms import LABELS

from .forms import LineChecks
from .models import Line
from .national import NATIONAL_SETTINGS

NATIONAL_LINE_FIELDS = [
    "name",
    "kind",
    "min_volunteers",
    "max_volunteers",
    "needs_pledge",
    "needs_record_check",
    "required_shadow_shifts",
    "needs_experienced",
    "experienced_after_shifts",
]


class NationalLineForm(LineChecks, forms.ModelForm):
    """A national line's own fields. The trainings asked of volunteers are each shelter's choice (set by its
    coordinators), so they are not here; neither is the colour, which is the shelter's rota's."""

    class Meta:
        model = Line
        fields = NATIONAL_LINE_FIELDS

    def lines_named_alike(self):
        return Line.objects.national()


class NationalLineEditForm(NationalLineForm):
    """The same, for a line that exists: it can also be made inactive."""

    class Meta(NationalLineForm.Meta):
        fields = [*NATIONAL_LINE_FIELDS, "active"]


class InviteForm(forms.Form):
    """The shelters not yet invited to the line, as checkboxes."""

    shelters = PkMultipleChoiceField(
        label=capfirst(_("shelters to invite")),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, line: Line, **kwargs):
        super().__init__(*args, **kwargs)
        shelters = self.fields["shelters"]
        assert isinstance(shelters, forms.ModelMultipleChoiceField)
        shelters.queryset = Organisation.objects.shelters().exclude(national_participations__line=line).order_by("name")


class NationalSettingsForm(forms.Form):
    """The national lines' sign-up window and release deadline, with the same bounds and words as a shelter's."""

    def __init__(self, data=None, *, organisation: Organisation):
        super().__init__(data, initial={field: getattr(organisation, field) for field in NATIONAL_SETTINGS})
        for field in NATIONAL_SETTINGS:
            low, high = INTEGER_SETTINGS[field]
            message = _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
            self.fields[field] = forms.IntegerField(
                label=LABELS[field],
                min_value=low,
                max_value=high,
                error_messages={"invalid": message, "min_value": message, "max_value": message},
                help_text=_("From %(low)s to %(high)s.") % {"low": low, "high": high},
            )
