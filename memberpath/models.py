"""The path (issue 19): the steps a shelter takes a new volunteer through, and who moved whom past which step.

A shelter's steps (PathStep) are its board's columns, in `position` order; the last is always the one `active`
step (reaching it makes her an active member). Where a person stands is the furthest step she was moved into
(PathProgress: who moved her and when); without any, she stands at the first step, since she asked to join.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.validators import single_line
from members.models import Member
from trainings.models import Course


class StepKind(models.TextChoices):
    CUSTOM = "custom", _("Done when a coordinator moves her on")
    INTERVIEW = "interview", _("Interview held")
    RECORD_CHECK = "record_check", _("Record extract seen and valid")
    TRAINING = "training", _("Training completed")
    PLEDGE = "pledge", _("Pledge signed (she signs it herself)")
    ACTIVE = "active", _("Active: she can take shifts")


# The kinds whose step is done by evidence another app holds, rather than by the move itself.
EVIDENCE_KINDS = frozenset({StepKind.INTERVIEW, StepKind.RECORD_CHECK, StepKind.TRAINING, StepKind.PLEDGE})


class PathStepQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> PathStepQuerySet:
        return self.filter(organisation=organisation)


class PathStep(models.Model):
    """One column of a shelter's board."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="path_steps")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=80, validators=[single_line])
    kind = models.CharField(_("done when"), max_length=20, choices=StepKind.choices, default=StepKind.CUSTOM)
    # The course a training step asks for; a course in use by a step cannot be deleted.
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="path_steps", verbose_name=_("course")
    )

    objects = PathStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("step on the path")
        verbose_name_plural = _("steps on the path")
        ordering = ["organisation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                name="path_step_unique_name_per_shelter",
                violation_error_message=_("The path already has a step with this name."),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(kind="active"),
                name="path_step_one_active_step_per_shelter",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="training", course__isnull=False)
                | (~models.Q(kind="training") & models.Q(course__isnull=True)),
                name="path_step_course_only_for_training",
            ),
        ]

    def __str__(self):
        return self.name


class PathProgress(models.Model):
    """She was moved into `step` at `done_at` by `done_by` (a coordinator or admin of her shelter)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="path_progress")
    step = models.ForeignKey(PathStep, on_delete=models.CASCADE, related_name="progress")
    done_at = models.DateTimeField(_("moved on"), default=timezone.now)
    done_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("moved by")
    )

    class Meta:
        verbose_name = _("step reached")
        verbose_name_plural = _("steps reached")
        ordering = ["done_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "step"], name="path_progress_once_per_step")]

    def __str__(self):
        return f"{self.member_id} → {self.step_id}"
