from datetime import date
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.validators import single_line

from .fees import FEE_PAYMENT_TEXT_MAX, FEE_REMINDER_INTERVAL_DAYS, due_day_error
from .models import Member, MembershipType, MemberStatus, PaymentMethod, PledgeText, Role, may_see_contact_data
from .rank import grantable_roles, may_change_protected


class InviteForm(forms.ModelForm):
    """Invite someone new. The role offers only what the inviter may give (members.rank): a coordinator
    invites volunteers, an admin any role of her shelter."""

    class Meta:
        model = Member
        fields = ["first_name", "last_name", "email", "role"]

    def __init__(self, *args, organisation: Organisation, inviter: Member | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["email"].required = True
        roles = grantable_roles(inviter)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (value, label) for value, label in Role.choices if value in roles
        ]

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def validate_unique(self):
        # The service decides (a hidden address of a protected member must not read differently here).
        pass


class ShelterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, validators=[single_line])
    slug = forms.SlugField(label=_("Address"), max_length=60, help_text=_("Lower-case letters, digits and dashes."))
    time_zone = forms.CharField(label=_("Time zone"), initial="Europe/Stockholm", max_length=64)
    admin_first_name = forms.CharField(label=_("First admin's first name"), max_length=100, validators=[single_line])
    admin_email = forms.EmailField(label=_("First admin's e-mail address"))


# --- The member register (issue 3) ----------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


CONTACT_FIELDS = ("email", "phone", "postal_address")


class MemberForm(forms.ModelForm):
    """A coordinator or admin edits a member she manages (members.rank). Contact fields are left out when
    the editor may not see them; only admins change roles and protected identity; a member with a login
    keeps her login's address (only she changes it)."""

    class Meta:
        model = Member
        fields = [
            "first_name",
            "last_name",
            "email",
            "phone",
            "postal_address",
            "language",
            "member_since",
            "membership_type",
            "status",
            "role",
            "protected_identity",
            "share_phone",
            "notes",
        ]
        widgets = {
            "member_since": DateInput(),
            "postal_address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, editor: Member, **kwargs):
        super().__init__(*args, **kwargs)
        member = self.instance
        if not may_see_contact_data(editor, member) or (member.protected_identity and not may_change_protected(editor)):
            for name in CONTACT_FIELDS:
                del self.fields[name]
        elif member.login_state == "active":
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("Her e-mail address is her login; only she can change it.")
        if not may_change_protected(editor):
            # Only admins change roles and protected identity (lifting it would show her contact data).
            del self.fields["role"]
            del self.fields["protected_identity"]
        else:
            roles = grantable_roles(editor)
            cast(forms.ChoiceField, self.fields["role"]).choices = [
                (value, label) for value, label in Role.choices if value in roles
            ]

    def validate_unique(self):
        # member_update checks uniqueness in the database (and says so in words); doing it here too would let
        # a coordinator learn a protected member's hidden address from the form's error.
        pass

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()


class ProfileForm(forms.ModelForm):
    """A volunteer edits her own phone, address, language and sharing choice (not role, status or notes).
    Her e-mail address is her login's, changed under Account → E-mail with verification."""

    class Meta:
        model = Member
        fields = ["phone", "postal_address", "language", "share_phone"]
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 3})}


def _not_in_future(value: date) -> date:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Interview held on"), widget=DateInput())

    def clean_held_on(self):
        return _not_in_future(self.cleaned_data["held_on"])


class RecordCheckForm(forms.Form):
    seen_on = forms.DateField(label=_("Record extract seen on"), widget=DateInput())
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for two years after the date seen."),
    )

    def clean_seen_on(self):
        return _not_in_future(self.cleaned_data["seen_on"])

    def clean(self):
        cleaned = super().clean()
        seen_on, valid_until = cleaned.get("seen_on"), cleaned.get("valid_until")
        if seen_on and valid_until and valid_until <= seen_on:
            self.add_error("valid_until", _("Valid until must be after the date seen."))
        return cleaned


class PaymentForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("Amount (SEK)"), min_value=0.01, max_digits=8, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("Reference"), required=False, max_length=100, validators=[single_line])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["paid_on"].initial = today

    def clean_paid_on(self):
        return _not_in_future(self.cleaned_data["paid_on"])


class FeeRateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    membership_type = forms.ChoiceField(label=_("Membership type"), choices=MembershipType.choices)
    amount = forms.DecimalField(label=_("Amount (SEK)"), min_value=0, max_digits=8, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class FeeReminderForm(forms.Form):
    """The shelter's fee reminders (admins): on or off, when the year's fee is due, how often, how to pay."""

    enabled = forms.BooleanField(
        label=_("Send fee reminders"),
        required=False,
        help_text=_("After the due date, members with no payment recorded for the year get a reminder."),
    )
    due_month = forms.TypedChoiceField(
        label=_("Fee due (month)"), coerce=int, choices=[(month, capfirst(name)) for month, name in MONTHS.items()]
    )
    due_day = forms.IntegerField(label=_("Fee due (day)"), min_value=1, max_value=31)
    interval_days = forms.IntegerField(
        label=_("Days between reminders"),
        min_value=FEE_REMINDER_INTERVAL_DAYS[0],
        max_value=FEE_REMINDER_INTERVAL_DAYS[1],
    )
    payment_text = forms.CharField(
        label=_("How to pay"),
        required=False,
        max_length=FEE_PAYMENT_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The Bankgiro or Swish number and what to write with the payment. It is sent in the reminder e-mail "
            "(never by SMS): do not name the shelter."
        ),
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "enabled": organisation.fee_reminders_enabled,
                "due_month": organisation.fee_due_month,
                "due_day": organisation.fee_due_day,
                "interval_days": organisation.fee_reminder_interval_days,
                "payment_text": organisation.fee_payment_text,
            },
        )
        kwargs["prefix"] = "reminders"
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        month, day = cleaned.get("due_month"), cleaned.get("due_day")
        if month and day and (error := due_day_error(month, day)):
            self.add_error("due_day", error)
        if cleaned.get("enabled") and not (cleaned.get("payment_text") or "").strip():
            self.add_error("payment_text", _("Write how to pay the fee before switching reminders on."))
        return cleaned


class PledgeTextForm(forms.Form):
    text = forms.CharField(label=_("Pledge text"), widget=forms.Textarea(attrs={"rows": 10}))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("The pledge text cannot be empty."))
        return text


class PledgeSignForm(forms.Form):
    pledge_text = forms.IntegerField(widget=forms.HiddenInput())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_pledge_text(self):
        pledge = PledgeText.objects.filter(organisation=self.organisation, pk=self.cleaned_data["pledge_text"]).first()
        if pledge is None:
            raise forms.ValidationError(_("This pledge text does not exist."))
        return pledge


ONBOARDING_FILTERS = [
    ("", _("All")),
    ("interview_missing", _("Interview missing")),
    ("pledge_missing", _("Pledge missing")),
    ("record_check_missing", _("Record check missing or expired")),
    ("complete", _("Onboarding complete")),
]


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search (name or e-mail)"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + MemberStatus.choices)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All"))] + Role.choices)
    paid = forms.ChoiceField(
        label=_("Paid this year"),
        required=False,
        choices=[("", _("All")), ("yes", _("Paid")), ("no", _("Not paid"))],
    )
    onboarding = forms.ChoiceField(label=_("Onboarding"), required=False, choices=ONBOARDING_FILTERS)
