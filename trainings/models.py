"""Courses, sessions, sign-ups and completion records: what a member has learnt and until when it counts."""

from __future__ import annotations

import calendar
from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.validators import single_line
from members.models import Member


def add_months(start: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the last day of a shorter month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class CoursePurpose(models.TextChoices):
    """What a course is for: only a training can qualify anyone; the others are meetings she attends."""

    TRAINING = "training", _("Training")
    SUPERVISION = "supervision", _("Supervision")
    MEMBER_MEETING = "member_meeting", _("Member meeting")
    ANNUAL_MEETING = "annual_meeting", _("Annual meeting")


# The longest period a meeting kind counts back (ten years): dates stay far inside what `date` can hold.
MAX_MONTHS = 120

MEETING_PURPOSES = (CoursePurpose.SUPERVISION, CoursePurpose.MEMBER_MEETING, CoursePurpose.ANNUAL_MEETING)


class CourseQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> CourseQuerySet:
        return self.filter(organisation=organisation)

    def active(self) -> CourseQuerySet:
        return self.filter(active=True)

    def trainings(self) -> CourseQuerySet:
        """Courses that teach something and can qualify a member; never a meeting."""
        return self.filter(purpose=CoursePurpose.TRAINING)

    def meetings(self) -> CourseQuerySet:
        """Meeting kinds: supervision, member meetings, annual meetings."""
        return self.filter(purpose__in=MEETING_PURPOSES)

    def with_expectation(self) -> CourseQuerySet:
        return self.filter(expected_count__isnull=False, expected_period_months__isnull=False)


class Course(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="courses")
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Leave empty when the training does not expire.")
    )
    active = models.BooleanField(_("active"), default=True)
    purpose = models.CharField(
        _("kind"), max_length=20, choices=CoursePurpose.choices, default=CoursePurpose.TRAINING, db_index=True
    )
    expected_count = models.PositiveSmallIntegerField(
        _("expected attendance"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("At least this many sessions… Leave both empty when nothing is expected."),
    )
    expected_period_months = models.PositiveSmallIntegerField(
        _("per period (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
        help_text=_("…every this many months, counted back from today."),
    )
    # The voting rule lives on the annual-meeting kind itself: it is one shelter's rule for that meeting, edited
    # on the same page, read with the session it applies to (no extra row, no core migration).
    voting_requires_fee_paid = models.BooleanField(
        _("only members who paid the fee vote"),
        default=True,
        help_text=_("The fee for the meeting's year must be paid. Annual meetings only."),
    )
    voting_member_months = models.PositiveSmallIntegerField(
        _("member for at least (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHS)],
        help_text=_("Counted back from the meeting's date. Leave empty for no such rule. Annual meetings only."),
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="course_unique_name_per_shelter"),
            models.CheckConstraint(
                condition=models.Q(expected_count__isnull=True, expected_period_months__isnull=True)
                | models.Q(
                    expected_count__isnull=False,
                    expected_period_months__isnull=False,
                    expected_count__gte=1,
                    expected_period_months__gte=1,
                ),
                name="course_expectation_complete",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_meeting(self) -> bool:
        return self.purpose != CoursePurpose.TRAINING

    @property
    def has_expectation(self) -> bool:
        return self.expected_count is not None and self.expected_period_months is not None

    def expires_on(self, completed_on: date) -> date | None:
        if self.validity_months is None:
            return None
        return add_months(completed_on, self.validity_months)


class TrainingSessionQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> TrainingSessionQuerySet:
        return self.filter(course__organisation=organisation)

    def upcoming(self, now) -> TrainingSessionQuerySet:
        return self.filter(starts_at__gte=now).order_by("starts_at", "pk")

    def with_signup_count(self) -> TrainingSessionQuerySet:
        return self.annotate(signup_count=models.Count("signups", distinct=True))


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("course"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(
        _("place"), max_length=200, validators=[single_line], help_text=_("For example an address or “digitalt”.")
    )
    trainer = models.CharField(_("trainer"), max_length=200, blank=True, validators=[single_line])
    capacity = models.PositiveSmallIntegerField(_("places"))
    attendance_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.course} {self.starts_at:%Y-%m-%d}"


class SessionSignup(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="training_signups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="signup_once_per_session")]

    def __str__(self):
        return f"{self.member} @ {self.session}"


class RecordSource(models.TextChoices):
    SESSION = "session", _("Session")
    EXTERNAL = "external", _("External certificate")
    IMPORTED = "imported", _("Imported")


class TrainingRecordQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> TrainingRecordQuerySet:
        return self.filter(course__organisation=organisation)

    def valid_on(self, day: date) -> TrainingRecordQuerySet:
        """Counts on `day`: completed by then and not expired before it (expiring on the day still counts)."""
        return self.filter(completed_on__lte=day).filter(models.Q(expires_on=None) | models.Q(expires_on__gte=day))


class TrainingRecord(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="training_records")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="records", verbose_name=_("course"))
    completed_on = models.DateField(_("completed on"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=RecordSource.choices, default=RecordSource.EXTERNAL)
    session = models.ForeignKey(
        TrainingSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    recorded_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-completed_on", "pk"]
        indexes = [models.Index(fields=["member", "course"], name="record_member_course_idx")]

    def __str__(self):
        return f"{self.course} {self.completed_on}"

    def save(self, *args, **kwargs):
        self.expires_on = self.course.expires_on(self.completed_on)
        super().save(*args, **kwargs)
