from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Member, Organisation


class InviteForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["first_name", "last_name", "email", "role"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["email"].required = True


class ShelterForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    slug = forms.SlugField(label=_("Address"), max_length=60, help_text=_("Lower-case letters, digits and dashes."))
    time_zone = forms.CharField(label=_("Time zone"), initial="Europe/Stockholm", max_length=64)
    admin_first_name = forms.CharField(label=_("First admin's first name"), max_length=100)
    admin_email = forms.EmailField(label=_("First admin's e-mail address"))
