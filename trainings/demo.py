"""Demo trainings for the demo shelter: courses, past and upcoming sessions, records in every state.
Running it again changes nothing (records and sessions are only added when the shelter has none)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from members.models import Member, Role

from .models import (
    MEETING_PURPOSES,
    Course,
    CoursePurpose,
    RecordSource,
    SessionSignup,
    TrainingRecord,
    TrainingSession,
    add_months,
)
from .services import course_catalogue_create

BASIC = "Grundutbildning om mäns våld mot kvinnor"
PHONE = "Stödsamtal i telefon"
CHAT = "Chattutbildning"
SAFETY = "Säkerhet och tystnadslöfte"


def _at(organisation, day, hour):
    return datetime.combine(day, time(hour), tzinfo=organisation.zone)


def seed(organisation) -> None:
    course_catalogue_create(organisation=organisation)
    seed_meetings(organisation)
    courses = {c.name: c for c in Course.objects.for_organisation(organisation).trainings()}
    today = timezone.localdate()
    if (
        not TrainingSession.objects.for_organisation(organisation)
        .filter(course__purpose=CoursePurpose.TRAINING)
        .exists()
    ):
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
    if TrainingRecord.objects.for_organisation(organisation).filter(course__purpose=CoursePurpose.TRAINING).exists():
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


# (name, purpose, expected count, every months): supervision every quarter, a member meeting every half-year, and
# the annual meeting, where members who paid this year's fee and have been members six months vote.
MEETING_KINDS = [
    ("Handledning", CoursePurpose.SUPERVISION, 1, 3),
    ("Medlemsmöte", CoursePurpose.MEMBER_MEETING, 1, 6),
    ("Årsmöte", CoursePurpose.ANNUAL_MEETING, None, None),
]


def seed_meetings(organisation) -> None:
    """Meeting kinds with expectations, past sessions attended by some (so some are behind), upcoming sessions
    and the annual meeting with its voting rule. Sessions and attendance are only added when there are none."""
    kinds = {}
    for name, purpose, count, months in MEETING_KINDS:
        kinds[name], _created = Course.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "purpose": purpose,
                "expected_count": count,
                "expected_period_months": months,
                "voting_member_months": 6 if purpose == CoursePurpose.ANNUAL_MEETING else None,
            },
        )
    if TrainingSession.objects.for_organisation(organisation).filter(course__purpose__in=MEETING_PURPOSES).exists():
        return
    today = timezone.localdate()

    def session(name, days, start, hours, place, led_by, capacity):
        day = today + timedelta(days=days)
        return TrainingSession.objects.create(
            course=kinds[name],
            starts_at=_at(organisation, day, start),
            ends_at=_at(organisation, day, start + hours),
            place=place,
            trainer=led_by,
            capacity=capacity,
        )

    supervision = session("Handledning", -40, 18, 2, "Föreningslokalen", "Eva Berg (extern handledare)", 12)
    member_meeting = session("Medlemsmöte", -100, 18, 2, "Föreningslokalen", "Styrelsen", 40)
    session("Handledning", 20, 18, 2, "Föreningslokalen", "Eva Berg (extern handledare)", 12)
    session("Medlemsmöte", 10, 18, 2, "digitalt", "Styrelsen", 40)
    session("Årsmöte", 60, 18, 3, "Föreningslokalen", "Styrelsen", 60)
    members = list(Member.objects.for_organisation(organisation).current().order_by("pk"))
    coordinator = next((m for m in members if m.is_coordinator), None)
    for past, attendees in ((supervision, members[::2]), (member_meeting, members[: len(members) // 2 + 1])):
        for member in attendees:
            SessionSignup.objects.get_or_create(session=past, member=member)
            TrainingRecord(
                member=member,
                course=past.course,
                completed_on=timezone.localtime(past.starts_at, organisation.zone).date(),
                source=RecordSource.SESSION,
                session=past,
                recorded_by=coordinator,
            ).save()
        TrainingSession.objects.filter(pk=past.pk).update(attendance_recorded_at=past.starts_at)
