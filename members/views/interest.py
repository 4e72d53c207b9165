"""The shelter's public interest form, /<shelter>/join/ (no login), and a coordinator's "Decline" on someone who
asked to join through it. The spam guards and the writes live in members/interest.py."""

from __future__ import annotations

from allauth.core.internal import ratelimit  # the limiter allauth and the calendar feeds use
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from phonenumber_field.formfields import PhoneNumberField

from core.errors import JourplanError
from core.models import Organisation

from ..access import coordinator_required
from ..interest import INTEREST_TEXT_MAX, form_token, interest_decline, interest_submit, kind_choices, token_is_fresh
from ..models import Member
from ..rank import may_manage

HONEYPOT = "website"


class InterestForm(forms.Form):
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=100)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    phone = PhoneNumberField(label=gettext_lazy("Phone"), region="SE", required=False)
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("What would you like to do?"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose among the kinds of work on the form.")},
    )
    text = forms.CharField(
        label=gettext_lazy("Tell us a little about yourself (optional)"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=INTEREST_TEXT_MAX,
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = self.fields["kinds"]
        assert isinstance(kinds, forms.MultipleChoiceField)
        kinds.choices = kind_choices(organisation)

    def clean_first_name(self) -> str:
        name = self.cleaned_data["first_name"].strip()
        if not name or any(ch in name for ch in "\r\n\t"):
            raise forms.ValidationError(_("Write your first name."))
        return name

    def clean_last_name(self) -> str:
        name = self.cleaned_data["last_name"].strip()
        if any(ch in name for ch in "\r\n\t"):
            raise forms.ValidationError(_("Write your last name on one line."))
        return name

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("email") and not cleaned.get("phone"):
            raise forms.ValidationError(_("Give an e-mail address or a phone number (or both) so we can reach you."))
        return cleaned


def _shelter_or_404(slug: str) -> Organisation:
    return get_object_or_404(Organisation, slug=slug)


def _form_page(request, shelter: Organisation, form: InterestForm, *, status: int = 200):
    context = {"shelter": shelter, "form": form, "token": form_token(shelter), "honeypot": HONEYPOT}
    return render(request, "members/join.html", context, status=status)


@require_http_methods(["GET", "POST"])
def join(request, organisation: str):
    """Public: anyone may ask to join. Not inside shelter_view (no login, no membership); an unknown shelter is a
    404. A sign-up a guard refuses (honeypot filled, sent too fast, an old or foreign token, too many from her
    address or for the shelter today) answers the same thank-you page as one that was stored."""
    shelter = _shelter_or_404(organisation)
    if request.method != "POST":
        return _form_page(request, shelter, InterestForm(organisation=shelter))
    form = InterestForm(request.POST, organisation=shelter)
    if request.POST.get(HONEYPOT) or not token_is_fresh(request.POST.get("token", ""), shelter):
        return render(request, "members/join_thanks.html", {"shelter": shelter})
    if not form.is_valid():
        return _form_page(request, shelter, form)
    if ratelimit.consume(request, app="allauth.account", action="interest_form"):
        data = form.cleaned_data
        interest_submit(
            organisation=shelter,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"] or "",
            kinds=list(data["kinds"]),
            text=data["text"],
        )
    return render(request, "members/join_thanks.html", {"shelter": shelter})


@coordinator_required
@require_POST
def member_decline(request, pk: int):
    """ "Decline": erases someone who asked to join through the form, in one service call."""
    member = get_object_or_404(Member.objects.for_organisation(request.organisation), pk=pk, erased_at=None)
    if not may_manage(request.member, member):
        raise PermissionDenied
    try:
        interest_decline(member=member, by=request.member)
    except JourplanError as refused:
        messages.error(request, refused.message)
        return redirect("members:member_detail", organisation=request.organisation.slug, pk=member.pk)
    messages.success(request, _("Declined. What she sent has been erased."))
    return redirect("members:member_list", organisation=request.organisation.slug)
