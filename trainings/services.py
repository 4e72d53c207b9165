"""Writes for trainings: catalogue, sign-ups, attendance, records. Keyword-only, one transaction each."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import JourplanError
from core.models import Organisation
from members.models import Member

from .models import Course, RecordSource, SessionSignup, TrainingRecord, TrainingSession

# (name, validity in months or None, description) — Swedish, the shelter's own words; the shelter can edit them.
DEFAULT_CATALOGUE = [
    (
        "Grundutbildning om mäns våld mot kvinnor",
        None,
        "Grunden för allt arbete i jouren: våldets mekanismer, normaliseringsprocessen och bemötande.",
    ),
    ("Stödsamtal i telefon", 36, "Att ta emot stödsamtal i jourtelefonen."),
    ("Chattutbildning", 24, "Att föra stödsamtal i chatten, skriftligt bemötande och säkerhet."),
    ("Barn som upplevt våld", 36, "Barnens situation och hur vi stöttar mamma och barn."),
    ("Hedersrelaterat våld och förtryck", 36, "Att känna igen och möta hedersrelaterat våld och förtryck."),
    ("Säkerhet och tystnadslöfte", 12, "Sekretess, tystnadslöfte och säkerhet för stödsökande och ideella."),
]


class TrainingRefused(JourplanError):
    """A training action was refused; each message is a translated sentence."""


def course_catalogue_create(*, organisation: Organisation) -> list[Course]:
    """Give a shelter the default Swedish course catalogue; courses it already has are left alone."""
    existing = set(Course.objects.filter(organisation=organisation).values_list("name", flat=True))
    courses = [
        Course(organisation=organisation, name=name, validity_months=months, description=description)
        for name, months, description in DEFAULT_CATALOGUE
        if name not in existing
    ]
    return Course.objects.bulk_create(courses)


@transaction.atomic
def session_sign_up(*, session: TrainingSession, member: Member, now: datetime | None = None) -> SessionSignup:
    """Sign her up. The session row is locked first, so concurrent sign-ups for the last place serialise and
    never exceed the capacity."""
    now = now or timezone.now()
    session = TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.course.organisation_id != member.organisation_id:
        raise TrainingRefused(_("This session belongs to another shelter."))
    if session.starts_at <= now:
        raise TrainingRefused(_("This session has already started."))
    if SessionSignup.objects.filter(session=session, member=member).exists():
        raise TrainingRefused(_("You are already signed up for this session."))
    if SessionSignup.objects.filter(session=session).count() >= session.capacity:
        raise TrainingRefused(_("This session is full."))
    try:
        with transaction.atomic():
            return SessionSignup.objects.create(session=session, member=member)
    except IntegrityError as exc:
        raise TrainingRefused(_("You are already signed up for this session.")) from exc


@transaction.atomic
def session_cancel_signup(*, session: TrainingSession, member: Member, now: datetime | None = None) -> None:
    """Cancel her sign-up before the session starts; the place frees up for someone else."""
    now = now or timezone.now()
    if session.starts_at <= now:
        raise TrainingRefused(_("This session has already started."))
    deleted, _rows = SessionSignup.objects.filter(session=session, member=member).delete()
    if not deleted:
        raise TrainingRefused(_("You are not signed up for this session."))


@transaction.atomic
def attendance_record(
    *, session: TrainingSession, attended: Iterable[Member], recorded_by: Member, now: datetime | None = None
) -> list[TrainingRecord]:
    """Create a completion record (completed on the session's day) for every attendee, all or nothing, once the
    session has started (refused before). Recording again adds records only for attendees who have none from
    this session yet."""
    now = now or timezone.now()
    session = TrainingSession.objects.select_for_update().select_related("course").get(pk=session.pk)
    if session.starts_at > now:
        raise TrainingRefused(_("Attendance can be recorded once the session has started."))
    organisation_id = session.course.organisation_id
    attendees = list(attended)
    if any(m.organisation_id != organisation_id for m in attendees):
        raise TrainingRefused(_("Only members of this shelter can be recorded."))
    already = set(TrainingRecord.objects.filter(session=session).values_list("member_id", flat=True))
    completed_on = timezone.localtime(session.starts_at, session.course.organisation.zone).date()
    records = [
        TrainingRecord(
            member=m,
            course=session.course,
            completed_on=completed_on,
            expires_on=session.course.expires_on(completed_on),
            source=RecordSource.SESSION,
            session=session,
            recorded_by=recorded_by,
        )
        for m in attendees
        if m.pk not in already
    ]
    for record in records:  # save() one by one, so the audit trail gets an entry for each record
        record.save()
    TrainingSession.objects.filter(pk=session.pk).update(attendance_recorded_at=now)
    return records


@transaction.atomic
def record_add_external(
    *, member: Member, course: Course, completed_on: date, recorded_by: Member, source: str = RecordSource.EXTERNAL
) -> TrainingRecord:
    """Record a completion from outside the shelter's own sessions (a certificate); expiry follows the course."""
    if course.organisation_id != member.organisation_id:
        raise TrainingRefused(_("The course belongs to another shelter."))
    if completed_on > timezone.localdate():
        raise TrainingRefused(_("The completion date cannot be in the future."))
    record = TrainingRecord(
        member=member, course=course, completed_on=completed_on, source=source, recorded_by=recorded_by
    )
    record.save()
    return record


@transaction.atomic
def record_correct(*, record: TrainingRecord, course: Course, completed_on: date) -> TrainingRecord:
    """Correct a mistaken record; the expiry follows the (new) course and date. The audit trail keeps the old."""
    if course.organisation_id != record.member.organisation_id:
        raise TrainingRefused(_("The course belongs to another shelter."))
    if completed_on > timezone.localdate():
        raise TrainingRefused(_("The completion date cannot be in the future."))
    record.course = course
    record.completed_on = completed_on
    record.save()
    return record


@transaction.atomic
def record_delete(*, record: TrainingRecord) -> None:
    """Delete a mistaken record (the audit trail keeps what it said)."""
    record.delete()
