"""Writes on the path: moving a person on or back, and the shelter's steps. Keyword-only, one transaction each,
raising PathRefused (a JourplanError) with a sentence for the person; the audit trail (memberpath/audit.py) records
every step and every move with who and when.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.errors import JourplanError
from core.models import Organisation
from core.validators import single_line
from members.models import Interview, Member, MemberStatus, RecordCheck
from members.onboarding import current_pledge, members_with_current_pledge
from members.rank import check_may_manage
from members.services import interview_record, member_update, record_check_record
from trainings.demo import BASIC
from trainings.models import Course, TrainingRecord
from trainings.services import record_add_external

from .models import PathProgress, PathStep, StepKind
from .selectors import current_step, member_current_step, on_the_path

NAME_MAX = 80


class PathRefused(JourplanError):
    """A move on the path, or a change of the shelter's steps, was refused; nothing changed."""


# --- Moving a person --------------------------------------------------------------------------------------------


def _steps_locked(organisation: Organisation) -> list[PathStep]:
    return list(
        PathStep.objects.for_organisation(organisation)
        .select_for_update(of=("self",))  # not the course: a step without one is the nullable side of a join
        .select_related("course")
        .order_by("position", "pk")
    )


def _locked_member(member: Member, by: Member | None) -> Member:
    member = Member.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=member.pk)
    check_may_manage(by, member)
    if member.erased_at is not None or member.status == MemberStatus.LEFT:
        raise PathRefused(_("She has left the shelter, so she is no longer on the path."))
    return member


def _step_of_shelter(step: PathStep, member: Member, now: datetime) -> None:
    if step.organisation_id != member.organisation_id:
        raise PathRefused(_("This step is not on this shelter's path."))
    if not on_the_path(member.organisation, now).filter(pk=member.pk).exists():
        raise PathRefused(_("She is not on the path: only prospective members and those on their way in are."))


def _record_evidence(
    step: PathStep, member: Member, *, by: Member | None, on: date | None, valid_until: date | None, today: date
) -> None:
    """Leaving a step backed by evidence: it must be there, or be recorded now, through the owning app's service, in
    this same transaction. Otherwise the move is refused, naming what she lacks."""
    if step.kind == StepKind.INTERVIEW:
        if Interview.objects.filter(member=member).exists():
            return
        if on is None:
            raise PathRefused(_("She has no interview recorded. Give the date the interview was held."))
        interview_record(member=member, held_on=on, by=by)
    elif step.kind == StepKind.RECORD_CHECK:
        if RecordCheck.objects.filter(member=member, seen_on__lte=today, valid_until__gte=today).exists():
            return
        if on is None:
            raise PathRefused(_("She has no valid record extract. Give the date you saw it."))
        if valid_until is not None and valid_until < today:
            raise PathRefused(_("A record extract valid until that date is no longer valid."))
        record_check_record(member=member, seen_on=on, by=by, valid_until=valid_until)
    elif step.kind == StepKind.TRAINING:
        assert step.course is not None  # a training step has a course (a check constraint)
        if TrainingRecord.objects.filter(member=member, course=step.course).valid_on(today).exists():
            return
        if on is None:
            raise PathRefused(
                _("She has not completed %(course)s. Give the date she completed it.") % {"course": step.course.name}
            )
        if by is None:
            raise PathRefused(_("Only a coordinator can record a training."))
        record_add_external(member=member, course=step.course, completed_on=on, recorded_by=by)
        if not TrainingRecord.objects.filter(member=member, course=step.course).valid_on(today).exists():
            raise PathRefused(_("A training completed on that date is no longer valid."))
    elif step.kind == StepKind.PLEDGE:
        pledge = current_pledge(member.organisation)
        if pledge is None:
            raise PathRefused(_("The shelter has no published pledge yet. An admin publishes it under Pledge."))
        if not members_with_current_pledge(member.organisation, [member.pk]):
            raise PathRefused(_("She has not signed the pledge. She signs it herself when she logs in."))


@transaction.atomic
def path_move_on(
    *,
    member: Member,
    to_step: PathStep,
    by: Member | None,
    evidence_on: date | None = None,
    valid_until: date | None = None,
    now: datetime | None = None,
) -> PathProgress:
    """Move her from the column she stands in to the next one, `to_step`.

    Guarantees: the rank rules hold (members.rank: a coordinator moves volunteers, an admin anyone of her shelter);
    `to_step` is the step right after hers, else nothing changes (a second click, or a board that changed meanwhile);
    the step she leaves is done: its evidence exists or is recorded here through the owning app's service
    (interview, record extract, training), or the move is refused naming what she lacks; nobody signs the pledge
    for her. The move is recorded with who and when. Moving into the last step makes her an active member through
    members.services.member_update (audited), so the sign-up rules decide what she may take from then on.
    """
    now = now or timezone.now()
    member = _locked_member(member, by)
    _step_of_shelter(to_step, member, now)
    steps = _steps_locked(member.organisation)
    index = member_current_step(member, steps)
    if index + 1 >= len(steps) or steps[index + 1].pk != to_step.pk:
        raise PathRefused(_("She is no longer in the column you moved her from. Look at the board again."))
    today = timezone.localdate(now, member.organisation.zone)
    _record_evidence(steps[index], member, by=by, on=evidence_on, valid_until=valid_until, today=today)
    try:
        with transaction.atomic():
            progress = PathProgress.objects.create(member=member, step=steps[index + 1], done_at=now, done_by=by)
    except IntegrityError:
        raise PathRefused(_("She is no longer in the column you moved her from. Look at the board again.")) from None
    if progress.step.kind == StepKind.ACTIVE and member.status != MemberStatus.ACTIVE:
        member_update(member=member, by=by, today=today, status=MemberStatus.ACTIVE)
    return progress


@transaction.atomic
def path_move_back(*, member: Member, from_step: PathStep, by: Member | None, now: datetime | None = None) -> PathStep:
    """Undo her last move: she goes back from `from_step` (the column she stands in) to the column before.

    Guarantees: the rank rules hold; `from_step` must be her column and one she was moved into (the first column has
    nothing before it), else nothing changes; the move's record is deleted (the audit trail keeps who made it and
    who undid it); evidence recorded on the way (an interview, a record extract, a training) stays, since it
    happened. Going back from the last step makes her prospective again (members.services.member_update).
    Returns the step she now stands at."""
    member = _locked_member(member, by)
    _step_of_shelter(from_step, member, now or timezone.now())
    steps = _steps_locked(member.organisation)
    index = member_current_step(member, steps)
    if steps[index].pk != from_step.pk:
        raise PathRefused(_("She is no longer in the column you moved her from. Look at the board again."))
    reached = PathProgress.objects.filter(member=member, step=from_step)
    if not reached.exists():
        raise PathRefused(_("She is at the first step; there is nothing to go back to."))
    for progress in reached:  # one by one, so the audit trail records the undo
        progress.delete()
    if from_step.kind == StepKind.ACTIVE and member.status == MemberStatus.ACTIVE:
        member_update(member=member, by=by, status=MemberStatus.PROSPECTIVE)
    return steps[member_current_step(member, steps)]


# --- The shelter's steps (admins) ---------------------------------------------------------------------------------


def _check_admin(by: Member | None, organisation: Organisation) -> None:
    if by is not None and (by.organisation_id != organisation.pk or not by.is_admin):
        raise PathRefused(_("Only an admin can change the steps of the path."))


def _clean_name(organisation: Organisation, name: str, *, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise PathRefused(_("Give the step a name."))
    if len(name) > NAME_MAX:
        raise PathRefused(_("The name can be at most %(max)d characters.") % {"max": NAME_MAX})
    try:
        single_line(name)
    except ValidationError as invalid:
        raise PathRefused(*invalid.messages) from None
    same = PathStep.objects.for_organisation(organisation).filter(name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise PathRefused(_("The path already has a step with this name."))
    return name


def _renumber(steps: list[PathStep], *, start: int | None = None) -> None:
    """Positions 1…n in the given order; the active step always last (at `start` when given)."""
    steps.sort(key=lambda step: step.kind == StepKind.ACTIVE)
    for position, step in enumerate(steps, start=1):
        if start is not None and step.kind == StepKind.ACTIVE:
            position = start
        if step.position != position:
            step.position = position
            step.save(update_fields=["position"])


# (name, kind) of the standard path, in the shelter's own words like the course catalogue (trainings.services).
STANDARD_PATH = [
    ("Intresseanmälan", StepKind.CUSTOM),
    ("Intervju", StepKind.INTERVIEW),
    ("Registerutdrag", StepKind.RECORD_CHECK),
    ("Grundutbildning", StepKind.TRAINING),
    ("Aktiv", StepKind.ACTIVE),
]


def _basic_course(organisation: Organisation) -> Course | None:
    courses = Course.objects.for_organisation(organisation).active()
    return courses.filter(name=BASIC).first() or courses.filter(name__istartswith="Grundutbildning").first()


@transaction.atomic
def path_standard_create(*, organisation: Organisation, by: Member | None) -> list[PathStep]:
    """Give a shelter without steps the standard path: asked to join → interview → record extract → basic training
    (when the shelter has a basic-training course) → active. A shelter that has steps keeps them (refused)."""
    _check_admin(by, organisation)
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # two admins pressing at once: one path
    if PathStep.objects.for_organisation(organisation).exists():
        raise PathRefused(_("The path already has steps."))
    course = _basic_course(organisation)
    steps: list[PathStep] = []
    for name, kind in STANDARD_PATH:
        if kind == StepKind.TRAINING and course is None:
            continue
        step = PathStep(
            organisation=organisation,
            position=len(steps) + 1,
            name=name,
            kind=kind,
            course=course if kind == StepKind.TRAINING else None,
        )
        step.save()  # one by one, so the audit trail gets an entry for each
        steps.append(step)
    return steps


@transaction.atomic
def path_step_add(
    *, organisation: Organisation, name: str, kind: str, course: Course | None = None, by: Member | None
) -> PathStep:
    """Add a step just before the last one (active). A training step names an active course of the shelter; the
    other kinds none. There is one active step: it cannot be added again (a path without steps gets one too)."""
    _check_admin(by, organisation)
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    if kind not in StepKind.values:
        raise PathRefused(_("Choose what makes the step done."))
    if kind == StepKind.ACTIVE:
        raise PathRefused(_("The path has one last step, where she becomes active; it cannot be added twice."))
    name = _clean_name(organisation, name)
    if kind == StepKind.TRAINING:
        if course is None or course.organisation_id != organisation.pk or not course.active:
            raise PathRefused(_("Choose the course a training step asks for."))
    else:
        course = None
    steps = list(PathStep.objects.for_organisation(organisation).order_by("position", "pk"))
    active = next((each for each in steps if each.kind == StepKind.ACTIVE), None)
    if active is not None:  # the last step makes room first, so the new step is saved once, in its place
        steps.remove(active)
        _renumber([*steps, active], start=len(steps) + 2)
    step = PathStep(organisation=organisation, position=len(steps) + 1, name=name, kind=kind, course=course)
    step.save()
    if active is None:
        PathStep(organisation=organisation, position=len(steps) + 2, name=_("Active"), kind=StepKind.ACTIVE).save()
    return step


@transaction.atomic
def path_step_rename(*, step: PathStep, name: str, by: Member | None) -> PathStep:
    """Rename a step (any step, the last one too); names are unique in the shelter, case aside."""
    _check_admin(by, step.organisation)
    step = PathStep.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=step.pk)
    name = _clean_name(step.organisation, name, exclude=step.pk)
    if name != step.name:
        step.name = name
        step.save(update_fields=["name"])
    return step


@transaction.atomic
def path_step_move(*, step: PathStep, up: bool, by: Member | None) -> PathStep:
    """Move a step one place earlier (`up`) or later. The last step (active) stays last; the first step moved up, or
    the step before the last moved down, stays where it is (refused)."""
    _check_admin(by, step.organisation)
    steps = _steps_locked(step.organisation)
    index = next(i for i, each in enumerate(steps) if each.pk == step.pk)
    other = index - 1 if up else index + 1
    if steps[index].kind == StepKind.ACTIVE or not 0 <= other < len(steps) or steps[other].kind == StepKind.ACTIVE:
        raise PathRefused(
            _("This step cannot move further that way; the last step is always where she becomes active.")
        )
    steps[index], steps[other] = steps[other], steps[index]
    _renumber(steps)
    return steps[other]


def people_at(step: PathStep, now: datetime | None = None) -> int:
    """How many people on the path stand in this column now."""
    steps = list(PathStep.objects.for_organisation(step.organisation).order_by("position", "pk"))
    index = next(i for i, each in enumerate(steps) if each.pk == step.pk)
    return sum(
        1
        for reached in on_the_path(step.organisation, now or timezone.now()).values_list("path_step_id", flat=True)
        if current_step(steps, reached) == index
    )


@transaction.atomic
def path_step_remove(*, step: PathStep, by: Member | None, now: datetime | None = None) -> None:
    """Remove a step nobody stands in (move them on or back first). The last step (active) cannot be removed. The
    moves of those who passed it go with it; the audit trail keeps them."""
    _check_admin(by, step.organisation)
    steps = _steps_locked(step.organisation)
    step = next((each for each in steps if each.pk == step.pk), step)
    if step.kind == StepKind.ACTIVE:
        raise PathRefused(_("The last step, where she becomes active, cannot be removed."))
    if people := people_at(step, now):
        message = ngettext(
            "%(count)d person stands at %(step)s. Move her on or back before removing the step.",
            "%(count)d people stand at %(step)s. Move them on or back before removing the step.",
            people,
        )
        raise PathRefused(message % {"count": people, "step": step.name})
    step.delete()
    _renumber([each for each in steps if each.pk != step.pk])
