"""The coordinator's rota pages: month, week, understaffed shifts, the shift's page, lines and patterns."""

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shifts.models import Assignment, AssignmentStatus, Line, RotaChange, Shift, ShiftPattern
from tests.factories import (
    AssignmentFactory,
    CourseFactory,
    LineFactory,
    MemberFactory,
    ShiftFactory,
    ShiftPatternFactory,
)

pytestmark = pytest.mark.django_db


def _url(organisation, name, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"organisation": organisation.slug, **kwargs})


def _shift(line, day: date, hour=20, hours=3, **extra):
    return ShiftFactory(line=line, local_start=datetime.combine(day, time(hour)), hours=hours, **extra)


def _soon(days=3):
    return timezone.localdate() + timedelta(days=days)


def test_month_view_shows_staffing_in_words_and_the_week_names_who_is_on(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, name="Jourtelefon", min_volunteers=2, max_volunteers=2)
    under = _shift(line, _soon())
    full = _shift(line, _soon(), hour=10)
    AssignmentFactory(shift=under, member=MemberFactory(organisation=organisation, first_name="Lena"))
    AssignmentFactory(shift=full, member=MemberFactory(organisation=organisation, first_name="Karin"))
    AssignmentFactory(shift=full, member=MemberFactory(organisation=organisation, first_name="Eva"))
    month = f"{_soon():%Y-%m}"
    response = coordinator_client.get(_url(organisation, "rota_month") + f"?month={month}")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="calendar-month rota-month"' in page
    assert "1 av 2" in page and "Saknar 1" in page
    assert "2 av 2" in page and page.count("Saknar") == 1  # a full shift is quiet in the month
    # The month is one line per shift; who is on it is in the week (and the day and the shift's page).
    page = coordinator_client.get(_url(organisation, "rota_week") + f"?week={_soon():%Y-%m-%d}").content.decode()
    assert "Lena" in page and "Karin" in page and "Fullt" in page


def test_month_view_of_one_line_shows_only_that_line(organisation, coordinator_client):
    phone = LineFactory(organisation=organisation, name="Jourtelefon")
    chat = LineFactory(organisation=organisation, name="Chatten")
    _shift(phone, _soon())
    _shift(chat, _soon())
    url = _url(organisation, "rota_month") + f"?month={_soon():%Y-%m}&line={phone.pk}"
    page = coordinator_client.get(url).content.decode()
    assert "20:00 Jourtelefon" in page
    assert "20:00 Chatten" not in page


def _month_queries(client, organisation, month):
    url = _url(organisation, "rota_month") + f"?month={month}"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_month_view_has_a_constant_query_count(organisation, coordinator_client):
    lines = [LineFactory(organisation=organisation, name=f"Linje {n}", max_volunteers=3) for n in range(3)]
    volunteers = [MemberFactory(organisation=organisation) for _ in range(6)]
    first = timezone.localdate().replace(day=1) + timedelta(days=40)
    first = first.replace(day=1)

    def add_shifts(days, hour):
        for n in range(days):
            for line in lines:
                shift = _shift(line, first + timedelta(days=n), hour=hour)
                AssignmentFactory(shift=shift, member=volunteers[n % 6])
                AssignmentFactory(shift=shift, member=volunteers[(n + 1) % 6])

    add_shifts(28, 8)  # 84 shifts
    small = _month_queries(coordinator_client, organisation, f"{first:%Y-%m}")
    add_shifts(28, 14)  # 168 shifts
    large = _month_queries(coordinator_client, organisation, f"{first:%Y-%m}")
    assert Shift.objects.count() == 168
    assert small == large


def test_week_view_shows_the_weeks_shifts(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, name="Chatten")
    day = _soon(2)
    _shift(line, day)
    _shift(line, day + timedelta(days=14))
    response = coordinator_client.get(_url(organisation, "rota_week") + f"?week={day:%Y-%m-%d}")
    page = response.content.decode()
    assert 'class="week-grid"' in page
    assert page.count("20:00–23:00</time> Chatten") == 1
    assert "0 av 2" in page and "Saknar 1" in page


def test_understaffed_shifts_in_the_coming_weeks(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, name="Jourtelefon", min_volunteers=1, max_volunteers=2)
    near = _shift(line, _soon(5))
    far = _shift(line, _soon(40))
    staffed = _shift(line, _soon(6))
    AssignmentFactory(shift=staffed, member=MemberFactory(organisation=organisation))
    page = coordinator_client.get(_url(organisation, "rota_gaps")).content.decode()
    assert _url(organisation, "rota_shift", pk=near.pk) in page
    assert _url(organisation, "rota_shift", pk=far.pk) not in page
    assert _url(organisation, "rota_shift", pk=staffed.pk) not in page
    page = coordinator_client.get(_url(organisation, "rota_gaps") + "?weeks=8").content.decode()
    assert _url(organisation, "rota_shift", pk=far.pk) in page
    assert "Luckor de närmaste 8 veckorna" in page
    assert "0 av 2" in page and "Saknar 1" in page


def test_shift_page_shows_who_is_on_the_shift_and_the_waiting_list(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    shift = _shift(line, _soon())
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation, first_name="Lena", last_name="Berg"))
    waiting = MemberFactory(organisation=organisation, first_name="Fatima", last_name="Ali")
    shift.waiting_list.create(member=waiting, created_at=timezone.now())
    page = coordinator_client.get(_url(organisation, "rota_shift", pk=shift.pk)).content.decode()
    assert "Lena Berg" in page
    assert "Fatima Ali" in page
    assert "Väntelista" in page


def test_assigning_makes_an_unpublished_change(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    shift = _shift(line, _soon())
    volunteer = MemberFactory(organisation=organisation, first_name="Eva")
    response = coordinator_client.post(_url(organisation, "rota_assign", pk=shift.pk), {"member": volunteer.pk})
    assert response.status_code == 302
    assert Assignment.objects.filter(shift=shift, member=volunteer, status=AssignmentStatus.CONFIRMED).exists()
    assert RotaChange.objects.filter(member=volunteer, kind="added", published_at=None).count() == 1


def test_refused_assignment_shows_the_reasons_and_assign_anyway_needs_a_reason(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, min_volunteers=1, max_volunteers=1)
    shift = _shift(line, _soon())
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    volunteer = MemberFactory(organisation=organisation, first_name="Eva")
    url = _url(organisation, "rota_assign", pk=shift.pk)
    response = coordinator_client.post(url, {"member": volunteer.pk})
    page = response.content.decode()
    assert response.status_code == 409
    assert "Passet är fullt" in page
    assert "Tilldela ändå" in page
    response = coordinator_client.post(url, {"member": volunteer.pk, "override": "1", "reason": ""})
    assert response.status_code == 409
    assert not Assignment.objects.filter(shift=shift, member=volunteer).exists()
    response = coordinator_client.post(url, {"member": volunteer.pk, "override": "1", "reason": "Extra stöd ikväll"})
    assert response.status_code == 302
    assignment = Assignment.objects.get(shift=shift, member=volunteer)
    assert assignment.overridden_by is not None
    assert "Extra stöd ikväll" in assignment.override_reason


def test_remove_from_the_shift(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    shift = _shift(line, _soon(1))
    volunteer = MemberFactory(organisation=organisation)
    assignment = AssignmentFactory(shift=shift, member=volunteer)
    response = coordinator_client.post(_url(organisation, "rota_remove", pk=assignment.pk))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.RELEASED
    assert RotaChange.objects.filter(member=volunteer, kind="removed").count() == 1


def test_assign_and_remove_cancel_each_other_out(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    shift = _shift(line, _soon())
    volunteer = MemberFactory(organisation=organisation)
    coordinator_client.post(_url(organisation, "rota_assign", pk=shift.pk), {"member": volunteer.pk})
    assignment = Assignment.objects.get(shift=shift, member=volunteer)
    coordinator_client.post(_url(organisation, "rota_remove", pk=assignment.pk))
    assert not RotaChange.objects.exists()


def test_cancel_a_shift_after_confirmation(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    shift = _shift(line, _soon())
    AssignmentFactory(shift=shift, member=MemberFactory(organisation=organisation))
    url = _url(organisation, "rota_cancel", pk=shift.pk)
    page = coordinator_client.get(url).content.decode()
    assert "Ja, ställ in passet" in page
    shift.refresh_from_db()
    assert shift.cancelled_at is None
    assert coordinator_client.post(url).status_code == 302
    shift.refresh_from_db()
    assert shift.cancelled_at is not None


def test_create_a_line_with_courses_of_her_own_shelter(organisation, other_organisation, coordinator_client):
    own = CourseFactory(organisation=organisation, name="Testkurs för linjen")
    foreign = CourseFactory(organisation=other_organisation, name="Främmande kurs")
    data = {
        "name": "Chatt",
        "kind": "chat",
        "colour": 3,
        "required_courses": [own.pk],
        "needs_pledge": "on",
        "min_volunteers": 1,
        "max_volunteers": 2,
        "experienced_after_shifts": 10,
        "required_shadow_shifts": 2,
        "active": "on",
    }
    url = _url(organisation, "line_create")
    assert "Främmande kurs" not in coordinator_client.get(url).content.decode()
    assert coordinator_client.post(url, data).status_code == 302
    line = Line.objects.get(organisation=organisation, name="Chatt")
    assert list(line.required_courses.all()) == [own]
    assert line.required_shadow_shifts == 2
    response = coordinator_client.post(url, {**data, "required_courses": [foreign.pk], "name": "Annan"})
    assert response.status_code == 200
    assert not Line.objects.filter(name="Annan").exists()


def test_a_line_with_min_over_max_is_refused(organisation, coordinator_client):
    data = {"name": "Fel", "kind": "phone", "colour": 1, "min_volunteers": 3, "max_volunteers": 2}
    data.update(experienced_after_shifts=10, required_shadow_shifts=0)
    response = coordinator_client.post(_url(organisation, "line_create"), data)
    assert response.status_code == 200
    assert "minsta antalet" in response.content.decode().lower()
    assert not Line.objects.filter(name="Fel").exists()


def test_a_pattern_is_created_and_generates_shifts_idempotently(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, name="Jourtelefon")
    start = _soon(1)
    data = {
        "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
        "start_time": "20:00",
        "end_time": "23:00",
        "every_n_weeks": 1,
        "anchor_date": start.isoformat(),
        "valid_from": start.isoformat(),
    }
    response = coordinator_client.post(_url(organisation, "pattern_create", line_pk=line.pk), data)
    assert response.status_code == 302
    pattern = ShiftPattern.objects.get(line=line)
    url = _url(organisation, "pattern_generate", pk=pattern.pk)
    period = {"start": start.isoformat(), "end": (start + timedelta(days=6)).isoformat()}
    page = coordinator_client.post(url, period).content.decode()
    assert "7 pass skapades, 0 fanns redan" in page
    page = coordinator_client.post(url, period).content.decode()
    assert "0 pass skapades, 7 fanns redan" in page
    assert Shift.objects.filter(pattern=pattern).count() == 7


def test_a_changed_pattern_reports_the_shifts_left_as_they_were(organisation, coordinator_client):
    line = LineFactory(organisation=organisation)
    start = _soon(1)
    pattern = ShiftPatternFactory(line=line, anchor_date=start, valid_from=start)
    from shifts.generation import shifts_generate

    shifts_generate(pattern=pattern, start=start, end=start + timedelta(days=3))
    taken = Shift.objects.filter(pattern=pattern).order_by("starts_at").first()
    AssignmentFactory(shift=taken, member=MemberFactory(organisation=organisation))
    data = {
        "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
        "start_time": "19:00",
        "end_time": "22:00",
        "every_n_weeks": 1,
        "anchor_date": start.isoformat(),
        "valid_from": start.isoformat(),
    }
    response = coordinator_client.post(_url(organisation, "pattern_edit", pk=pattern.pk), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "lämnades som det var" in page
    assert _url(organisation, "rota_shift", pk=taken.pk) in page
    moved = Shift.objects.filter(pattern=pattern).exclude(pk=taken.pk)
    assert {s.starts_at.astimezone(organisation.zone).hour for s in moved} == {19}


def test_a_one_off_shift_is_created(organisation, coordinator_client):
    line = LineFactory(organisation=organisation, name="Sommarchatt")
    day = _soon(10)
    data = {
        "line": line.pk,
        "day": day.isoformat(),
        "start_time": "22:00",
        "end_time": "01:00",
        "min_volunteers": 1,
        "max_volunteers": 2,
        "note": "Midsommar",
    }
    response = coordinator_client.post(_url(organisation, "shift_create"), data)
    assert response.status_code == 302
    shift = Shift.objects.get(line=line)
    assert shift.pattern is None
    assert shift.ends_at - shift.starts_at == timedelta(hours=3)


def test_another_shelters_shift_is_invisible(organisation, other_organisation, coordinator_client):
    foreign = _shift(LineFactory(organisation=other_organisation, name="Främmande"), _soon())
    assert coordinator_client.get(_url(organisation, "rota_shift", pk=foreign.pk)).status_code == 404
    volunteer = MemberFactory(organisation=organisation)
    response = coordinator_client.post(_url(organisation, "rota_assign", pk=foreign.pk), {"member": volunteer.pk})
    assert response.status_code == 404


def test_month_view_in_english(organisation, coordinator, client):
    from tests.conftest import log_in

    coordinator.language = "en"
    coordinator.save()
    log_in(client, coordinator)
    client.cookies["django_language"] = "en"
    line = LineFactory(organisation=organisation, name="Phone line", min_volunteers=2)
    _shift(line, _soon())
    page = client.get(_url(organisation, "rota_month") + f"?month={_soon():%Y-%m}").content.decode()
    assert "0 of 2" in page and "2 missing" in page and "1 gap" in page
    assert "Publish" in page


def test_the_menu_shows_the_rota_to_coordinators_not_to_volunteers(organisation, coordinator, volunteer):
    from django.test import Client

    from tests.conftest import log_in

    rota = _url(organisation, "rota_month")
    portal = reverse("members:portal", kwargs={"organisation": organisation.slug})
    page = log_in(Client(), coordinator).get(portal).content.decode()
    assert f'href="{rota}"' in page and ">Schema<" in page
    assert f'href="{rota}"' not in log_in(Client(), volunteer).get(portal).content.decode()
