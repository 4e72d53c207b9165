"""Words for the keys of a member's data export, for the "My data" page (the JSON download keeps the keys).

A key without a label here (a section another app registers later) is shown with its underscores as spaces."""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FIELD_LABELS = {
    # Profile
    "organisation": _("Shelter"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "email": _("E-mail address"),
    "phone": _("Phone"),
    "postal_address": _("Postal address"),
    "notes": _("Notes"),
    "language": _("Language"),
    "role": _("Role"),
    "status": _("Status"),
    "membership_type": _("Membership type"),
    "member_since": _("Member since"),
    "status_changed_on": _("Status changed on"),
    "left_on": _("Left on"),
    "protected_identity": _("Protected identity"),
    "share_phone": _("Shows your phone number to co-volunteers"),
    "notice_channel": _("Messages by"),
    "login": _("Login"),
    "created_at": _("Added to the register"),
    # Onboarding, fees, messages, audit trail
    "held_on": _("Held on"),
    "recorded_at": _("Recorded"),
    "let_in_at": _("Let in"),
    "version": _("Version"),
    "signed_at": _("Signed"),
    "seen_on": _("Seen on"),
    "valid_until": _("Valid until"),
    "year": _("Year"),
    "amount": _("Amount"),
    "paid_on": _("Paid on"),
    "method": _("Method"),
    "reference": _("Reference"),
    "kind": _("Kind"),
    "date": _("Date"),
    "timestamp": _("When"),
    "action": _("Action"),
    "changed_fields": _("Changed fields"),
    # Shifts
    "starts": _("Starts"),
    "ends": _("Ends"),
    "line": pgettext_lazy("support line", "Line"),
    "hours": _("Hours"),
    "cancelled": _("Cancelled shift"),
    "until": _("Up to"),  # prior shifts (issue 19)
    # Trainings
    "course": _("Course"),
    "completed_on": _("Completed on"),
    "source": _("Source"),
    "session_starts": _("Session starts"),
    # Absence and wishes
    "first_day": _("First day away"),
    "last_day": _("Last day away"),
    "marked_at": _("Marked"),
    "marked_by_you": _("Marked by you"),
    "weekdays": _("Days I prefer"),
    "times_of_day": _("Times I prefer"),
    "lines": _("Lines I prefer"),
    "max_per_week": _("At most shifts a week"),
    "max_per_month": _("At most shifts a month"),
    "signed_up_at": _("Signed up on"),
    # Call-outs
    "asked_at": _("Asked"),
    "opened_at": _("Opened the link"),
    "answer": _("Answer"),
    "answered_at": _("Answered"),
    # Announcements
    "title": _("Title"),
    "message": _("Message"),
    "sent_at": _("Sent"),
    "read_at": _("Read"),
    "recipients": _("Recipients"),
    # Notices
    "topic": _("Notices about"),
    "channel": _("By"),
    "device": _("Device"),
    "added_at": _("Added"),
    "last_used_at": _("Last used"),
    # Volunteer time
    "kind_of_time": _("Kind of time"),
    "approval": _("Approval"),
    "return_reason": _("Why it was returned"),
    "logged_at": _("Logged"),
    "decided_at": _("Decided"),
    # The path in
    "step": _("Step"),
    "moved_at": _("Moved there"),
    "moved_by": _("Moved by"),
}

MEMBER_CODED_FIELDS = ("role", "status", "membership_type", "notice_channel", "language")

SECTION_LABELS = {
    "shifts": _("Shifts"),
    "records": _("Completed trainings"),
    "session_signups": _("Sign-ups for training sessions"),
    "availability": _("Absence and wishes"),
    "absences": _("Absences"),
    "wishes": _("Wishes"),
    "callouts": _("Call-outs you were asked in"),
    "prior_shifts": _("Shifts before Jourplan"),
    "national_lines": _("National lines you may take shifts on"),
    "announcements": _("Messages from the shelter"),
    "received": _("Messages you received"),
    "written": _("Messages you wrote"),
    "notification_settings": _("Notifications"),
    "channel_choices": _("How you get notifications"),
    "push_devices": _("Devices for push notifications"),
    "memberpath": _("Your path into the shelter"),
    "timelog": _("Volunteer time"),
}


@cache
def value_labels() -> dict[str, dict]:
    """Stored codes in words, by key: {"method": {"swish": "Swish", …}}: the register's own, then the other
    apps' (settings.GDPR_EXPORT_VALUE_LABELS, dotted paths of {key: labels}, labels a dict or Django choices),
    since members imports neither trainings nor shifts."""
    from core.audit import ACTION_CODES, ACTION_LABELS

    from .models import Member, PaymentMethod

    fields = {field.name: field for field in Member._meta.concrete_fields}
    labels = {name: dict(fields[name].flatchoices) for name in MEMBER_CODED_FIELDS}
    labels["method"] = dict(PaymentMethod.choices)
    labels["action"] = {code: ACTION_LABELS[action] for action, code in ACTION_CODES.items()}
    for path in settings.GDPR_EXPORT_VALUE_LABELS:
        labels.update({key: dict(choices) for key, choices in import_string(path).items()})
    return labels


def field_label(key: str) -> str:
    if not key:
        return ""
    return str(FIELD_LABELS.get(key) or key.replace("_", " ").capitalize())


def section_label(key: str) -> str:
    return str(SECTION_LABELS.get(key) or key.replace("_", " ").capitalize())


def field_value(key: str, value):
    """A stored code in words (her role, status…) and an ISO time as local "2026-03-03 20:00"."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    if key == "changed_fields" and isinstance(value, list):
        return [field_label(name) for name in value]
    if key == "kind" and isinstance(value, str):
        from notices.outbox import kind_label

        return kind_label(value)
    if isinstance(value, str) and key in value_labels():
        return value_labels()[key].get(value, value)
    if isinstance(value, str) and "T" in value:
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is not None and timezone.is_aware(moment):
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return value
