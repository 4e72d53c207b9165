"""What the board reads: the shelter's steps, everyone on the path with her column, since when she stands there and
what she still lacks. A fixed number of queries whatever the number of people (three: the steps, the current
pledge, the people with their column and evidence annotated), so a column of 500 costs what a column of 5 does.

Who is on the path: every prospective member (not erased), everyone moved onto the path who has not reached its
last step (and has not left), and, in the last column, those who reached it in the last RECENTLY_ACTIVE_DAYS days
(so a move into it can still be undone from the board).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Organisation
from members.models import Interview, Member, MemberStatus, PledgeSignature, PledgeText, RecordCheck
from members.rank import may_manage
from trainings.models import TrainingRecord

from .models import PathProgress, PathStep, StepKind

RECENTLY_ACTIVE_DAYS = 30


def ordered_steps(organisation: Organisation) -> list[PathStep]:
    """The shelter's steps in board order (one query)."""
    return list(PathStep.objects.for_organisation(organisation).select_related("course").order_by("position", "pk"))


def _progress(member_ref=None):
    return PathProgress.objects.filter(member=member_ref if member_ref is not None else OuterRef("pk"))


def on_the_path(organisation: Organisation, now: datetime):
    """The people on the board, annotated with the step she stands at (`path_step_id`, None: the first) and since
    when (`path_since`, None: since she asked to join or was added)."""
    reached_active = _progress().filter(step__kind=StepKind.ACTIVE)
    furthest = _progress().order_by("-step__position", "-step_id")
    return (
        Member.objects.for_organisation(organisation)
        .filter(erased_at=None)
        .exclude(status=MemberStatus.LEFT)
        .filter(
            Q(status=MemberStatus.PROSPECTIVE)
            | (Exists(_progress()) & ~Exists(reached_active))
            | Exists(reached_active.filter(done_at__gte=now - timedelta(days=RECENTLY_ACTIVE_DAYS)))
        )
        .annotate(
            path_step_id=Subquery(furthest.values("step_id")[:1]),
            path_since=Subquery(furthest.values("done_at")[:1]),
        )
    )


def current_step(steps: list[PathStep], reached_step_id: int | None) -> int:
    """The index in `steps` of the column she stands in: the step she was last moved into, else the first."""
    for index, step in enumerate(steps):
        if step.pk == reached_step_id:
            return index
    return 0


def member_current_step(member: Member, steps: list[PathStep]) -> int:
    """Her column (index in `steps`), read for one member (one query)."""
    reached = (
        PathProgress.objects.filter(member=member, step__in=[s.pk for s in steps])
        .order_by("-step__position", "-step_id")
        .values_list("step_id", flat=True)
        .first()
    )
    return current_step(steps, reached)


def evidence_missing(kind: str, member: Member) -> bool:
    """Whether the evidence of a step of `kind` is missing, for a member annotated by `_with_evidence`."""
    if kind == StepKind.INTERVIEW:
        return not member.path_interview  # type: ignore[attr-defined]
    if kind == StepKind.RECORD_CHECK:
        return not member.path_record_check  # type: ignore[attr-defined]
    if kind == StepKind.PLEDGE:
        return not member.path_pledge  # type: ignore[attr-defined]
    return False


def _with_evidence(queryset, organisation: Organisation, steps: list[PathStep], today: date):
    """Annotate what the evidence kinds of the shelter's steps read: one EXISTS each, in the same query."""
    outer = OuterRef("pk")
    current_pledge = (
        PledgeText.objects.filter(organisation=organisation, published_at__isnull=False)
        .order_by("-version")
        .values("pk")[:1]
    )
    annotations = {
        "path_interview": Exists(Interview.objects.filter(member=outer)),
        "path_record_check": Exists(
            RecordCheck.objects.filter(member=outer, seen_on__lte=today, valid_until__gte=today)
        ),
        "path_pledge": Exists(PledgeSignature.objects.filter(member=outer, pledge_text_id=Subquery(current_pledge))),
    }
    for step in steps:
        if step.kind == StepKind.TRAINING and step.course_id:
            annotations[f"path_course_{step.course_id}"] = Exists(
                TrainingRecord.objects.filter(member=outer, course_id=step.course_id).valid_on(today)
            )
    return queryset.annotate(**annotations)


def lacks(step: PathStep, member: Member) -> bool:
    """Whether she lacks what `step` asks for (annotated by `_with_evidence`)."""
    if step.kind == StepKind.TRAINING:
        return not getattr(member, f"path_course_{step.course_id}", False)
    return evidence_missing(step.kind, member)


def lack_label(step: PathStep) -> str:
    if step.kind == StepKind.INTERVIEW:
        return _("Interview")
    if step.kind == StepKind.RECORD_CHECK:
        return _("Record extract")
    if step.kind == StepKind.TRAINING and step.course is not None:
        return step.course.name
    if step.kind == StepKind.PLEDGE:
        return _("Pledge (she signs it herself)")
    return step.name


@dataclass(frozen=True)
class Card:
    """One person on the board."""

    member: Member
    since: datetime
    lacks: tuple[str, ...]  # what the steps from her column on ask for and she does not have yet
    needs_evidence: str  # her column's kind when its evidence is missing (the move asks for a date), else ""
    pledge_waits: bool  # her column is the pledge and she has not signed it: only she can
    may_move: bool  # the viewer's rank allows moving her
    may_go_back: bool  # she was moved into this column (the first column has nowhere to go back to)


@dataclass(frozen=True)
class Column:
    step: PathStep
    next_step: PathStep | None
    previous_step: PathStep | None
    cards: list[Card] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    columns: list[Column]
    today: date
    people: int
    pledge_published: bool


def board(organisation: Organisation, viewer: Member, now: datetime | None = None) -> Board:
    """The board for `viewer` (a coordinator or admin of the shelter): three queries, whatever the data."""
    now = now or timezone.now()
    today = timezone.localdate(now, organisation.zone)
    steps = ordered_steps(organisation)
    pledge_published = PledgeText.objects.filter(organisation=organisation, published_at__isnull=False).exists()
    columns = [
        Column(
            step=step,
            next_step=steps[index + 1] if index + 1 < len(steps) else None,
            previous_step=steps[index - 1] if index > 0 else None,
        )
        for index, step in enumerate(steps)
    ]
    if not steps:
        return Board(columns=[], today=today, people=0, pledge_published=pledge_published)
    people = _with_evidence(on_the_path(organisation, now), organisation, steps, today).order_by("created_at", "pk")
    count = 0
    for person in people:
        index = current_step(steps, person.path_step_id)
        step = steps[index]
        missing = tuple(lack_label(ahead) for ahead in steps[index:] if lacks(ahead, person))
        columns[index].cards.append(
            Card(
                member=person,
                since=person.path_since or person.asked_to_join_at or person.created_at,
                lacks=missing,
                needs_evidence=step.kind if lacks(step, person) and step.kind != StepKind.PLEDGE else "",
                pledge_waits=step.kind == StepKind.PLEDGE and lacks(step, person),
                may_move=may_manage(viewer, person),
                may_go_back=person.path_step_id == step.pk and index > 0,
            )
        )
        count += 1
    for column in columns:
        column.cards.sort(key=lambda card: (card.since, card.member.pk))
    return Board(columns=columns, today=today, people=count, pledge_published=pledge_published)
