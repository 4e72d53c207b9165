"""The coordinator's write form: the message, its filters, and the two hidden fields of the confirmation step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Organisation
from core.params import MAX_PK
from core.validators import single_line
from members.models import MemberStatus
from shifts.models import Line

from .models import BODY_MAX, TITLE_MAX
from .selectors import AUDIENCE_STATUSES, Audience

STATUS_CHOICES = [(status.value, status.label) for status in AUDIENCE_STATUSES]


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Ticked pks that cannot name a row (not ASCII digits, or beyond the database's range) are refused as invalid
    choices before any query, never a server error."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk)
            if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_PK):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                )
        return super()._check_values(value)  # type: ignore[misc]


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        text = str(value)
        if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_PK):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, validators=[single_line])
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("At most %(count)d characters. Recipients cannot reply, and do not see who else got it.")
        % {"count": BODY_MAX},
    )
    lines = BoundedModelMultipleChoiceField(
        label=pgettext_lazy("support lines", "Lines"),
        queryset=Line.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Those who have had a shift on a ticked line in the last three months, have one booked, or wish the "
            "line. None ticked: every line."
        ),
    )
    statuses = forms.MultipleChoiceField(
        label=_("Member status"),
        choices=STATUS_CHOICES,
        initial=[MemberStatus.ACTIVE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one member status.")},
    )
    qualified_for = BoundedModelChoiceField(
        label=_("Qualified today for"),
        queryset=Line.objects.none(),
        required=False,
        empty_label=_("No condition"),
        help_text=_("Only those who meet the line's requirements today (trainings, pledge, record extract)."),
    )
    include_me = forms.BooleanField(label=_("Send me a copy too"), required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        lines = Line.objects.for_organisation(organisation).active().order_by("name", "pk")
        for name in ("lines", "qualified_for"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = lines
        if not lines.exists():  # nothing to choose from: no empty group of checkboxes, no empty list
            del self.fields["lines"]
            del self.fields["qualified_for"]

    def audience(self) -> Audience:
        data = self.cleaned_data
        return Audience(
            lines=list(data.get("lines") or ()),
            statuses=list(data["statuses"]),
            qualified_for=data.get("qualified_for"),
            include_author=data["include_me"],
        )

    def audience_key(self) -> str:
        """The filters as one string: the confirmation step sends only when they are still those it counted."""
        audience = self.audience()
        lines = ",".join(str(pk) for pk in sorted(line.pk for line in audience.lines))
        qualified = audience.qualified_for.pk if audience.qualified_for is not None else ""
        return f"{lines}|{','.join(sorted(audience.statuses))}|{qualified}|{int(audience.include_author)}"
