from collections.abc import Sequence
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Organisation
from core.params import PkMultipleChoiceField
from members.models import Member

from .models import MEETING_PURPOSES, Course, CoursePurpose, TrainingSession


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CourseForm(forms.ModelForm):
    """A training course, or with `meetings=True` a meeting kind: its purpose (supervision, member meeting,
    annual meeting), the attendance expected of every active member, and for an annual meeting the voting rule."""

    TRAINING_FIELDS = ["name", "description", "validity_months", "active"]
    MEETING_FIELDS = [
        "name",
        "purpose",
        "description",
        "expected_count",
        "expected_period_months",
        "voting_requires_fee_paid",
        "voting_member_months",
        "active",
    ]

    class Meta:
        model = Course
        fields = [
            "name",
            "purpose",
            "description",
            "validity_months",
            "expected_count",
            "expected_period_months",
            "voting_requires_fee_paid",
            "voting_member_months",
            "active",
        ]

    def __init__(self, *args, organisation: Organisation, meetings: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        keep = self.MEETING_FIELDS if meetings else self.TRAINING_FIELDS
        for name in [name for name in self.fields if name not in keep]:
            del self.fields[name]
        if meetings:
            purpose = cast(forms.TypedChoiceField, self.fields["purpose"])
            purpose.choices = [(value, label) for value, label in CoursePurpose.choices if value in MEETING_PURPOSES]
            if not self.instance.pk:
                self.initial.setdefault("purpose", CoursePurpose.MEMBER_MEETING)
            for name in ("expected_count", "expected_period_months", "voting_member_months"):
                self.fields[name].widget.attrs["min"] = 1
        else:
            self.instance.purpose = CoursePurpose.TRAINING

    def clean(self):
        cleaned = super().clean()
        if "expected_count" in self.fields:
            count, months = cleaned.get("expected_count"), cleaned.get("expected_period_months")
            if (count is None) != (months is None) and not self.errors.get("expected_count"):
                self.add_error(
                    "expected_period_months" if months is None else "expected_count",
                    _("Fill in both how many and how often, or leave both empty."),
                )
            if cleaned.get("purpose") != CoursePurpose.ANNUAL_MEETING:
                # The voting rule belongs to annual meetings only; other kinds keep the harmless defaults.
                cleaned["voting_requires_fee_paid"] = True
                cleaned["voting_member_months"] = None
        return cleaned


class SessionForm(forms.ModelForm):
    """Times are entered and shown in the shelter's time zone (the view activates it)."""

    class Meta:
        model = TrainingSession
        fields = ["course", "starts_at", "ends_at", "place", "trainer", "capacity"]
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def __init__(
        self, *args, organisation: Organisation, purposes: Sequence[str] = (CoursePurpose.TRAINING,), **kwargs
    ):
        """`purposes`: the course purposes offered (a training page offers trainings only, the meetings page
        meeting kinds only)."""
        super().__init__(*args, **kwargs)
        courses = Course.objects.for_organisation(organisation).filter(purpose__in=purposes).active()
        cast("forms.ModelChoiceField[Course]", self.fields["course"]).queryset = courses
        cast(forms.IntegerField, self.fields["capacity"]).min_value = 1

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The session must end after it starts."))
        return cleaned


class RecordForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput())

    def __init__(self, *args, organisation: Organisation, with_member: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        courses = Course.objects.for_organisation(organisation).trainings()
        cast("forms.ModelChoiceField[Course]", self.fields["course"]).queryset = courses
        if with_member:
            members = Member.objects.for_organisation(organisation).current()
            cast("forms.ModelChoiceField[Member]", self.fields["member"]).queryset = members
        else:
            del self.fields["member"]

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise forms.ValidationError(_("The completion date cannot be in the future."))
        return completed_on


class MatrixFilterForm(forms.Form):
    courses = PkMultipleChoiceField(
        label=_("Required courses"),
        queryset=Course.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Show only members with all of these trainings valid on the date."),
    )
    line = forms.ChoiceField(
        label=pgettext_lazy("support line", "Line"),
        required=False,
        help_text=_("Show only members who meet the line's requirements on the date."),
    )
    on = forms.DateField(label=_("On date"), required=False, widget=DateInput())

    def __init__(self, *args, organisation: Organisation, lines: Sequence[tuple[str, str, object]] = (), **kwargs):
        """`lines`: the (key, label, Requirements) of trainings.qualification.requirement_choices."""
        super().__init__(*args, **kwargs)
        courses = Course.objects.for_organisation(organisation).trainings().active()
        cast(PkMultipleChoiceField, self.fields["courses"]).queryset = courses
        choices = [("", _("Any line")), *((key, label) for key, label, _req in lines)]
        cast(forms.ChoiceField, self.fields["line"]).choices = choices
        if not lines:
            del self.fields["line"]


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_(
            "Columns: e-mail, course, completed on (YYYY-MM-DD), with a header row. CSV separated by ; or , or .xlsx."
        ),
    )


class ImportConfirmForm(forms.Form):
    text = forms.CharField(widget=forms.HiddenInput)
