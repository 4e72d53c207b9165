"""May this member take this shift? One small checker per rule, each returning a translated reason or None.

`signup_refusals` combines them for the services; `qualification_reasons` is the trainings-based check
(courses, pledge, record extract on the shift's date) and may be replaced by any callable with the same shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, MemberStatus

from .models import Assignment, Line, Shift

QualificationReasons = Callable[[Member, Line, date], list[str]]


def line_requirements(line: Line):
    from trainings.qualification import Requirements

    return Requirements(
        courses=sorted(line.required_courses.values_list("pk", flat=True)),
        needs_pledge=line.needs_pledge,
        needs_record_check=line.needs_record_check,
    )


def qualification_reasons(member: Member, line: Line, on_date: date) -> list[str]:
    """The trainings issue's check: what she lacks for the line on that date (empty = qualified)."""
    from trainings.qualification import QualificationChecker

    checker = QualificationChecker(line.organisation, [member], on_dates=[on_date])
    return checker.reasons(member, line_requirements(line), on=on_date)


def qualifier_for(organisation, members, on_dates) -> QualificationReasons:
    """A `qualification_reasons` for many members, lines and dates that loads the trainings data once
    (for lists: open offers, open shifts) instead of once per shift."""
    from trainings.qualification import QualificationChecker

    checker = QualificationChecker(organisation, members, on_dates=on_dates)
    requirements: dict[int, object] = {}

    def qualify(member: Member, line: Line, on_date: date) -> list[str]:
        if line.pk not in requirements:
            requirements[line.pk] = line_requirements(line)
        return checker.reasons(member, requirements[line.pk], on=on_date)

    return qualify


# -- one rule each ---------------------------------------------------------------------------------


def reason_not_in_shelter(shift: Shift, member: Member) -> str | None:
    if member.organisation_id != shift.line.organisation_id or member.erased_at is not None:
        return _("You are not a member of this shelter.")
    if member.status in (MemberStatus.LEFT, MemberStatus.PAUSED):
        return _("Your membership is not active, so you cannot take shifts.")
    return None


def reason_cancelled(shift: Shift) -> str | None:
    if shift.cancelled_at is not None:
        return _("The shift is cancelled.")
    return None


def reason_started(shift: Shift, now: datetime) -> str | None:
    if shift.starts_at <= now:
        return _("The shift has already started.")
    return None


def reason_outside_window(shift: Shift, now: datetime) -> str | None:
    days = shift.line.organisation.signup_window_days
    if shift.starts_at > now + timedelta(days=days):
        return ngettext(
            "Sign-up opens %(days)d day before the shift.", "Sign-up opens %(days)d days before the shift.", days
        ) % {"days": days}
    return None


def reason_already_on(shift: Shift, member: Member) -> str | None:
    if Assignment.objects.active().filter(shift=shift, member=member).exists():
        return _("You are already on this shift.")
    return None


def reason_overlap(shift: Shift, member: Member) -> str | None:
    clash = (
        Assignment.objects.active()
        .filter(member=member, shift__cancelled_at=None)
        .filter(shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at)
        .exclude(shift=shift)
        .exists()
    )
    if clash:
        return _("You already have a shift at that time.")
    return None


def reason_shadow_shifts(shift: Shift, member: Member, now: datetime) -> str | None:
    needed = shift.line.required_shadow_shifts
    if not needed:
        return None
    done = Assignment.objects.completed_shadow_shifts(member=member, line=shift.line, now=now)
    if done < needed:
        return ngettext(
            "You need %(needed)d completed shadow shift on this line (you have %(done)d).",
            "You need %(needed)d completed shadow shifts on this line (you have %(done)d).",
            needed,
        ) % {"needed": needed, "done": done}
    return None


def is_experienced(member: Member | int, line: Line, now: datetime) -> bool:
    return Assignment.objects.completed_shifts(member=member, line=line, now=now) >= line.experienced_after_shifts


def confirmed_members(shift: Shift) -> list[int]:
    return list(shift.assignments.confirmed().values_list("member_id", flat=True))


def reason_full(shift: Shift) -> str | None:
    if shift.assignments.confirmed().count() >= shift.max_volunteers:
        return _("The shift is full. You can join the waiting list.")
    return None


def reason_last_place_for_experienced(shift: Shift, member: Member, now: datetime) -> str | None:
    """On a line that needs an experienced volunteer, the last place is kept for one while none is on it."""
    line = shift.line
    if not line.needs_experienced:
        return None
    taken = confirmed_members(shift)
    if len(taken) + 1 < shift.max_volunteers:
        return None
    if is_experienced(member, line, now):
        return None
    if any(is_experienced(taker, line, now) for taker in taken):
        return None
    return _("The last place is kept for an experienced volunteer.")


# -- combined --------------------------------------------------------------------------------------


def signup_refusals(
    *,
    shift: Shift,
    member: Member,
    now: datetime,
    qualify: QualificationReasons | None = None,
    check_capacity: bool = True,
    check_qualification: bool = True,
    ignore_shift: Shift | None = None,
) -> list[str]:
    """Every reason she may not take the shift now (empty = she may). The full-shift reason comes last."""
    if reason := reason_not_in_shelter(shift, member):
        return [reason]
    reasons = [
        r
        for r in (
            reason_cancelled(shift),
            reason_started(shift, now),
            reason_outside_window(shift, now),
            reason_already_on(shift, member),
            reason_overlap(shift, member),
        )
        if r
    ]
    if check_qualification:
        reasons += (qualify or qualification_reasons)(member, shift.line, shift.local_date())
        if reason := reason_shadow_shifts(shift, member, now):
            reasons.append(reason)
    if (
        check_capacity
        and not reasons
        and (reason := reason_full(shift) or reason_last_place_for_experienced(shift, member, now))
    ):
        reasons.append(reason)
    return reasons


def shadow_refusals(*, shift: Shift, member: Member, now: datetime) -> list[str]:
    """A shadow needs no qualification, but a free seat beside an experienced volunteer."""
    if reason := reason_not_in_shelter(shift, member):
        return [reason]
    reasons = [
        r
        for r in (
            reason_cancelled(shift),
            reason_started(shift, now),
            reason_outside_window(shift, now),
            reason_already_on(shift, member),
            reason_overlap(shift, member),
        )
        if r
    ]
    if reasons:
        return reasons
    line = shift.line
    experienced = [m for m in confirmed_members(shift) if is_experienced(m, line, now)]
    if not experienced:
        return [_("A shadow shift needs an experienced volunteer on the shift, and there is none yet.")]
    if shift.assignments.shadows().count() >= len(experienced):
        return [_("Every experienced volunteer on this shift already has a shadow.")]
    return []
