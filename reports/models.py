"""What a shelter has shared with the federation: a snapshot of its annual figures, counts only.

A snapshot rather than figures computed live when the operator looks: the admin sees exactly the numbers that
leave the shelter before she confirms, later corrections inside the shelter do not change what was shared, and
nothing the federation's page reads ever touches a member row. Withdrawing keeps the row (who shared, who
withdrew, when) and hides it from the federation.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Organisation
from members.models import Member


class FigureShareQuerySet(models.QuerySet["FigureShare"]):
    def for_organisation(self, organisation: Organisation) -> FigureShareQuerySet:
        return self.filter(organisation=organisation)

    def current(self) -> FigureShareQuerySet:
        return self.filter(withdrawn_at=None)


class FigureShare(models.Model):
    """A shelter's annual figures (reports.federation.FIGURES: whole numbers, no names, no ids) shared for a year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="figure_shares")
    year = models.PositiveSmallIntegerField(_("year"))
    figures = models.JSONField(_("figures"))
    shared_at = models.DateTimeField(_("shared"))
    shared_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = FigureShareQuerySet.as_manager()

    class Meta:
        verbose_name = _("shared figures")
        verbose_name_plural = _("shared figures")
        ordering = ["-year", "-shared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], condition=Q(withdrawn_at=None), name="figure_share_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.year}"
