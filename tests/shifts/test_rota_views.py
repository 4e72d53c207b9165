"""Samordnarens schemasidor: månad, vecka, underbemannade pass, passets sida, linjer och mönster."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shifts.generation import wall_clock
from shifts.models import Assignment, AssignmentStatus, Line, RotaChange, Shift, ShiftPattern
from tests.factories import MemberFactory
from tests.shifts.factories import make_line, make_pattern, put_on

pytestmark = pytest.mark.django_db


def _url(organisation, name, **kwargs):
    return reverse(f"shifts:{name}", kwargs={"shelter": organisation.slug, **kwargs})


def _shift(line, day: date, hour=20, hours=3, **extra):
    starts_at = wall_clock(day, time(hour), line.organisation.zone)
    fields = {"min_volunteers": line.min_volunteers, "max_volunteers": line.max_volunteers}
    fields.update(extra)
    return Shift.objects.create(line=line, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields)


def _soon(days=3):
    return timezone.localdate() + timedelta(days=days)


def test_manadsvyn_visar_bemanning_med_text_och_namn(organisation, coordinator_client):
    line = make_line(organisation, name="Jourtelefon", min_volunteers=2, max_volunteers=2)
    under = _shift(line, _soon())
    full = _shift(line, _soon(), hour=10)
    put_on(under, MemberFactory(organisation=organisation, first_name="Lena"))
    put_on(full, MemberFactory(organisation=organisation, first_name="Karin"))
    put_on(full, MemberFactory(organisation=organisation, first_name="Eva"))
    month = f"{_soon():%Y-%m}"
    response = coordinator_client.get(_url(organisation, "rota_month") + f"?month={month}")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="calendar-month"' in page
    assert "1 av 2" in page and "Underbemannat" in page
    assert "2 av 2" in page and "Fullt" in page
    assert "Lena" in page and "Karin" in page


def test_manadsvyn_per_linje_visar_bara_den_linjen(organisation, coordinator_client):
    phone = make_line(organisation, name="Jourtelefon")
    chat = make_line(organisation, name="Chatten")
    _shift(phone, _soon())
    _shift(chat, _soon())
    url = _url(organisation, "rota_month") + f"?month={_soon():%Y-%m}&line={phone.pk}"
    page = coordinator_client.get(url).content.decode()
    assert "20:00–23:00 Jourtelefon" in page
    assert "20:00–23:00 Chatten" not in page


def _month_queries(client, organisation, month):
    url = _url(organisation, "rota_month") + f"?month={month}"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_manadsvyn_har_konstant_antal_fragor(organisation, coordinator_client):
    lines = [make_line(organisation, name=f"Linje {n}", max_volunteers=3) for n in range(3)]
    volunteers = [MemberFactory(organisation=organisation) for _ in range(6)]
    first = timezone.localdate().replace(day=1) + timedelta(days=40)
    first = first.replace(day=1)

    def add_shifts(days, hour):
        for n in range(days):
            for line in lines:
                shift = _shift(line, first + timedelta(days=n), hour=hour)
                put_on(shift, volunteers[n % 6])
                put_on(shift, volunteers[(n + 1) % 6])

    add_shifts(28, 8)  # 84 pass
    small = _month_queries(coordinator_client, organisation, f"{first:%Y-%m}")
    add_shifts(28, 14)  # 168 pass
    large = _month_queries(coordinator_client, organisation, f"{first:%Y-%m}")
    assert Shift.objects.count() == 168
    assert small == large


def test_veckovyn_visar_veckans_pass(organisation, coordinator_client):
    line = make_line(organisation, name="Chatten")
    day = _soon(2)
    _shift(line, day)
    _shift(line, day + timedelta(days=14))
    response = coordinator_client.get(_url(organisation, "rota_week") + f"?week={day:%Y-%m-%d}")
    page = response.content.decode()
    assert 'class="week-grid"' in page
    assert page.count("20:00–23:00</time> Chatten") == 1
    assert "0 av 2" in page and "Underbemannat" in page


def test_underbemannade_pass_de_narmaste_veckorna(organisation, coordinator_client):
    line = make_line(organisation, name="Jourtelefon", min_volunteers=1, max_volunteers=2)
    near = _shift(line, _soon(5))
    far = _shift(line, _soon(40))
    staffed = _shift(line, _soon(6))
    put_on(staffed, MemberFactory(organisation=organisation))
    page = coordinator_client.get(_url(organisation, "rota_gaps")).content.decode()
    assert _url(organisation, "rota_shift", pk=near.pk) in page
    assert _url(organisation, "rota_shift", pk=far.pk) not in page
    assert _url(organisation, "rota_shift", pk=staffed.pk) not in page
    page = coordinator_client.get(_url(organisation, "rota_gaps") + "?weeks=8").content.decode()
    assert _url(organisation, "rota_shift", pk=far.pk) in page
    assert "de närmaste 8 veckorna" in page


def test_passets_sida_visar_vem_som_ar_pa_passet_och_vantelistan(organisation, coordinator_client):
    line = make_line(organisation)
    shift = _shift(line, _soon())
    put_on(shift, MemberFactory(organisation=organisation, first_name="Lena", last_name="Berg"))
    waiting = MemberFactory(organisation=organisation, first_name="Fatima", last_name="Ali")
    shift.waiting_list.create(member=waiting, created_at=timezone.now())
    page = coordinator_client.get(_url(organisation, "rota_shift", pk=shift.pk)).content.decode()
    assert "Lena Berg" in page
    assert "Fatima Ali" in page
    assert "Väntelista" in page


def test_tilldela_skapar_en_opublicerad_andring(organisation, coordinator_client):
    line = make_line(organisation)
    shift = _shift(line, _soon())
    volunteer = MemberFactory(organisation=organisation, first_name="Eva")
    response = coordinator_client.post(_url(organisation, "rota_assign", pk=shift.pk), {"member": volunteer.pk})
    assert response.status_code == 302
    assert Assignment.objects.filter(shift=shift, member=volunteer, status=AssignmentStatus.CONFIRMED).exists()
    assert RotaChange.objects.filter(member=volunteer, kind="added", published_at=None).count() == 1


def test_nekad_tilldelning_visar_skalen_och_tilldela_anda_kraver_skal(organisation, coordinator_client):
    line = make_line(organisation, min_volunteers=1, max_volunteers=1)
    shift = _shift(line, _soon())
    put_on(shift, MemberFactory(organisation=organisation))
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


def test_ta_bort_fran_passet(organisation, coordinator_client):
    line = make_line(organisation)
    shift = _shift(line, _soon(1))
    volunteer = MemberFactory(organisation=organisation)
    assignment = put_on(shift, volunteer)
    response = coordinator_client.post(_url(organisation, "rota_remove", pk=assignment.pk))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.RELEASED
    assert RotaChange.objects.filter(member=volunteer, kind="removed").count() == 1


def test_tilldela_och_ta_bort_tar_ut_varandra(organisation, coordinator_client):
    line = make_line(organisation)
    shift = _shift(line, _soon())
    volunteer = MemberFactory(organisation=organisation)
    coordinator_client.post(_url(organisation, "rota_assign", pk=shift.pk), {"member": volunteer.pk})
    assignment = Assignment.objects.get(shift=shift, member=volunteer)
    coordinator_client.post(_url(organisation, "rota_remove", pk=assignment.pk))
    assert not RotaChange.objects.exists()


def test_stall_in_pass_efter_bekraftelse(organisation, coordinator_client):
    line = make_line(organisation)
    shift = _shift(line, _soon())
    put_on(shift, MemberFactory(organisation=organisation))
    url = _url(organisation, "rota_cancel", pk=shift.pk)
    page = coordinator_client.get(url).content.decode()
    assert "Ja, ställ in passet" in page
    shift.refresh_from_db()
    assert shift.cancelled_at is None
    assert coordinator_client.post(url).status_code == 302
    shift.refresh_from_db()
    assert shift.cancelled_at is not None


def test_skapa_linje_med_kurser_fran_egen_jour(organisation, other_organisation, coordinator_client):
    from trainings.models import Course

    own = Course.objects.create(organisation=organisation, name="Testkurs för linjen")
    foreign = Course.objects.create(organisation=other_organisation, name="Främmande kurs")
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


def test_linje_med_min_over_max_nekas(organisation, coordinator_client):
    data = {"name": "Fel", "kind": "phone", "colour": 1, "min_volunteers": 3, "max_volunteers": 2}
    data.update(experienced_after_shifts=10, required_shadow_shifts=0)
    response = coordinator_client.post(_url(organisation, "line_create"), data)
    assert response.status_code == 200
    assert "minsta antalet" in response.content.decode().lower()
    assert not Line.objects.filter(name="Fel").exists()


def test_monster_skapas_och_pass_genereras_idempotent(organisation, coordinator_client):
    line = make_line(organisation, name="Jourtelefon")
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


def test_andrat_monster_rapporterar_pass_som_lamnades(organisation, coordinator_client):
    line = make_line(organisation)
    start = _soon(1)
    pattern = make_pattern(line, anchor_date=start, valid_from=start)
    from shifts.generation import shifts_generate

    shifts_generate(pattern=pattern, start=start, end=start + timedelta(days=3))
    taken = Shift.objects.filter(pattern=pattern).order_by("starts_at").first()
    put_on(taken, MemberFactory(organisation=organisation))
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


def test_engangspass_skapas(organisation, coordinator_client):
    line = make_line(organisation, name="Sommarchatt")
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


def test_annan_jours_pass_ar_osynligt(organisation, other_organisation, coordinator_client):
    foreign = _shift(make_line(other_organisation, name="Främmande"), _soon())
    assert coordinator_client.get(_url(organisation, "rota_shift", pk=foreign.pk)).status_code == 404
    volunteer = MemberFactory(organisation=organisation)
    response = coordinator_client.post(_url(organisation, "rota_assign", pk=foreign.pk), {"member": volunteer.pk})
    assert response.status_code == 404


def test_manadsvyn_pa_engelska(organisation, coordinator, client):
    from tests.conftest import log_in

    coordinator.language = "en"
    coordinator.save()
    log_in(client, coordinator)
    client.cookies["django_language"] = "en"
    line = make_line(organisation, name="Phone line", min_volunteers=2)
    _shift(line, _soon())
    page = client.get(_url(organisation, "rota_month") + f"?month={_soon():%Y-%m}").content.decode()
    assert "0 of 2" in page and "Under-staffed" in page
    assert "Publish" in page


def test_menyn_visar_schema_for_samordnare_men_inte_for_ideella(organisation, coordinator, volunteer):
    from django.test import Client

    from tests.conftest import log_in

    rota = _url(organisation, "rota_month")
    portal = reverse("members:portal", kwargs={"shelter": organisation.slug})
    page = log_in(Client(), coordinator).get(portal).content.decode()
    assert f'href="{rota}"' in page and ">Schema<" in page
    assert f'href="{rota}"' not in log_in(Client(), volunteer).get(portal).content.decode()
