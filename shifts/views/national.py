"""A shelter coordinator's pages of the national rota (issue 20): the invitations to national lines and the lines
her shelter takes part in; for one line, which of her volunteers may take its shifts, which of her shelter's own
trainings they need for it, and the coming shifts (her own volunteers by name, the rest only as a count).

Names never cross a shelter border: nothing here reads a name of another shelter's member (shifts/national.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import MAX_PK, parse_int
from members.access import coordinator_required, in_organisation_time
from members.models import Member, MemberStatus
from trainings.models import Course, CoursePurpose

from ..callouts import ShelterCallOut, national_callout_counts
from ..models import Assignment, Line, NationalParticipation, NationalVolunteer, Shift
from ..national import (
    NationalRefused,
    counts_by_shelter,
    national_courses_set,
    national_volunteers_set,
    participation_accept,
    participation_leave,
)
from ..services import RotaError, coordinator_remove

# The line page shows the shifts of this many weeks ahead, at most SHIFTS_SHOWN of them (whatever the line's size).
WEEKS_AHEAD = 8
SHIFTS_SHOWN = 300
# More ticked boxes than this in one form cannot come from the page.
MAX_CHOSEN = 5000


def _participations(request):
    return NationalParticipation.objects.filter(
        organisation=request.organisation, line__organisation__national=True
    ).select_related("line")


def _participation(request, line_pk: int, *, accepted: bool | None) -> NationalParticipation:
    """Her shelter's invitation to (or part in) the national line, else 404."""
    if not 1 <= line_pk <= MAX_PK:  # beyond the database's integers: no such line
        raise Http404
    found = _participations(request).filter(line_id=line_pk)
    if accepted is not None:
        found = found.filter(accepted_at__isnull=not accepted)
    participation = found.select_related("line__organisation").first()
    if participation is None:
        raise Http404
    return participation


def _to_list(request) -> HttpResponse:
    return redirect("shifts:national_list", organisation=request.organisation.slug)


def _to_line(request, line_pk: int) -> HttpResponse:
    return redirect("shifts:national_line", organisation=request.organisation.slug, pk=line_pk)


def _refused(request, message: str) -> None:
    messages.error(request, f"{message} {_('Nothing was changed.')}")


def _chosen_ids(request, name: str) -> set[int] | None:
    """The primary keys ticked in the form, or None when one of them cannot be one."""
    values = request.POST.getlist(name)
    if len(values) > MAX_CHOSEN:
        return None
    ids = {parse_int(value.strip(), None, lo=1, hi=MAX_PK) for value in values}
    if None in ids:
        return None
    return {pk for pk in ids if pk is not None}


@coordinator_required
@in_organisation_time
def national_list(request):
    """The invitations waiting for an answer and the national lines her shelter takes part in."""
    participations = list(_participations(request).order_by("line__name", "line__pk"))
    taking_part = [p for p in participations if p.accepted_at is not None]
    let_in = dict(
        NationalVolunteer.objects.filter(
            line__in=[p.line_id for p in taking_part], member__organisation=request.organisation
        )
        .order_by()
        .values("line")
        .annotate(count=Count("pk"))
        .values_list("line", "count")
    )
    for participation in taking_part:
        participation.let_in_count = let_in.get(participation.line_id, 0)
    context = {
        "invitations": [p for p in participations if p.accepted_at is None],
        "taking_part": taking_part,
    }
    return render(request, "shifts/national/shelter_list.html", context)


@require_POST
@coordinator_required
def national_accept(request, pk: int):
    participation = _participation(request, pk, accepted=False)
    try:
        participation_accept(participation=participation, by=request.member)
    except NationalRefused as refused:
        messages.error(request, refused.message)
        return _to_list(request)
    messages.success(
        request,
        _("Your shelter takes part in %(line)s. Now choose which of your volunteers may take its shifts.")
        % {"line": participation.line.name},
    )
    return _to_line(request, pk)


@require_POST
@coordinator_required
def national_leave(request, pk: int):
    """Decline the invitation, or stop taking part in the line."""
    participation = _participation(request, pk, accepted=None)
    try:
        participation_leave(participation=participation, by=request.member)
    except NationalRefused as refused:
        messages.error(request, refused.message)
    else:
        if participation.accepted_at is None:
            messages.success(request, _("The invitation to %(line)s is declined.") % {"line": participation.line.name})
        else:
            messages.success(
                request,
                _("Your shelter no longer takes part in %(line)s; your volunteers can no longer take its shifts.")
                % {"line": participation.line.name},
            )
    return _to_list(request)


@dataclass
class NationalShiftRow:
    """One coming shift of the line as her shelter's coordinator sees it."""

    shift: Shift
    own: list[Assignment] = field(default_factory=list)
    others: int = 0  # volunteers of other shelters on it, confirmed or shadow: a count, never names
    confirmed_own: int = 0
    confirmed_others: int = 0
    callout: ShelterCallOut | None = None  # her shelter's asks on it (counts), national-callouts

    @property
    def confirmed(self) -> int:
        return self.confirmed_own + self.confirmed_others

    @property
    def can_ask(self) -> bool:
        """Under-staffed with a free place: she may ask her volunteers (shifts/callouts.py)."""
        return self.is_gap and self.confirmed < self.shift.max_volunteers

    @property
    def is_gap(self) -> bool:
        return self.confirmed < self.shift.min_volunteers


def _coming_shifts(line: Line, organisation_id: int, now) -> tuple[list[NationalShiftRow], bool]:
    """The line's shifts of the coming weeks (four queries whatever their number): her shelter's volunteers on
    them by name, the others as counts, and her shelter's call-outs on them as counts."""
    shifts = list(
        Shift.objects.filter(line=line)
        .not_cancelled()
        .between(now, now + timedelta(weeks=WEEKS_AHEAD))
        .order_by("starts_at", "pk")[: SHIFTS_SHOWN + 1]
    )
    more = len(shifts) > SHIFTS_SHOWN
    shifts = shifts[:SHIFTS_SHOWN]
    rows = {shift.pk: NationalShiftRow(shift=shift) for shift in shifts}
    if not rows:
        return [], more
    own = (
        Assignment.objects.active()
        .filter(shift__in=list(rows), member__organisation=organisation_id)
        .select_related("member")
        .order_by("member__first_name", "member__last_name", "pk")
    )
    for assignment in own:
        rows[assignment.shift_id].own.append(assignment)
    for shift_id, counts in counts_by_shelter(shifts).items():
        row = rows[shift_id]
        for count in counts:
            if count.organisation_id == organisation_id:
                row.confirmed_own = count.confirmed
            else:
                row.others += count.confirmed + count.shadows
                row.confirmed_others += count.confirmed
    for shift_id, part in national_callout_counts(shifts, organisation_id).items():
        rows[shift_id].callout = part
    return list(rows.values()), more


@coordinator_required
@in_organisation_time
def national_line(request, pk: int):
    """One national line her shelter takes part in: who may take its shifts, the trainings asked, its coming shifts."""
    participation = _participation(request, pk, accepted=True)
    line = participation.line
    organisation = request.organisation
    let_in = list(
        NationalVolunteer.objects.filter(line=line, member__organisation=organisation)
        .select_related("member")
        .order_by("member__first_name", "member__last_name", "pk")
    )
    let_in_ids = {entry.member_id for entry in let_in}
    volunteers = list(
        Member.objects.for_organisation(organisation)
        .filter(status=MemberStatus.ACTIVE, erased_at=None)
        .order_by("first_name", "last_name", "pk")
    )
    active_ids = {member.pk for member in volunteers}
    own_courses = Course.objects.filter(organisation=organisation, purpose=CoursePurpose.TRAINING)
    required_ids = set(line.required_courses.filter(organisation=organisation).values_list("pk", flat=True))
    courses = [course for course in own_courses.order_by("name", "pk") if course.active or course.pk in required_ids]
    rows, more = _coming_shifts(line, organisation.pk, timezone.now())
    context = {
        "participation": participation,
        "line": line,
        "volunteers": volunteers,
        "let_in_ids": let_in_ids,
        "let_in_count": len(let_in_ids),
        "no_longer_active": [entry.member for entry in let_in if entry.member_id not in active_ids],
        "courses": courses,
        "required_ids": required_ids,
        "rows": rows,
        "more_shifts": more,
        "weeks": WEEKS_AHEAD,
    }
    return render(request, "shifts/national/shelter_line.html", context)


@require_POST
@coordinator_required
def national_volunteers(request, pk: int):
    """Save which of her volunteers may take the line's shifts (exactly those ticked)."""
    participation = _participation(request, pk, accepted=True)
    ids = _chosen_ids(request, "member")
    members = list(Member.objects.filter(pk__in=ids).only("pk", "organisation_id")) if ids else []
    if ids is None or len(members) != len(ids):
        _refused(request, _("Only active volunteers of your shelter can be let in."))
        return _to_line(request, pk)
    try:
        added, removed = national_volunteers_set(line=participation.line, members=members, by=request.member)
    except NationalRefused as refused:
        _refused(request, refused.message)
    else:
        messages.success(
            request,
            _("Saved: %(added)d let in, %(removed)d taken off.") % {"added": added, "removed": removed},
        )
    return _to_line(request, pk)


@require_POST
@coordinator_required
def national_remove(request, pk: int):
    """Take one of her own volunteers off a national line's shift (she is told when the rota is published, as on
    her shelter's own shifts); anyone else's place, or a shift not on a national line, is a 404."""
    if not 1 <= pk <= MAX_PK:
        raise Http404
    assignment = (
        Assignment.objects.active()
        .filter(pk=pk, member__organisation=request.organisation, shift__line__organisation__national=True)
        .select_related("member", "shift__line__organisation")
        .first()
    )
    if assignment is None:
        raise Http404
    line_pk = assignment.shift.line_id
    _participation(request, line_pk, accepted=None)  # her shelter was invited to the line (else 404)
    try:
        coordinator_remove(assignment=assignment, by=request.member)
    except RotaError as refused:
        _refused(request, refused.message)
    else:
        messages.success(
            request,
            _("%(name)s is taken off the shift. She is told when you publish the rota.")
            % {"name": assignment.member.first_name},
        )
    return _to_line(request, line_pk)


@require_POST
@coordinator_required
def national_courses(request, pk: int):
    """Save which of her shelter's trainings its volunteers need for the line (exactly those ticked)."""
    participation = _participation(request, pk, accepted=True)
    ids = _chosen_ids(request, "course")
    courses = list(Course.objects.filter(pk__in=ids).only("pk")) if ids else []
    if ids is None or len(courses) != len(ids):
        _refused(request, _("Choose among your shelter's own trainings."))
        return _to_line(request, pk)
    try:
        national_courses_set(line=participation.line, courses=courses, by=request.member)
    except NationalRefused as refused:
        _refused(request, refused.message)
    else:
        messages.success(request, _("The trainings your volunteers need for this line are saved."))
    return _to_line(request, pk)
