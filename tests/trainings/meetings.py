"""Helpers for the meetings tests: meeting kinds, sessions and attendance records, built with the factories."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tests.factories import CourseFactory, TrainingRecordFactory, TrainingSessionFactory
from trainings.models import CoursePurpose, RecordSource


def meeting_kind(organisation, *, purpose=CoursePurpose.SUPERVISION, name=None, count=None, months=None, **extra):
    return CourseFactory(
        organisation=organisation,
        name=name or f"{purpose} {CourseFactory._meta.model.objects.count() + 1}",
        purpose=purpose,
        expected_count=count,
        expected_period_months=months,
        **extra,
    )


def meeting_session(kind, *, starts_at=None, days=7, capacity=20):
    starts = starts_at or timezone.now() + timedelta(days=days)
    return TrainingSessionFactory(
        course=kind, starts_at=starts, ends_at=starts + timedelta(hours=2), place="Lokalen", capacity=capacity
    )


def attended(member, kind, on: date):
    """An attendance record of `kind` on `on`, as recording a session's attendance makes it."""
    return TrainingRecordFactory(member=member, course=kind, completed_on=on, source=RecordSource.SESSION)


def local_noon(organisation, day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=organisation.zone)
