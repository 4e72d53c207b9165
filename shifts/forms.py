"""Coordinator forms of the rota: lines, patterns, one-off shifts, generating, assigning."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils.text import capfirst  # explicit labels, capitalised like the model fields' labels
from django.utils.translation import gettext_lazy as _

from core.validators import single_line
from members.models import Member
from trainings.models import Course

from .generation import wall_clock
from .models import Line, ShiftPattern

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class LineChecks:
    """What a line form checks beyond the model: a name not used by another line of the same rota (any case), and
    1 ≤ minimum ≤ maximum. A form says which lines share names (`lines_named_alike`)."""

    cleaned_data: dict
    instance: Line

    def lines_named_alike(self):
        raise NotImplementedError

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = self.lines_named_alike().filter(name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("There is already a line with this name."))
        return name

    def clean(self):
        data = super().clean()
        low, high = data.get("min_volunteers"), data.get("max_volunteers")
        if low is not None and high is not None and not 1 <= low <= high:
            raise forms.ValidationError(_("The minimum must be at least 1 and not above the maximum."))
        return data


class LineForm(LineChecks, forms.ModelForm):
    class Meta:
        model = Line
        fields = [
            "name",
            "kind",
            "colour",
            "required_courses",
            "needs_pledge",
            "needs_record_check",
            "min_volunteers",
            "max_volunteers",
            "needs_experienced",
            "experienced_after_shifts",
            "required_shadow_shifts",
            "active",
        ]
        widgets = {"required_courses": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        self.fields["required_courses"].queryset = Course.objects.for_organisation(organisation).trainings()

    def lines_named_alike(self):
        return Line.objects.for_organisation(self.organisation)


class PatternForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=capfirst(_("weekdays")), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ShiftPattern
        fields = [
            "weekdays",
            "start_time",
            "end_time",
            "min_volunteers",
            "max_volunteers",
            "every_n_weeks",
            "anchor_date",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "anchor_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("min_volunteers"), data.get("max_volunteers")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The minimum must not be above the maximum."))
        start, until = data.get("valid_from"), data.get("valid_until")
        if start and until and until < start:
            raise forms.ValidationError(_("The end date must not be before the start date."))
        return data


class GenerateForm(forms.Form):
    start = forms.DateField(label=capfirst(_("from")), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=capfirst(_("until")), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and (end < start or (end - start).days > 366):
            raise forms.ValidationError(_("Choose a period of at most a year, the end not before the start."))
        return data


class ShiftForm(forms.Form):
    """A one-off shift (a summer chat evening)."""

    line = forms.ModelChoiceField(label=capfirst(_("line")), queryset=Line.objects.none())
    day = forms.DateField(label=capfirst(_("date")), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=capfirst(_("starts")), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(
        label=capfirst(_("ends")),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("An end at or before the start means the next day."),
    )
    min_volunteers = forms.IntegerField(label=capfirst(_("minimum volunteers")), min_value=1, max_value=50)
    max_volunteers = forms.IntegerField(label=capfirst(_("maximum volunteers")), min_value=1, max_value=50)
    note = forms.CharField(label=capfirst(_("note")), max_length=200, required=False, validators=[single_line])

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["line"].queryset = Line.objects.for_organisation(organisation).active()

    def clean(self):
        data = super().clean()
        low, high = data.get("min_volunteers"), data.get("max_volunteers")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError(_("The minimum must not be above the maximum."))
        return data

    def times(self):
        data, zone = self.cleaned_data, self.organisation.zone
        end_day = data["day"] + timedelta(days=1) if data["end_time"] <= data["start_time"] else data["day"]
        return wall_clock(data["day"], data["start_time"], zone), wall_clock(end_day, data["end_time"], zone)


class AssignForm(forms.Form):
    """Who goes on the shift. The page offers the choices (shifts/candidates.py: the eligible first, anyone else
    through the search); any current member of the shelter is accepted here, and coordinator_assign's rules
    decide. The page renders the choices itself (never the whole register), and the reason only when needed."""

    member = forms.ModelChoiceField(
        label=capfirst(_("volunteer")), queryset=Member.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    reason = forms.CharField(
        label=capfirst(_("reason for overriding the rules")),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.for_organisation(organisation).current()


class CandidateSearchForm(forms.Form):
    """?q= on the shift page: a name, or part of one, among the shelter's members."""

    q = forms.CharField(label=capfirst(_("find someone else by name")), max_length=100, required=False)


class ShiftChangeForm(ShiftForm):
    """Move an existing shift to another time or line; everyone on it is told (shifts.changes.shift_change)."""

    def __init__(self, *args, shift, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("min_volunteers", "max_volunteers", "note"):
            del self.fields[name]
        if not self.is_bound:
            zone = self.organisation.zone
            starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
            self.initial.update(
                {"line": shift.line_id, "day": starts.date(), "start_time": starts.time(), "end_time": ends.time()}
            )

    def clean(self):
        return forms.Form.clean(self)
