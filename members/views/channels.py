"""How notices reach people (issue 18): her own page, "Aviseringar" — per topic the channels she wants (e-mail, SMS,
push) and her quiet hours — and the admins' SMS page: which topics may go by SMS, the sender name, and how many
SMS the shelter sent this month and last month.

The forms live here, beside their only views: a topic's checkboxes are built from what she is offered now (SMS
only where her shelter allows it and she has a phone number, push only with a device), so a POST can choose
nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import JourplanError
from notices.models import Channel, Topic
from notices.outbox import EMAIL_ONLY_TOPICS, Reach, delivery_channels, reach_of
from notices.push import push_enabled
from notices.services import (
    CHOOSABLE_TOPICS,
    channel_choices_replace,
    offered_channels,
    organisation_sms_settings_update,
    sms_allowed,
    sms_counts,
    topic_label,
)

from ..access import admin_required, volunteer_required

LOGGING_SMS_BACKEND = "notices.channels.LoggingSmsBackend"
CHANNEL_LABELS = {
    Channel.EMAIL.value: gettext_lazy("E-mail"),
    Channel.SMS.value: gettext_lazy("SMS"),
    Channel.PUSH.value: gettext_lazy("Push"),
}


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ChannelsForm(forms.Form):
    """One group of checkboxes per choosable topic (the channels offered to her for it), and her quiet hours."""

    quiet_hours_start = forms.TimeField(label=gettext_lazy("Quiet from"), required=False, widget=_time_input())
    quiet_hours_end = forms.TimeField(label=gettext_lazy("Quiet until"), required=False, widget=_time_input())

    def __init__(self, *args, offered: dict[str, list[str]], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for topic in CHOOSABLE_TOPICS:
            self.fields[topic] = forms.MultipleChoiceField(
                label=topic_label(topic),
                choices=[(channel, CHANNEL_LABELS[channel]) for channel in offered[topic]],
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Choose at least one way to get %(topic)s.") % {"topic": topic_label(topic).lower()}
                },
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_hours_start"), cleaned.get("quiet_hours_end")
        if "quiet_hours_start" in cleaned and "quiet_hours_end" in cleaned and (start is None) != (end is None):
            raise forms.ValidationError(_("Give both times for your quiet hours, or neither."))
        if start is not None and start == end:
            raise forms.ValidationError(_("Your quiet hours must start and end at different times."))
        return cleaned


@dataclass(frozen=True)
class TopicRow:
    field: forms.BoundField
    sms_note: str  # why SMS is not offered for this topic ("" when it is)


def _devices_url(organisation_slug: str) -> str:
    """The page where she adds this device for push (built by the push opt-in), when it exists."""
    try:
        return reverse("members:devices", kwargs={"organisation": organisation_slug})
    except NoReverseMatch:
        return ""


@volunteer_required
def my_channels(request):
    member = request.member
    organisation = request.organisation
    reach = reach_of([member], CHOOSABLE_TOPICS).get(member.pk, Reach())
    offered = {topic: offered_channels(member, topic, has_push=reach.has_push) for topic in CHOOSABLE_TOPICS}
    initial = {
        "quiet_hours_start": member.quiet_hours_start,
        "quiet_hours_end": member.quiet_hours_end,
        # What reaches her now: her choice (or her default channel) where it is possible, else e-mail.
        **{topic: delivery_channels(member, topic, reach) for topic in CHOOSABLE_TOPICS},
    }
    # A POST with no fields at all is a POST (request.POST is empty, not None): it is refused like any other.
    form = ChannelsForm(request.POST if request.method == "POST" else None, offered=offered, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            channel_choices_replace(
                member=member,
                choices={topic: form.cleaned_data[topic] for topic in CHOOSABLE_TOPICS},
                quiet_hours_start=form.cleaned_data["quiet_hours_start"],
                quiet_hours_end=form.cleaned_data["quiet_hours_end"],
            )
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Your choices have been saved."))
            return redirect("members:channels", organisation=organisation.slug)
    rows = []
    for topic in CHOOSABLE_TOPICS:
        if Channel.SMS in offered[topic]:
            note = ""
        elif not sms_allowed(organisation, topic):
            note = _("Your shelter does not send these by SMS.")
        else:
            note = _("Add your phone number under My profile to get these by SMS.")
        rows.append(TopicRow(field=form[topic], sms_note=note))
    return render(
        request,
        "members/channels.html",
        {
            "form": form,
            "rows": rows,
            "has_push": reach.has_push,
            "push_on": push_enabled(),
            "devices_url": _devices_url(organisation.slug),
            "account_topics": [topic_label(topic) for topic in Topic.values if topic in EMAIL_ONLY_TOPICS],
        },
    )


# The topics as the shelter's admins read them (her page says "my shifts").
SHELTER_TOPIC_LABELS = {
    Topic.REMINDERS.value: gettext_lazy("Reminders before shifts and of expiring trainings"),
    Topic.CALLOUTS.value: gettext_lazy("Call-outs and under-staffed shifts"),
    Topic.CHANGES.value: gettext_lazy("Changes to volunteers' shifts"),
    Topic.ANNOUNCEMENTS.value: gettext_lazy("Messages from the shelter"),
}


class SmsSettingsForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Notices that may be sent by SMS"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Each SMS costs money. Notices about membership and logins always go by e-mail."),
    )
    sender = forms.CharField(
        label=gettext_lazy("SMS sender"),
        max_length=11,
        help_text=gettext_lazy(
            "2–11 letters (a–z) or digits, starting with a letter. It shows on the volunteer's phone, so it must "
            'not name the shelter or say "jour". "Jourplan" is always fine.'
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(topic, SHELTER_TOPIC_LABELS[topic]) for topic in CHOOSABLE_TOPICS]


@admin_required
def sms_settings(request):
    organisation = request.organisation
    form = SmsSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"topics": list(organisation.sms_topics or ()), "sender": organisation.sms_sender},
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation_sms_settings_update(
                organisation=organisation, topics=form.cleaned_data["topics"], sender=form.cleaned_data["sender"]
            )
        except JourplanError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The SMS settings have been saved."))
            return redirect("members:sms_settings", organisation=organisation.slug)
    this_month, last_month = sms_counts(organisation, timezone.now())
    return render(
        request,
        "members/sms_settings.html",
        {
            "form": form,
            "this_month": this_month,
            "last_month": last_month,
            # The embedded default only writes an SMS to the log: say so, or an admin thinks they go out.
            "sms_only_logged": settings.SMS_BACKEND == LOGGING_SMS_BACKEND,
        },
    )
