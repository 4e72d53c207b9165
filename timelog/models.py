"""Volunteer time besides shifts: the kinds a shelter counts, and each logged stretch of time.

An entry holds only a date, hours and a kind: never a name, a case or free text about the women supported
(DOMAIN.md's privacy rules). The coordinator's reason for returning an entry is about the entry itself.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from core.validators import single_line
from members.models import Member


class TimeKindQuerySet(models.QuerySet["TimeKind"]):
    def for_organisation(self, organisation: Organisation) -> TimeKindQuerySet:
        return self.filter(organisation=organisation)

    def active(self) -> TimeKindQuerySet:
        return self.filter(active=True)


class TimeKind(models.Model):
    """A kind of unpaid time a shelter counts besides shifts, e.g. "Stödperson vid rättegång"."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="time_kinds")
    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = TimeKindQuerySet.as_manager()

    class Meta:
        verbose_name = _("kind of volunteer time")
        verbose_name_plural = _("kinds of volunteer time")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="time_kind_unique_name_per_shelter")
        ]

    def __str__(self) -> str:
        return self.name


class TimeEntryStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class TimeEntryQuerySet(models.QuerySet["TimeEntry"]):
    def for_organisation(self, organisation: Organisation) -> TimeEntryQuerySet:
        return self.filter(member__organisation=organisation)

    def approved(self) -> TimeEntryQuerySet:
        return self.filter(status=TimeEntryStatus.APPROVED)


class TimeEntry(models.Model):
    """Hours of one kind on one day, logged by the volunteer herself and approved or returned by a coordinator."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="time_entries")
    kind = models.ForeignKey(TimeKind, on_delete=models.PROTECT, related_name="entries", verbose_name=_("kind"))
    day = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TimeEntryStatus.choices, default=TimeEntryStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    return_reason = models.CharField(_("why it was returned"), max_length=200, blank=True, validators=[single_line])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TimeEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer time")
        verbose_name_plural = _("volunteer time")
        ordering = ["-day", "-pk"]
        indexes = [models.Index(fields=["member", "day"], name="time_entry_member_day_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="time_entry_hours_within_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day} {self.hours}"
