"""A coordinator moves a shift from its page; those on it are told once, in their language."""

from datetime import timedelta

import pytest
from django.urls import reverse

from notices.models import Notice
from tests.factories import AssignmentFactory, LineFactory, ShiftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shift(organisation, volunteer):
    shift = ShiftFactory(line=LineFactory(organisation=organisation, name="Jourtelefon"))
    AssignmentFactory(shift=shift, member=volunteer)
    return shift


def _url(shift, name="shifts:shift_edit"):
    return reverse(name, kwargs={"organisation": shift.line.organisation.slug, "pk": shift.pk})


def test_the_form_shows_the_shift_in_the_shelters_time(coordinator_client, shift):
    page = coordinator_client.get(_url(shift)).content.decode()
    local = shift.starts_at.astimezone(shift.line.organisation.zone)
    assert f'value="{local:%H:%M}' in page
    assert "Ändra passet" in page


def test_moving_the_shift_tells_the_volunteer(coordinator_client, shift):
    zone = shift.line.organisation.zone
    new_start = (shift.starts_at + timedelta(days=1)).astimezone(zone)
    response = coordinator_client.post(
        _url(shift),
        {
            "line": shift.line_id,
            "day": new_start.date().isoformat(),
            "start_time": "18:00",
            "end_time": "21:00",
        },
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.starts_at.astimezone(zone).strftime("%H:%M") == "18:00"
    assert shift.ends_at - shift.starts_at == timedelta(hours=3)
    assert Notice.objects.filter(kind="shift_changed").count() == 1
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "1 ideell får besked" in page


def test_saving_without_a_change_tells_nobody(coordinator_client, shift):
    zone = shift.line.organisation.zone
    starts, ends = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    coordinator_client.post(
        _url(shift),
        {
            "line": shift.line_id,
            "day": starts.date().isoformat(),
            "start_time": f"{starts:%H:%M}",
            "end_time": f"{ends:%H:%M}",
        },
    )
    assert not Notice.objects.filter(kind="shift_changed").exists()


def test_a_bad_time_gets_a_swedish_message_and_changes_nothing(coordinator_client, shift):
    before = (shift.starts_at, shift.ends_at)
    response = coordinator_client.post(
        _url(shift), {"line": shift.line_id, "day": "inte-ett-datum", "start_time": "25:99"}
    )
    assert response.status_code == 200
    assert "Fyll i ett giltigt datum" in response.content.decode()
    shift.refresh_from_db()
    assert (shift.starts_at, shift.ends_at) == before
    assert not Notice.objects.exists()


def test_another_shelters_shift_is_404(client, other_shelter_coordinator, shift):
    from tests.conftest import log_in

    log_in(client, other_shelter_coordinator)
    url = reverse(
        "shifts:shift_edit", kwargs={"organisation": other_shelter_coordinator.organisation.slug, "pk": shift.pk}
    )
    assert client.get(url).status_code == 404
