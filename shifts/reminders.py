"""Shift reminders and under-staffed alerts: planned by beat's scan from the current data, checked again at send
time. Discreet: the subject names no shelter, no line and no other person.

Reminder moments are real elapsed time before the start (computed in UTC): "24 hours before" a shift on the
day after a daylight-saving change is 23 or 25 wall-clock hours before it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import F, Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from members.models import Member, MemberStatus, Role
from notices.models import Notice
from notices.outbox import DropNotice, Message, notice_kind, notice_plan_many, notice_planner, render_template_message

from .formatting import shift_when
from .models import ACTIVE_STATUSES, Assignment, AssignmentStatus, Shift

# A reminder whose moment passed while the worker was down is still planned within this window (if the shift
# has not started); older moments are not planned at all.
LOOK_BACK = timedelta(hours=24)
# Offsets longer than this are not planned (the scan only looks this far ahead).
MAX_OFFSET = timedelta(days=7)


def start_stamp(starts_at: datetime) -> str:
    return f"{starts_at.astimezone(UTC):%Y%m%dT%H%M}"


def reminder_variant(offset: int, starts_at: datetime) -> str:
    return f"{offset}:{start_stamp(starts_at)}"


def short_when(shift: Shift) -> str:
    """ "tis 20:00–23:00" in the shelter's time zone and the active language."""
    zone = shift.line.organisation.zone
    starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    return f"{dateformat.format(starts, 'D')} {starts:%H:%M}–{ends:%H:%M}"


@notice_planner
def plan_shift_reminders(now: datetime) -> int:
    """Plan a `shift_reminder` for each active assignment and each of the member's offsets whose moment
    (start − offset, real time) lies in (now − LOOK_BACK, now] on a shift that has not started. One query."""
    assignments = (
        Assignment.objects.filter(
            status__in=ACTIVE_STATUSES,
            shift__cancelled_at=None,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + MAX_OFFSET,
            member__erased_at=None,
        )
        .exclude(member__status=MemberStatus.LEFT)
        .select_related("shift", "member__organisation")
    )
    rows = []
    for assignment in assignments:
        shift = assignment.shift
        for offset in assignment.member.effective_reminder_offsets():
            moment = shift.starts_at - timedelta(minutes=offset)
            if now - LOOK_BACK < moment <= now:
                rows.append(
                    {
                        "recipient": assignment.member,
                        "kind": "shift_reminder",
                        "subject": assignment,
                        "variant": reminder_variant(offset, shift.starts_at),
                        "due_at": moment,
                    }
                )
    return notice_plan_many(rows)


@notice_kind("shift_reminder", label=_("Shift reminder"))
def render_shift_reminder(notice: Notice) -> Message:
    assignment = Assignment.objects.select_related("shift__line__organisation").filter(pk=notice.subject_id).first()
    if assignment is None or assignment.status not in ACTIVE_STATUSES:
        raise DropNotice("She is no longer on the shift.")
    shift = assignment.shift
    if shift.cancelled_at is not None:
        raise DropNotice("The shift is cancelled.")
    if shift.starts_at <= timezone.now():
        raise DropNotice("The shift has already started.")
    offset, _sep, stamp = notice.variant.partition(":")
    if stamp != start_stamp(shift.starts_at):
        raise DropNotice("The shift was moved; a new reminder is planned for its new time.")
    if not offset.isdigit() or int(offset) not in notice.recipient.effective_reminder_offsets():
        raise DropNotice("She no longer wants this reminder.")
    context = {
        "short_when": short_when(shift),
        "when": shift_when(shift),
        "line": shift.line.name,
        "shadow": assignment.status == AssignmentStatus.SHADOW,
    }
    return render_template_message("shift_reminder", context)


def _understaffed_window(now: datetime) -> Q:
    """Shifts starting within their shelter's understaffed_alert_hours from now (one Q for all shelters)."""
    hours = set(Organisation.objects.values_list("understaffed_alert_hours", flat=True).distinct())
    window = Q(pk__in=[])
    for h in hours:
        if h:
            window |= Q(line__organisation__understaffed_alert_hours=h, starts_at__lte=now + timedelta(hours=h))
    return window


def _coordinators(organisation_ids) -> dict[int, list[Member]]:
    by_organisation: dict[int, list[Member]] = {}
    members = (
        Member.objects.filter(organisation_id__in=organisation_ids, role__in=[Role.COORDINATOR, Role.ADMIN])
        .current()
        .select_related("organisation")
    )
    for member in members:
        by_organisation.setdefault(member.organisation_id, []).append(member)
    return by_organisation


@notice_planner
def plan_understaffed_alerts(now: datetime) -> int:
    """One `understaffed_alert` per under-staffed shift (fewer confirmed than its minimum) and coordinator of
    its shelter, when the shift starts within the shelter's understaffed_alert_hours. Three queries."""
    shifts = list(
        Shift.objects.not_cancelled()
        .upcoming(now)
        .filter(_understaffed_window(now))
        .with_staffing()
        .filter(confirmed_count__lt=F("min_volunteers"))
        .select_related("line")
    )
    if not shifts:
        return 0
    coordinators = _coordinators({shift.line.organisation_id for shift in shifts})
    rows = [
        {
            "recipient": coordinator,
            "kind": "understaffed_alert",
            "subject": shift,
            "variant": start_stamp(shift.starts_at),
            "due_at": now,
        }
        for shift in shifts
        for coordinator in coordinators.get(shift.line.organisation_id, [])
    ]
    return notice_plan_many(rows)


@notice_kind("understaffed_alert", label=_("Under-staffed shift"))
def render_understaffed_alert(notice: Notice) -> Message:
    shift = Shift.objects.with_staffing().select_related("line__organisation").filter(pk=notice.subject_id).first()
    if shift is None or shift.cancelled_at is not None:
        raise DropNotice("The shift is cancelled.")
    if shift.starts_at <= timezone.now():
        raise DropNotice("The shift has already started.")
    if notice.variant != start_stamp(shift.starts_at):
        raise DropNotice("The shift was moved.")
    if shift.confirmed_count >= shift.min_volunteers:
        raise DropNotice("The shift is staffed now.")
    context = {
        "when": shift_when(shift),
        "line": shift.line.name,
        "confirmed": shift.confirmed_count,
        "minimum": shift.min_volunteers,
    }
    return render_template_message("understaffed_alert", context)
