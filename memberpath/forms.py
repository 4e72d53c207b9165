"""The path's forms: a move on the board (the step and, when her column's evidence is missing, its date), and the
admins' step forms. They parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from trainings.models import Course

from .models import StepKind
from .services import NAME_MAX


class MoveForm(forms.Form):
    step = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    evidence_on = forms.DateField(required=False)
    valid_until = forms.DateField(required=False)


class StepForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    kind = forms.ChoiceField(
        label=_("Done when"), choices=[(value, label) for value, label in StepKind.choices if value != StepKind.ACTIVE]
    )
    course = forms.ModelChoiceField(
        label=_("Course (for a training step)"), queryset=Course.objects.none(), required=False
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.for_organisation(organisation).active().order_by("name")  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        if data.get("kind") == StepKind.TRAINING and not data.get("course"):
            self.add_error("course", _("Choose the course a training step asks for."))
        return data


class RenameForm(forms.Form):
    name = forms.CharField(max_length=NAME_MAX)
