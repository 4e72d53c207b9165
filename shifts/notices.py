"""The rota's notice kinds (listed in settings.NOTICE_KINDS). Discreet: no shelter name, no line name in a
subject, no other people's names.

Shift reminders and under-staffed alerts are planned by beat's scan from the current data (their `plan`);
the others by the rota's services when something happens. Every kind is checked again at send time
(`is_obsolete`). Reminder moments are real elapsed time before the start (computed in UTC): "24 hours before"
a shift on the day after a daylight-saving change is 23 or 25 wall-clock hours before it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from members.models import Member, MemberStatus, Role
from notices.kinds import NoticeKind, subject_of
from notices.models import Notice, NoticeStatus, Topic
from notices.outbox import Message, notice_plan_many, render_template_message

from .callouts import Outcome, answer_url, ask_state, ask_when
from .formatting import shift_when
from .models import ACTIVE_STATUSES, Assignment, AssignmentStatus, CallOutAsk, Line, Shift, SwapOffer
from .reminders import (
    LOOK_BACK,
    MAX_OFFSET,
    held_away_on,
    held_away_soon,
    reminder_variant,
    short_when,
    start_stamp,
)


class ShiftReminder(NoticeKind):
    """A reminder before her shift, at each of her reminder offsets."""

    slug = "shift_reminder"
    label = _("Shift reminder")
    topic = Topic.REMINDERS

    def plan(self, now: datetime) -> int:
        """A reminder for each active assignment and each of the member's offsets whose moment (start − offset,
        real time) lies in (now − LOOK_BACK, now] on a shift that has not started; none for a place she holds
        while away (ShiftAtRisk tells the coordinators instead). One query, two when there is any."""
        places = Assignment.objects.filter(
            status__in=ACTIVE_STATUSES,
            shift__cancelled_at=None,
            shift__starts_at__gt=now,
            shift__starts_at__lte=now + MAX_OFFSET,
            member__erased_at=None,
        ).exclude(member__status=MemberStatus.LEFT)
        assignments = list(places.select_related("shift", "member__organisation"))
        away = {held.assignment_id for held in held_away_soon(places, now)} if assignments else set()
        rows = []
        for assignment in assignments:
            if assignment.pk in away:
                continue
            shift = assignment.shift
            for offset in assignment.member.effective_reminder_offsets():
                moment = shift.starts_at - timedelta(minutes=offset)
                if now - LOOK_BACK < moment <= now:
                    rows.append(
                        {
                            "recipient": assignment.member,
                            "kind": self.slug,
                            "subject": assignment,
                            "variant": reminder_variant(offset, shift.starts_at),
                            "due_at": moment,
                        }
                    )
        return notice_plan_many(rows)

    def load(self, notice: Notice) -> Assignment | None:
        return subject_of(Assignment.objects.select_related("shift__line__organisation"), notice)

    def is_obsolete(self, notice: Notice) -> str:
        assignment = self.subject(notice)
        if assignment is None or assignment.status not in ACTIVE_STATUSES:
            return "She is no longer on the shift."
        shift = assignment.shift
        if shift.cancelled_at is not None:
            return "The shift is cancelled."
        if shift.starts_at <= timezone.now():
            return "The shift has already started."
        offset, _sep, stamp = notice.variant.partition(":")
        if stamp != start_stamp(shift.starts_at):
            return "The shift was moved; a new reminder is planned for its new time."
        if not offset.isdigit() or int(offset) not in notice.recipient.effective_reminder_offsets():
            return "She no longer wants this reminder."
        if held_away_on(shift, Assignment.objects.filter(pk=assignment.pk)):
            return "She is away then: the coordinators are told the shift is at risk instead."
        return ""

    def render(self, notice: Notice) -> Message:
        assignment = self.subject(notice)
        shift = assignment.shift
        context = {
            "short_when": short_when(shift),
            "when": shift_when(shift),
            "line": shift.line.name,
            "shadow": assignment.status == AssignmentStatus.SHADOW,
        }
        return render_template_message(self.template_name, context)


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


class UnderstaffedAlert(NoticeKind):
    """To each coordinator of the shelter: a shift starting soon has fewer confirmed than its minimum."""

    slug = "understaffed_alert"
    label = _("Under-staffed shift")
    topic = Topic.CALLOUTS  # to coordinators: a shift needs people, like a call-out

    def plan(self, now: datetime) -> int:
        """One alert per under-staffed shift (fewer confirmed than its minimum) and coordinator of its shelter,
        when the shift starts within the shelter's understaffed_alert_hours. Three queries."""
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
                "kind": self.slug,
                "subject": shift,
                "variant": start_stamp(shift.starts_at),
                "due_at": now,
            }
            for shift in shifts
            for coordinator in coordinators.get(shift.line.organisation_id, [])
        ]
        return notice_plan_many(rows)

    def load(self, notice: Notice) -> Shift | None:
        return subject_of(Shift.objects.with_staffing().select_related("line__organisation"), notice)

    def is_obsolete(self, notice: Notice) -> str:
        shift = self.subject(notice)
        if shift is None or shift.cancelled_at is not None:
            return "The shift is cancelled."
        if shift.starts_at <= timezone.now():
            return "The shift has already started."
        if notice.variant != start_stamp(shift.starts_at):
            return "The shift was moved."
        if shift.confirmed_count >= shift.min_volunteers:
            return "The shift is staffed now."
        return ""

    def render(self, notice: Notice) -> Message:
        shift = self.subject(notice)
        context = {
            "when": shift_when(shift),
            "line": shift.line.name,
            "confirmed": shift.confirmed_count,
            "minimum": shift.min_volunteers,
        }
        return render_template_message(self.template_name, context)


class ShiftAtRisk(NoticeKind):
    """To each coordinator of the shelter: someone holds a shift on a day she has since marked herself away, so it
    may go unstaffed (her reminder is not sent). Planned once per shift and start time, as soon as beat's scan
    sees it within MAX_OFFSET of its start. Discreet: no reason, and "away" only in the body, which only
    coordinators get."""

    slug = "shift_at_risk"
    label = _("Shift at risk")
    topic = Topic.CALLOUTS  # to coordinators: a shift may go unstaffed

    def plan(self, now: datetime) -> int:
        """One notice per shift at risk starting within MAX_OFFSET and coordinator of the shelter of a volunteer
        away on it (not one who is away on it herself): the shift's shelter, or on a national line's shift, the
        away volunteer's own. Four queries when there is any."""
        places = Assignment.objects.filter(
            shift__cancelled_at=None, shift__starts_at__gt=now, shift__starts_at__lte=now + MAX_OFFSET
        )
        held = held_away_soon(places, now)
        if not held:
            return 0
        away: dict[int, set[int]] = {}
        for place in held:
            away.setdefault(place.shift_id, set()).add(place.member_id)
        shifts = list(Shift.objects.filter(pk__in=list(away)).select_related("line"))
        shelter_of = dict(
            Member.objects.filter(pk__in={place.member_id for place in held}).values_list("pk", "organisation_id")
        )
        told = {shift.pk: sorted({shelter_of[member_id] for member_id in away[shift.pk]}) for shift in shifts}
        coordinators = _coordinators({shelter for shelters in told.values() for shelter in shelters})
        rows = [
            {
                "recipient": coordinator,
                "kind": self.slug,
                "subject": shift,
                "variant": start_stamp(shift.starts_at),
                "due_at": now,
            }
            for shift in shifts
            for shelter in told[shift.pk]
            for coordinator in coordinators.get(shelter, [])
            if coordinator.pk not in away[shift.pk]
        ]
        return notice_plan_many(rows)

    def load(self, notice: Notice) -> Shift | None:
        return subject_of(Shift.objects.select_related("line__organisation"), notice)

    def is_obsolete(self, notice: Notice) -> str:
        shift = self.subject(notice)
        if shift is None or shift.cancelled_at is not None:
            return "The shift is cancelled."
        if shift.starts_at <= timezone.now():
            return "The shift has already started."
        if notice.variant != start_stamp(shift.starts_at):
            return "The shift was moved."
        if not held_away_on(shift):
            return "Nobody on the shift is away any more."
        return ""

    def render(self, notice: Notice) -> Message:
        shift = self.subject(notice)
        context = {"short_when": short_when(shift), "when": shift_when(shift), "line": shift.line.name}
        return render_template_message(self.template_name, context)


class WaitingListPromoted(NoticeKind):
    """She moved up from the waiting list onto the shift."""

    slug = "waiting_list_promoted"
    label = _("Moved up from the waiting list")
    topic = Topic.CHANGES
    planned_by = "shifts.services.assignment_release (the first on the waiting list moves up)"

    def load(self, notice: Notice) -> Assignment | None:
        return subject_of(Assignment.objects.select_related("shift__line__organisation"), notice)

    def is_obsolete(self, notice: Notice) -> str:
        assignment = self.subject(notice)
        if assignment is None or assignment.status != AssignmentStatus.CONFIRMED:
            return "She is no longer on the shift."
        if assignment.shift.cancelled_at is not None:
            return "The shift is cancelled."
        return ""

    def render(self, notice: Notice) -> Message:
        return render_template_message(self.template_name, {"when": shift_when(self.subject(notice).shift)})


class ShiftCancelled(NoticeKind):
    """A shift she was on is cancelled."""

    slug = "shift_cancelled"
    label = _("Shift cancelled")
    topic = Topic.CHANGES
    planned_by = "shifts.services.shift_cancel"

    def load(self, notice: Notice) -> Shift | None:
        return subject_of(Shift.objects.select_related("line__organisation"), notice)

    def is_obsolete(self, notice: Notice) -> str:
        shift = self.subject(notice)
        if shift is None or shift.cancelled_at is None:
            return "The shift is no longer cancelled."
        return ""

    def render(self, notice: Notice) -> Message:
        return render_template_message(self.template_name, {"when": shift_when(self.subject(notice))})


class SwapTaken(NoticeKind):
    """Someone took the shift she offered for a swap."""

    slug = "swap_taken"
    label = _("Swap taken")
    topic = Topic.CHANGES
    planned_by = "shifts.services.swap_take"

    def load(self, notice: Notice) -> SwapOffer | None:
        offers = SwapOffer.objects.select_related("assignment__shift__line__organisation")
        return subject_of(offers, notice)

    def is_obsolete(self, notice: Notice) -> str:
        offer = self.subject(notice)
        if offer is None or offer.taken_at is None:
            return "The offer was not taken."
        return ""

    def render(self, notice: Notice) -> Message:
        return render_template_message(self.template_name, {"when": shift_when(self.subject(notice).assignment.shift)})


class AssignmentsPublished(NoticeKind):
    """The coordinator published rota changes that concern her: shifts added and removed."""

    slug = "assignments_published"
    label = _("Rota changes published")
    topic = Topic.CHANGES
    planned_by = "shifts.publishing.rota_publish"

    def load(self, notice: Notice) -> list[tuple[Shift, bool]]:
        """(shift, added) for each change whose shift still exists."""
        rows = (notice.payload or {}).get("changes") or []
        shifts = Shift.objects.select_related("line__organisation").in_bulk([row["shift"] for row in rows])
        return [(shifts[row["shift"]], row["kind"] == "added") for row in rows if row["shift"] in shifts]

    def is_obsolete(self, notice: Notice) -> str:
        return "" if self.subject(notice) else "No changes left to tell."

    def render(self, notice: Notice) -> Message:
        changes = [{"when": shift_when(shift), "added": added} for shift, added in self.subject(notice)]
        return render_template_message(self.template_name, {"changes": changes})


def _when(line: Line, starts_at: str, ends_at: str) -> str:
    return shift_when(
        Shift(line=line, starts_at=datetime.fromisoformat(starts_at), ends_at=datetime.fromisoformat(ends_at))
    )


class ShiftChanged(NoticeKind):
    """A shift she is on got a new time or line: the old and the new."""

    slug = "shift_changed"
    label = _("Shift changed")
    topic = Topic.CHANGES
    planned_by = "shifts.changes.shift_change"

    def load(self, notice: Notice) -> Shift | None:
        return subject_of(Shift.objects.select_related("line__organisation"), notice)

    def is_obsolete(self, notice: Notice) -> str:
        from .changes import change_variant

        shift = self.subject(notice)
        if shift is None or shift.cancelled_at is not None:
            return "The shift is cancelled."
        if not shift.assignments.active().filter(member=notice.recipient).exists():
            return "She is no longer on the shift."
        if notice.variant != change_variant(shift):
            return "The shift was changed again; a newer notice tells the current time."
        return ""

    def render(self, notice: Notice) -> Message:
        shift = self.subject(notice)
        payload = notice.payload or {}
        old_line_id = payload.get("old_line")
        old_line = (
            Line.objects.select_related("organisation").filter(pk=old_line_id).first()
            if old_line_id is not None
            else None
        ) or shift.line
        context = {
            "old_when": _when(old_line, payload["old_starts_at"], payload["old_ends_at"]),
            "new_when": shift_when(shift),
            "line_changed": old_line.pk != shift.line_id,
            "old_line": old_line.name,
            "new_line": shift.line.name,
        }
        return render_template_message(self.template_name, context)


class CallOutAsked(NoticeKind):
    """A coordinator asks her to take a gap (a call-out): the time and her one-tap link, nothing else."""

    slug = "callout_ask"
    label = _("Call-out: a shift needs you")
    topic = Topic.CALLOUTS
    planned_by = "shifts.callouts.callout_send"

    def load(self, notice: Notice) -> CallOutAsk | None:
        asks = CallOutAsk.objects.select_related("callout__shift__line__organisation")
        return subject_of(asks, notice)

    def is_obsolete(self, notice: Notice) -> str:
        ask = self.subject(notice)
        if ask is None:
            return "The ask is gone."
        recipient = notice.recipient
        if recipient.erased_at is not None or recipient.status in (MemberStatus.LEFT, MemberStatus.PAUSED):
            return "She no longer takes shifts."
        shift = ask.callout.shift
        confirmed = Assignment.objects.filter(shift=shift, status=AssignmentStatus.CONFIRMED).count()
        if (state := ask_state(ask, timezone.now(), confirmed=confirmed)) != Outcome.OPEN:
            return f"The ask no longer applies ({state})."
        return ""

    def render(self, notice: Notice) -> Message:
        ask = self.subject(notice)
        context = {"when": ask_when(ask.callout.shift, timezone.now()), "url": answer_url(ask)}
        return render_template_message(self.template_name, context)


class CallOutFilled(NoticeKind):
    """The call-out she was asked in is filled (or a coordinator closed it): she need not answer. Only to those
    whose ask went out (an ask still waiting is dropped as obsolete instead)."""

    slug = "callout_filled"
    label = _("Call-out filled or closed")
    topic = Topic.CALLOUTS
    planned_by = "shifts.callouts.callout_answer (the places are filled; callout_close when closed early)"

    def load(self, notice: Notice) -> CallOutAsk | None:
        asks = CallOutAsk.objects.select_related("callout__shift__line__organisation")
        return subject_of(asks, notice)

    def is_obsolete(self, notice: Notice) -> str:
        ask = self.subject(notice)
        if ask is None:
            return "The ask is gone."
        if ask.answer:
            return "She has answered."
        asked = Notice.objects.filter(
            kind=CallOutAsked.slug, subject_type=notice.subject_type_id, subject_id=ask.pk, status__in=_WENT_OUT
        )
        if not asked.exists():
            return "Her ask was never sent."
        if ask.callout.shift.starts_at <= timezone.now():
            return "The shift has already started."
        return ""

    def render(self, notice: Notice) -> Message:
        ask = self.subject(notice)
        context = {"when": ask_when(ask.callout.shift, timezone.now()), "closed": notice.variant == "closed"}
        return render_template_message(self.template_name, context)


_WENT_OUT = (NoticeStatus.SENT, NoticeStatus.IN_DOUBT)
