"""Calendar feeds (iCalendar) at secret-token URLs.

- Personal feed: her confirmed and shadow shifts. Event titles are discreet ("Pass 20:00–23:00"): no shelter
  name and no co-volunteers' names; the line's name only in the description.
- Line feed for coordinators: one token per coordinator and line (calendar apps cannot log in, so a session
  view could not be subscribed to). It stops working when she is no longer a coordinator there.
Tokens: 32 random bytes (secrets.token_urlsafe), only their SHA-256 is stored; revoking deletes the row.
Each feed is two queries, whatever the number of shifts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from core.errors import JourplanError
from members.models import Member, MemberStatus

from .models import ACTIVE_STATUSES, Assignment, AssignmentStatus, CalendarToken, Line, Shift

TOKEN_BYTES = 32
FEED_PAST = timedelta(days=90)


class FeedError(JourplanError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_token_renew(*, member: Member, line: Line | None = None, now: datetime | None = None) -> str:
    """Create (or replace) her feed link; returns the secret token, which is not stored and cannot be shown
    again. A line feed needs a coordinator of the line's shelter."""
    if line is not None and (line.organisation_id != member.organisation_id or not member.is_coordinator):
        raise FeedError(_("Only a coordinator of this shelter can subscribe to a line's calendar."))
    CalendarToken.objects.filter(member=member, line=line).delete()
    token = secrets.token_urlsafe(TOKEN_BYTES)
    CalendarToken.objects.create(
        member=member, line=line, token_hash=token_hash(token), created_at=now or timezone.now()
    )
    return token


@transaction.atomic
def calendar_token_revoke(*, member: Member, line: Line | None = None) -> bool:
    deleted, _rows = CalendarToken.objects.filter(member=member, line=line).delete()
    return bool(deleted)


def token_lookup(token: str, organisation_slug: str) -> CalendarToken | None:
    """The live token for this shelter, or None (unknown, revoked, other shelter, member gone or no longer a
    coordinator for a line feed). One query."""
    found = (
        CalendarToken.objects.select_related("member__organisation", "line")
        .filter(token_hash=token_hash(token), member__organisation__slug=organisation_slug)
        .first()
    )
    if found is None:
        return None
    member = found.member
    if member.erased_at is not None or member.status == MemberStatus.LEFT:
        return None
    if found.line is not None and (not member.is_coordinator or not found.line.active):  # line: select_related
        return None
    return found


def _stamp(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _title(shift: Shift, zone) -> str:
    starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return _("Shift %(start)s–%(end)s") % {"start": f"{starts:%H:%M}", "end": f"{ends:%H:%M}"}


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Jourplan//Jourplan//EN")
    calendar.add("version", "2.0")
    # A name saved before line breaks were refused (core.validators.single_line) must not break the feed:
    # icalendar refuses a raw line break in this property.
    calendar.add("x-wr-calname", " ".join(name.splitlines()))
    return calendar


def _event(*, uid: str, shift: Shift, zone, description: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", _stamp(now))
    event.add("dtstart", _stamp(shift.starts_at))
    event.add("dtend", _stamp(shift.ends_at))
    event.add("summary", _title(shift, zone))
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if shift.cancelled_at is not None else "CONFIRMED")
    return event


def personal_feed(token: CalendarToken, *, now: datetime | None = None) -> bytes:
    """Her confirmed and shadow shifts from FEED_PAST ago on; cancelled ones as STATUS:CANCELLED."""
    now = now or timezone.now()
    member = token.member
    zone = member.organisation.zone
    assignments = (
        Assignment.objects.filter(member=member, status__in=ACTIVE_STATUSES, shift__ends_at__gte=now - FEED_PAST)
        .select_related("shift__line")
        .order_by("shift__starts_at", "pk")
    )
    with translation.override(member.language):
        calendar = _calendar(_("My shifts"))
        for assignment in assignments:
            shift = assignment.shift
            description = shift.line.name
            if assignment.status == AssignmentStatus.SHADOW:
                description = _("%(line)s (shadow shift)") % {"line": shift.line.name}
            calendar.add_component(
                _event(
                    uid=f"assignment-{assignment.pk}@jourplan", shift=shift, zone=zone, description=description, now=now
                )
            )
    return calendar.to_ical()


def line_feed(token: CalendarToken, *, now: datetime | None = None) -> bytes:
    """The line's shifts from FEED_PAST ago on with their staffing (counts only, no names)."""
    now = now or timezone.now()
    member, line = token.member, token.line
    if line is None:
        raise ValueError("line_feed() needs a line's token; a member's token is for personal_feed()")
    zone = member.organisation.zone
    shifts = (
        Shift.objects.filter(line=line, ends_at__gte=now - FEED_PAST)
        .with_staffing()
        .select_related("line")
        .order_by("starts_at", "pk")
    )
    with translation.override(member.language):
        calendar = _calendar(line.name)
        for shift in shifts:
            description = _("%(line)s: %(confirmed)d volunteers (minimum %(minimum)d, maximum %(maximum)d)") % {
                "line": line.name,
                "confirmed": shift.confirmed_count,
                "minimum": shift.min_volunteers,
                "maximum": shift.max_volunteers,
            }
            calendar.add_component(
                _event(uid=f"shift-{shift.pk}@jourplan", shift=shift, zone=zone, description=description, now=now)
            )
    return calendar.to_ical()
