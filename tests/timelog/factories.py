"""Volunteer-time test data: a kind of the member's shelter, and an entry (waiting unless told) a few days back."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from tests.factories import MemberFactory, OrganisationFactory
from timelog.models import TimeEntry, TimeEntryStatus, TimeKind


class TimeKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeKind

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Förebyggande samtal {n}")


class TimeEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeEntry

    member = factory.SubFactory(MemberFactory)
    kind = factory.SubFactory(TimeKindFactory, organisation=factory.SelfAttribute("..member.organisation"))
    day = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    hours = Decimal("2")
    status = TimeEntryStatus.SUBMITTED
