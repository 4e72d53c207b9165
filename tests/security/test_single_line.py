"""Single-line fields (names, places, references, notes) refuse line breaks where they are saved: in the model's
validation, so every form, import and service that validates shows the same Swedish message next to the
field. A line name with a line break used to be accepted and then broke its calendar feed (a server error)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from phonenumber_field.modelfields import PhoneNumberField

from core.models import Organisation, User
from core.validators import LINE_BREAKS, single_line
from members.imports import MEMBERS, import_preview
from members.models import Member, Payment, Role
from shifts.feeds import calendar_token_renew
from shifts.models import Line, Shift
from tests.conftest import log_in
from tests.factories import LineFactory, MemberFactory, ShiftFactory
from trainings.models import Course, TrainingSession

pytestmark = pytest.mark.django_db

SWEDISH = "Skriv det här på en rad, utan radbrytningar."
BREAKS = ["Jour\r\nlinjen", "Jour\nlinjen", "Jour\rlinjen", "Jour\u2028linjen", "Jour\x85linjen", "Jourlinjen\n"]

# Text fields of the three apps that are not typed by a person on one line, and why.
NOT_SINGLE_LINE_TEXT = {
    ("members", "user", "password"): "a password hash",
    ("members", "organisation", "time_zone"): "checked against the time-zone database (validate_time_zone)",
    ("members", "notice", "kind"): "written by code",
    ("members", "notice", "variant"): "written by code",
    ("members", "notice", "dedupe_key"): "written by code",
    ("members", "heartbeat", "name"): "written by code",
    ("shifts", "calendartoken", "token_hash"): "written by code",
    ("shifts", "calloutask", "key"): "written by code (the random part of the answer link)",
    ("shifts", "calloutask", "refusal"): "written by code (the rule's own message)",
}


def _typed_text_fields():
    for label in ("members", "shifts", "trainings"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if (
                    isinstance(field, models.CharField)
                    and not isinstance(field, models.EmailField | models.SlugField | PhoneNumberField)
                    and not field.choices
                    and (label, model._meta.model_name, field.name) not in NOT_SINGLE_LINE_TEXT
                ):
                    yield model, field


def test_every_typed_single_line_field_refuses_line_breaks():
    fields = list(_typed_text_fields())
    names = {f"{model.__name__}.{field.name}" for model, field in fields}
    # Not vacuous: the names, places and references people type.
    assert {"Member.first_name", "Line.name", "Course.name", "TrainingSession.place", "Payment.reference"} <= names
    missing = sorted(f"{model.__name__}.{field.name}" for model, field in fields if single_line not in field.validators)
    assert not missing, f"add validators=[single_line] (or list the field in NOT_SINGLE_LINE_TEXT): {missing}"


@pytest.mark.parametrize("text", BREAKS)
def test_a_line_break_is_refused_in_swedish(text):
    with pytest.raises(ValidationError) as refused:
        Line._meta.get_field("name").run_validators(text)
    assert refused.value.messages == [SWEDISH] and refused.value.error_list[0].code == "single_line"


@pytest.mark.parametrize("text", ["Jourtelefonen", "Chatt – kväll", "Tab\there", "Å Ä Ö é ß 𝔄", ""])
def test_text_on_one_line_is_accepted(text):
    single_line(text)
    assert LINE_BREAKS.isdisjoint(text)


def test_full_clean_refuses_a_member_name_with_a_line_break(organisation):
    member = Member(organisation=organisation, first_name="Anna\r\nBerg")
    with pytest.raises(ValidationError) as refused:
        member.full_clean(exclude=["user"])
    assert refused.value.message_dict["first_name"] == [SWEDISH]


# -- the forms: the message next to the field, nothing saved; the same text on one line is saved -----------


def _line_form(world):
    data = {
        "name": "{text}",
        "kind": "chat",
        "colour": 3,
        "needs_pledge": "on",
        "min_volunteers": 1,
        "max_volunteers": 2,
        "experienced_after_shifts": 10,
        "required_shadow_shifts": 0,
        "active": "on",
    }
    return reverse("shifts:line_create", kwargs={"organisation": world.slug}), data, lambda: Line.objects.count()


def _shift_form(world):
    line = LineFactory(organisation=world, name="Formlinjen")
    day = timezone.localdate() + timedelta(days=20)
    data = {
        "line": line.pk,
        "day": day.isoformat(),
        "start_time": "20:00",
        "end_time": "23:00",
        "min_volunteers": 1,
        "max_volunteers": 2,
        "note": "{text}",
    }
    return reverse("shifts:shift_create", kwargs={"organisation": world.slug}), data, lambda: Shift.objects.count()


def _course_form(world):
    data = {"name": "{text}", "description": "Två rader\nfår stå här.", "validity_months": "", "active": "on"}
    return reverse("trainings:course_create", kwargs={"organisation": world.slug}), data, lambda: Course.objects.count()


def _session_form(world):
    course = Course.objects.filter(organisation=world).order_by("pk").first()
    day = timezone.localdate() + timedelta(days=20)
    data = {
        "course": course.pk,
        "starts_at": f"{day}T18:00",
        "ends_at": f"{day}T20:00",
        "place": "{text}",
        "trainer": "Kim",
        "capacity": 10,
    }
    url = reverse("trainings:sessions", kwargs={"organisation": world.slug})
    return url, data, lambda: TrainingSession.objects.count()


def _invite_form(world):
    data = {"first_name": "{text}", "last_name": "Berg", "email": "ny@example.org", "role": Role.VOLUNTEER}
    return reverse("members:invite", kwargs={"organisation": world.slug}), data, lambda: Member.objects.count()


def _payment_form(world):
    member = MemberFactory(organisation=world, role=Role.VOLUNTEER)
    today = timezone.localdate()
    data = {"year": today.year, "amount": "200", "paid_on": today.isoformat(), "method": "swish", "reference": "{text}"}
    url = reverse("members:payment_add", kwargs={"organisation": world.slug, "pk": member.pk})
    return url, data, lambda: Payment.objects.count()


@pytest.mark.parametrize(
    "form",
    [_line_form, _shift_form, _course_form, _session_form, _invite_form, _payment_form],
    ids=lambda f: f.__name__,
)
def test_each_form_shows_the_swedish_message_and_saves_nothing(client, organisation, admin_member, form):
    url, data, count = form(organisation)
    log_in(client, admin_member)
    before = count()
    response = client.post(url, {key: str(value).format(text="Jour\r\nlinjen 1") for key, value in data.items()})
    assert response.status_code == 200
    assert SWEDISH in response.content.decode()
    assert count() == before
    # Not vacuous: the same text on one line is saved.
    saved = client.post(url, {key: str(value).format(text="Jourlinjen 1") for key, value in data.items()})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert count() == before + 1


@pytest.mark.parametrize("field", ["name", "admin_first_name"])
def test_the_new_shelter_form_refuses_a_line_break(client, field):
    log_in(client, User.objects.create_superuser(email="op@example.org", password="x-Lösenord-1"))
    data = {
        "name": "Kvinnojouren Ny",
        "slug": "ny-jour",
        "time_zone": "Europe/Stockholm",
        "admin_first_name": "Ada",
        "admin_email": "ada@example.org",
    }
    response = client.post(reverse("federation:shelters"), {**data, field: "Två\nrader"})
    assert response.status_code == 200 and SWEDISH in response.content.decode()
    assert not Organisation.objects.filter(slug="ny-jour").exists()


def test_the_member_import_refuses_a_name_with_a_line_break_on_its_line(organisation, coordinator):
    content = 'förnamn;efternamn;e-post\r\n"Anna\nLisa";Berg;anna@example.org\r\n'.encode()
    preview = import_preview(kind=MEMBERS, organisation=organisation, content=content, by=coordinator)
    assert preview.has_errors
    assert [error.message for error in preview.errors] == [SWEDISH]
    assert not Member.objects.filter(email="anna@example.org").exists()


# -- the calendar feed of a line named before the rule -------------------------------------------------------


def test_a_line_name_saved_with_a_line_break_does_not_break_its_feed(client, organisation, coordinator):
    # Saved without validation, as it could be before this rule (or by a script).
    line = LineFactory(organisation=organisation, name="Jour\r\nlinjen")
    ShiftFactory(line=line, starts_at=timezone.now() + timedelta(days=3))
    token = calendar_token_renew(member=coordinator, line=line)
    response = client.get(reverse("shifts:calendar_feed", kwargs={"organisation": organisation.slug, "token": token}))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Jour linjen"
    assert len(list(calendar.walk("VEVENT"))) == 1
