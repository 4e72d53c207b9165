"""The shelter's own rules, changed by its admins on its settings page (issue 19): how far ahead volunteers may take
shifts, until when they may release one, when coordinators are alerted, who counts as inactive, the default
reminders before a shift, and when members who left are erased. Each rule has its bounds and a sentence that says
what it means for volunteers and coordinators, with the value in words.

The time zone is not here on purpose: the rota's shifts are stored in UTC, so a new zone would move the wall-clock
time of every shift already planned; it stays with the federation's operator (the Django admin).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from auditlog.context import auditlog_value, set_actor
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import JourplanError
from core.models import Organisation

from .models import Member, MemberStatus

# Bounds, inclusive.
SIGNUP_WINDOW_DAYS = (7, 365)
RELEASE_DEADLINE_HOURS = (0, 336)  # up to two weeks
UNDERSTAFFED_ALERT_HOURS = (1, 336)
INACTIVE_AFTER_DAYS = (14, 365)
ANONYMISE_AFTER_MONTHS = (1, 120)
REMINDER_OFFSET_MINUTES = (15, 7 * 24 * 60)
REMINDERS_MAX = 3

INTEGER_SETTINGS = {
    "signup_window_days": SIGNUP_WINDOW_DAYS,
    "release_deadline_hours": RELEASE_DEADLINE_HOURS,
    "understaffed_alert_hours": UNDERSTAFFED_ALERT_HOURS,
    "inactive_after_days": INACTIVE_AFTER_DAYS,
    "anonymise_after_months": ANONYMISE_AFTER_MONTHS,
}
SETTING_FIELDS = (*INTEGER_SETTINGS, "reminder_offsets_minutes")


class OrganisationSettingsRefused(JourplanError):
    pass


# --- reminder offsets as people write them ---------------------------------------------------------------------

_UNIT_MINUTES = {
    "": 60,  # a bare number is hours: "24, 2"
    "m": 1,
    "min": 1,
    "mins": 1,
    "minut": 1,
    "minuter": 1,
    "minute": 1,
    "minutes": 1,
    "h": 60,
    "t": 60,
    "tim": 60,
    "timme": 60,
    "timmar": 60,
    "hour": 60,
    "hours": 60,
    "d": 24 * 60,
    "dag": 24 * 60,
    "dagar": 24 * 60,
    "dygn": 24 * 60,
    "day": 24 * 60,
    "days": 24 * 60,
}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-zåäö]*)\.?")


def parse_reminder_offsets(text: str) -> list[int]:
    """Reminders as people write them → minutes before the start, largest first, duplicates dropped: "24 h, 2 h",
    "1 dygn; 90 min", "24 och 2", "1,5 h"; a value may have several parts ("1 h 30 min"). Raises
    OrganisationSettingsRefused (translated) for what it cannot read, more than three values, or a value
    outside 15 minutes–7 days."""
    text = (text or "").strip().lower()
    if not text:
        return []
    offsets: list[int] = []
    for item in re.split(r"(?<!\d),|,(?!\d)|[;/\n]|\boch\b|\band\b", text):
        item = item.strip()
        if not item:
            continue
        if re.fullmatch(r"\d+,\d+", item):
            # "24,2": two reminders written without a space, or 24.2 hours with a decimal comma? Ask, never guess.
            raise OrganisationSettingsRefused(
                _('"%(value)s" can be read two ways. Write "24 h, 2 h" for two reminders or "1,5 h" for one.')
                % {"value": item}
            )
        position, minutes = 0, 0.0
        for match in _PART.finditer(item):
            if item[position : match.start()].strip() or match.group(2) not in _UNIT_MINUTES:
                break
            minutes += float(match.group(1).replace(",", ".")) * _UNIT_MINUTES[match.group(2)]
            position = match.end()
        if position == 0 or item[position:].strip():
            raise OrganisationSettingsRefused(
                _('"%(value)s" is not a time we can read. Write e.g. "24 h, 2 h" or "30 min".') % {"value": item}
            )
        offsets.append(round(minutes))
    return clean_reminder_offsets(offsets)


def clean_reminder_offsets(offsets: list[int]) -> list[int]:
    low, high = REMINDER_OFFSET_MINUTES
    for minutes in offsets:
        if not low <= minutes <= high:
            raise OrganisationSettingsRefused(
                _("Each reminder must be from 15 minutes to 7 days before the shift (%(value)s is not).")
                % {"value": format_offset(minutes)}
            )
    unique = sorted(set(offsets), reverse=True)
    if len(unique) > REMINDERS_MAX:
        raise OrganisationSettingsRefused(_("At most %(count)s reminders before a shift.") % {"count": REMINDERS_MAX})
    return unique


def format_offset(minutes: int) -> str:
    """60 → "1 h", 90 → "1 h 30 min", 30 → "30 min" (readable, and parse_reminder_offsets reads it back)."""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def format_offsets(offsets: list[int] | None) -> str:
    return ", ".join(format_offset(m) for m in offsets or [])


# --- the sentences ----------------------------------------------------------------------------------------------


def rule_sentences(organisation: Organisation) -> dict[str, str]:
    """Per rule, what it means with the current value, in the reader's language."""
    o = organisation
    if o.release_deadline_hours:
        release = ngettext(
            "A volunteer can release a shift herself until %(hours)s hour before it starts; after that she can "
            "offer it for swap or contact a coordinator.",
            "A volunteer can release a shift herself until %(hours)s hours before it starts; after that she can "
            "offer it for swap or contact a coordinator.",
            o.release_deadline_hours,
        ) % {"hours": o.release_deadline_hours}
    else:
        release = _("A volunteer can release a shift herself right up until it starts.")
    offsets = list(o.reminder_offsets_minutes or [])
    if offsets:
        reminders = _("Volunteers get a reminder %(offsets)s before each shift, unless they chose their own times.") % {
            "offsets": format_offsets(offsets)
        }
    else:
        reminders = _("No reminders are sent before shifts, except to volunteers who chose their own times.")
    return {
        "signup_window_days": ngettext(
            "Volunteers can take shifts %(days)s day ahead.",
            "Volunteers can take shifts %(days)s days ahead.",
            o.signup_window_days,
        )
        % {"days": o.signup_window_days},
        "release_deadline_hours": release,
        "understaffed_alert_hours": ngettext(
            "Coordinators are alerted when a shift starting within %(hours)s hour has fewer volunteers than it needs.",
            "Coordinators are alerted when a shift starting within %(hours)s hours has fewer volunteers than it needs.",
            o.understaffed_alert_hours,
        )
        % {"hours": o.understaffed_alert_hours},
        "inactive_after_days": ngettext(
            "The statistics list volunteers who have had no shift for %(days)s day.",
            "The statistics list volunteers who have had no shift for %(days)s days.",
            o.inactive_after_days,
        )
        % {"days": o.inactive_after_days},
        "reminder_offsets_minutes": reminders,
        "anonymise_after_months": ngettext(
            "Members who have left are erased %(months)s month after they left; their hours and shifts stay in "
            "the statistics without names.",
            "Members who have left are erased %(months)s months after they left; their hours and shifts stay in "
            "the statistics without names.",
            o.anonymise_after_months,
        )
        % {"months": o.anonymise_after_months},
    }


# --- the service ------------------------------------------------------------------------------------------------


@contextmanager
def _actor(user: Any) -> Iterator[None]:
    """The audit trail's actor for this write is `by`, inside a request (where auditlog's middleware already set the
    login, with her address) and outside one (a command, a test). auditlog's set_actor neither nests nor restores
    the context it replaces, so the outer one is put back afterwards; its own exit then disconnects its receiver."""
    previous = auditlog_value.get(None)
    extra = {key: previous.get(key) for key in ("remote_addr", "remote_port")} if previous else {}
    try:
        with set_actor(user, **extra):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


@transaction.atomic
def organisation_settings_update(*, organisation: Organisation, by: Member, **values: Any) -> list[str]:
    """Change the shelter's own rules (any of SETTING_FIELDS; reminder_offsets_minutes as minutes or as text such
    as "24 h, 2 h") in one write under a row lock, by one of its admins. Every value is checked against its bounds
    first: refused with a translated reason, nothing changed. The change is in the audit trail (Organisation is
    audited) with the admin as its actor. Returns the fields that changed (empty: nothing to save)."""
    if not (
        by.organisation_id == organisation.pk and by.is_admin and by.status != MemberStatus.LEFT and not by.erased_at
    ):
        raise OrganisationSettingsRefused(_("Only the shelter's admins can change its settings."))
    return settings_save(organisation=organisation, values=values, actor=by.user)


def settings_save(*, organisation: Organisation, values: dict[str, Any], actor: Any) -> list[str]:
    """Check `values` (SETTING_FIELDS) against their bounds and save those that changed under a row lock, with
    `actor` (a login) in the audit trail; the caller has decided who may. Also the federation's operator's path for
    the national lines' organisation (shifts.national.national_settings_update)."""
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise TypeError(f"Not a shelter setting: {', '.join(sorted(unknown))}")
    cleaned: dict[str, Any] = {}
    for field, (low, high) in INTEGER_SETTINGS.items():
        if field not in values:
            continue
        try:
            value = int(values[field])
        except (TypeError, ValueError):
            value = None
        if value is None or not low <= value <= high:
            raise OrganisationSettingsRefused(
                _("%(setting)s must be a whole number from %(low)s to %(high)s.")
                % {"setting": _capital(_field_name(field)), "low": low, "high": high}
            )
        cleaned[field] = value
    if "reminder_offsets_minutes" in values:
        offsets = values["reminder_offsets_minutes"]
        if isinstance(offsets, str):
            cleaned["reminder_offsets_minutes"] = parse_reminder_offsets(offsets)
        else:
            try:
                minutes = [int(m) for m in offsets or []]
            except (TypeError, ValueError):
                raise OrganisationSettingsRefused(_("The reminders must be times before the shift.")) from None
            cleaned["reminder_offsets_minutes"] = clean_reminder_offsets(minutes)
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = [field for field, value in cleaned.items() if getattr(locked, field) != value]
    if not changed:
        return []
    for field in changed:
        setattr(locked, field, cleaned[field])
    with _actor(actor):
        locked.save(update_fields=changed)
    for field in changed:  # the caller's copy too, so the page it renders next says the new values
        setattr(organisation, field, cleaned[field])
    return changed


def _field_name(field: str) -> str:
    return str(getattr(Organisation._meta.get_field(field), "verbose_name", field))


def _capital(text: Any) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]
