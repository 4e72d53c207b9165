"""Demo trainings for the demo shelter: courses, past and upcoming sessions, records in every state.
Running it again changes nothing (records and sessions are only added when the shelter has none)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from members.models import Member, Role

from .models import Course, RecordSource, SessionSignup, TrainingRecord, TrainingSession, add_months
from .services import course_catalogue_create

BASIC = "Grundutbildning om mäns våld mot kvinnor"
PHONE = "Stödsamtal i telefon"
CHAT = "Chattutbildning"
SAFETY = "Säkerhet och tystnadslöfte"


def _at(organisation, day, hour):
    return datetime.combine(day, time(hour), tzinfo=organisation.zone)


def seed(organisation) -> None:
    course_catalogue_create(organisation=organisation)
    courses = {c.name: c for c in Course.objects.for_organisation(organisation)}
    today = timezone.localdate()
    if not TrainingSession.objects.for_organisation(organisation).exists():
        past = TrainingSession.objects.create(
            course=courses[BASIC],
            starts_at=_at(organisation, today - timedelta(days=120), 9),
            ends_at=_at(organisation, today - timedelta(days=120), 16),
            place="Föreningslokalen",
            trainer="Sara Lind",
            capacity=12,
        )
        TrainingSession.objects.create(
            course=courses[CHAT],
            starts_at=_at(organisation, today + timedelta(days=14), 18),
            ends_at=_at(organisation, today + timedelta(days=14), 21),
            place="digitalt",
            trainer="Maria Ek",
            capacity=8,
        )
        TrainingSession.objects.create(
            course=courses[SAFETY],
            starts_at=_at(organisation, today + timedelta(days=30), 18),
            ends_at=_at(organisation, today + timedelta(days=30), 20),
            place="Föreningslokalen",
            trainer="Sara Lind",
            capacity=2,
        )
    else:
        past = None
    if TrainingRecord.objects.for_organisation(organisation).exists():
        return
    members = list(Member.objects.for_organisation(organisation).current().order_by("pk"))
    volunteers = [m for m in members if m.role == Role.VOLUNTEER]
    coordinator = next((m for m in members if m.is_coordinator), None)

    def record(member, name, completed_on, **extra):
        TrainingRecord(
            member=member, course=courses[name], completed_on=completed_on, recorded_by=coordinator, **extra
        ).save()

    def completed_for(name, expires_in_days):
        """A completion date that makes the course expire `expires_in_days` from today."""
        return add_months(today + timedelta(days=expires_in_days), -courses[name].validity_months)

    # Everyone with a login except the last two has the basic training (never expires).
    for member in members[:-2]:
        if past is not None:
            record(member, BASIC, past.starts_at.date(), source=RecordSource.SESSION, session=past)
            SessionSignup.objects.get_or_create(session=past, member=member)
        else:
            record(member, BASIC, today - timedelta(days=400))
    # Chat: valid, expiring soon, expired; missing for the rest.
    states = [400, 300, 40, 10, -20]  # days until expiry: valid, valid, expiring, expiring, expired
    for member, days in zip(volunteers, states, strict=False):
        record(member, CHAT, completed_for(CHAT, days), source=RecordSource.EXTERNAL)
    for member, days in zip(volunteers[1:], [200, -5, 50], strict=False):
        record(member, PHONE, completed_for(PHONE, days), source=RecordSource.IMPORTED)
    for member, days in zip(volunteers, [100, 100, 100, 5], strict=False):
        record(member, SAFETY, completed_for(SAFETY, days))
