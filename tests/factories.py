"""factory_boy factories for all test data. Defaults make a valid object of a fresh shelter; the rota and
training factories put their objects around NOW unless told otherwise."""

from datetime import UTC, datetime, time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from core.models import Organisation, User
from members.models import Member, MemberStatus, Role
from notices.models import PushDevice
from shifts.models import (
    Absence,
    Assignment,
    AssignmentStatus,
    Line,
    Shift,
    ShiftPattern,
    Wishes,
    WorkloadRules,
)
from trainings.models import Course, SessionSignup, TrainingRecord, TrainingSession

PASSWORD = "correct-horse-battery-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Kvinnojouren {n}")
    slug = factory.Sequence(lambda n: f"jour-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = factory.Sequence(lambda n: f"Efternamn{n}")
    email = factory.LazyAttribute(lambda m: m.user.email if m.user else f"{m.first_name.lower()}@example.org")
    role = Role.VOLUNTEER
    status = MemberStatus.ACTIVE


# --- Rota ---------------------------------------------------------------------------------------------------
# A fixed "now" for most tests: Tuesday 3 March 2026, 12:00 UTC (13:00 in Stockholm).
NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


class LineFactory(factory.django.DjangoModelFactory):
    """A line open to anyone (no pledge), one to two volunteers a shift."""

    class Meta:
        model = Line

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.LazyFunction(lambda: f"Linje {Line.objects.count() + 1}")
    needs_pledge = False
    min_volunteers = 1
    max_volunteers = 2


class ShiftPatternFactory(factory.django.DjangoModelFactory):
    """Every evening 20:00–23:00 from NOW's date."""

    class Meta:
        model = ShiftPattern

    line = factory.SubFactory(LineFactory)
    weekdays = factory.LazyFunction(lambda: [0, 1, 2, 3, 4, 5, 6])
    start_time = time(20, 0)
    end_time = time(23, 0)
    anchor_date = NOW.date()
    valid_from = NOW.date()


def _shift_start(shift) -> datetime:
    if shift.local_start is None:
        return NOW + timedelta(days=2)
    # Wall-clock time in the shelter's zone, as a UTC instant (so that adding hours adds real time).
    return shift.local_start.replace(tzinfo=shift.line.organisation.zone).astimezone(UTC)


class ShiftFactory(factory.django.DjangoModelFactory):
    """A shift of `hours` (3) hours, two days after NOW unless `starts_at` or `local_start` (a naive wall-clock
    time in the shelter's zone) says when; staffing as the line's."""

    class Meta:
        model = Shift

    class Params:
        hours = 3
        local_start = None

    line = factory.SubFactory(LineFactory)
    starts_at = factory.LazyAttribute(_shift_start)
    ends_at = factory.LazyAttribute(lambda shift: shift.starts_at + timedelta(hours=shift.hours))
    min_volunteers = factory.SelfAttribute("line.min_volunteers")
    max_volunteers = factory.SelfAttribute("line.max_volunteers")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A member of the shift's shelter, confirmed on it at NOW."""

    class Meta:
        model = Assignment

    shift = factory.SubFactory(ShiftFactory)
    member = factory.SubFactory(MemberFactory, organisation=factory.SelfAttribute("..shift.line.organisation"))
    status = AssignmentStatus.CONFIRMED
    created_at = NOW


# --- Trainings ------------------------------------------------------------------------------------------------
class CourseFactory(factory.django.DjangoModelFactory):
    """A course; a name the shelter already has (every shelter starts with the default catalogue, e.g.
    "Chattutbildning", 24 months) gives that course rather than a second one."""

    class Meta:
        model = Course
        django_get_or_create = ("organisation", "name")

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Kurs {n}")


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A session of `hours` (3) hours a week after NOW."""

    class Meta:
        model = TrainingSession

    class Params:
        hours = 3

    course = factory.SubFactory(CourseFactory)
    starts_at = NOW + timedelta(days=7)
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + timedelta(hours=session.hours))
    place = "Digitalt"
    capacity = 10


class SessionSignupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionSignup

    session = factory.SubFactory(TrainingSessionFactory)
    member = factory.SubFactory(MemberFactory, organisation=factory.SelfAttribute("..session.course.organisation"))


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """A completed course of the member's shelter (`course__name="…"` picks one of its catalogue); its expiry
    follows from the course."""

    class Meta:
        model = TrainingRecord

    member = factory.SubFactory(MemberFactory)
    course = factory.SubFactory(CourseFactory, organisation=factory.SelfAttribute("..member.organisation"))
    completed_on = factory.LazyFunction(timezone.localdate)


# --- Availability (issue 17) -----------------------------------------------------------------------------------
class AbsenceFactory(factory.django.DjangoModelFactory):
    """She marked herself away for a week from two days after NOW."""

    class Meta:
        model = Absence

    member = factory.SubFactory(MemberFactory)
    starts_on = (NOW + timedelta(days=2)).date()
    ends_on = factory.LazyAttribute(lambda absence: absence.starts_on + timedelta(days=6))
    created_by = factory.SelfAttribute("member")
    created_at = NOW


class WishesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Wishes

    member = factory.SubFactory(MemberFactory)


class WorkloadRulesFactory(factory.django.DjangoModelFactory):
    """A shelter's workload rules; no limits unless told."""

    class Meta:
        model = WorkloadRules

    organisation = factory.SubFactory(OrganisationFactory)


class PushDeviceFactory(factory.django.DjangoModelFactory):
    """A device she let Jourplan send push notifications to (keys that no push service would accept)."""

    class Meta:
        model = PushDevice

    member = factory.SubFactory(MemberFactory)
    endpoint = factory.Sequence(lambda n: f"https://fcm.googleapis.com/fcm/send/device-{n}")
    p256dh = "BAAA"
    auth = "AAAA"
    label = factory.Sequence(lambda n: f"Telefon {n}")
