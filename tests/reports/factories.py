"""Report test data: kinds of volunteer time and entries (approved unless told), and a shared year's figures."""

from decimal import Decimal

import factory
from django.utils import timezone

from reports.models import FigureShare
from tests.factories import MemberFactory, OrganisationFactory
from timelog.models import TimeEntry, TimeEntryStatus, TimeKind


class ReportTimeKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeKind

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Stödperson {n}")


class ReportTimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    member = factory.SubFactory(MemberFactory)
    kind = factory.SubFactory(ReportTimeKindFactory, organisation=factory.SelfAttribute("..member.organisation"))
    day = factory.LazyFunction(timezone.localdate)
    hours = Decimal("2")
    status = TimeEntryStatus.APPROVED


def figures(**values: int) -> dict[str, int]:
    base = {
        "shift_hours": 100,
        "other_hours": 50,
        "opening_hours_planned": 400,
        "opening_hours_staffed": 380,
        "active_volunteers": 20,
        "new_volunteers": 6,
        "trainings_held": 8,
        "trainings_completed": 12,
    }
    return {**base, **values}


class FigureShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FigureShare

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2025
    figures = factory.LazyFunction(figures)
    shared_at = factory.LazyFunction(timezone.now)
