"""Forms of her absences and wishes and of the shelter's workload rules (issue 17). The rules of what may be saved
are in shifts/availability.py's services; these only parse."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.models import Organisation

from .forms import WEEKDAYS
from .models import Line, TimeOfDay, Wishes, WorkloadRules


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(label=_("First day away"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day away"), widget=DateInput())


class WishesForm(forms.Form):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days I prefer"), choices=WEEKDAYS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    times_of_day = forms.MultipleChoiceField(
        label=_("Times I prefer"),
        choices=TimeOfDay.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("By the time the shift starts."),
    )
    lines = forms.ModelMultipleChoiceField(
        label=_("Lines I prefer"), queryset=Line.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    max_per_week = forms.IntegerField(
        label=_("At most shifts a week"), min_value=1, max_value=14, required=False, help_text=_("Empty: no limit.")
    )
    max_per_month = forms.IntegerField(
        label=_("At most shifts a month"), min_value=1, max_value=62, required=False, help_text=_("Empty: no limit.")
    )

    def __init__(self, *args, organisation: Organisation, wishes: Wishes | None = None, **kwargs):
        if wishes is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "weekdays": wishes.weekdays,
                "times_of_day": wishes.times_of_day,
                "lines": list(wishes.lines.values_list("pk", flat=True)),
                "max_per_week": wishes.max_per_week,
                "max_per_month": wishes.max_per_month,
            }
        super().__init__(*args, **kwargs)
        lines = self.fields["lines"]
        assert isinstance(lines, forms.ModelMultipleChoiceField)
        lines.queryset = Line.objects.for_organisation(organisation).active()
        if not lines.queryset.exists():  # nothing to choose from: no empty group of checkboxes
            del self.fields["lines"]


class WorkloadRulesForm(forms.ModelForm):
    class Meta:
        model = WorkloadRules
        fields = ["max_per_week", "max_per_month", "rest_hours_after_night", "no_back_to_back", "enforce_own_limits"]

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.label = capfirst(field.label)
            field.disabled = read_only
            if name in ("max_per_week", "max_per_month"):
                field.widget.attrs["max"] = 62
