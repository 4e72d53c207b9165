"""/healthz: open to anyone, says whether database and broker answer and when beat last ran; nothing more."""

import logging
from datetime import datetime

import pytest

from notices import tasks, views

from .factories import MemberFactory, OrganisationFactory


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_beat(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["beat_last_run"] is None

    tasks.beat_heartbeat()

    body = client.get("/healthz").json()
    assert body["beat_last_run"] is not None
    beat = datetime.fromisoformat(body["beat_last_run"])
    assert beat.tzinfo is not None


@pytest.mark.django_db
def test_healthz_reveals_no_shelter_or_person(client):
    organisation = OrganisationFactory(name="Kvinnojouren Hemlighus", slug="hemlighus")
    members = [
        MemberFactory(
            organisation=organisation, first_name="Hemliga", last_name="Personsson", email="hemlig@example.org"
        ),
        MemberFactory(organisation=organisation),
    ]
    tasks.beat_heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 200
    text = response.content.decode()
    secrets = {organisation.name, organisation.slug}
    for member in members:
        secrets |= {member.first_name, member.last_name, member.email, member.user.email}
    leaked = sorted(value for value in secrets if value and value.lower() in text.lower())
    assert not leaked, f"/healthz reveals {leaked}: {text}"
    assert "@" not in text


class _DropRecord(logging.Filter):
    def __init__(self, message: str):
        super().__init__()
        self.message = message
        self.dropped = 0

    def filter(self, record):
        if record.getMessage() == self.message:
            self.dropped += 1
            return False
        return True


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise ConnectionError("database is down")

    monkeypatch.setattr(views.connection, "cursor", broken_cursor)
    # Django logs every 5xx at ERROR, which the suite's conftest turns into a failure; this 503 is the
    # expected answer, so drop exactly that record (`allow_error_logs` is not a registered marker).
    request_logger = logging.getLogger("django.request")
    expected = _DropRecord("Service Unavailable: /healthz")
    request_logger.addFilter(expected)
    try:
        response = client.get("/healthz")
    finally:
        request_logger.removeFilter(expected)
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert expected.dropped == 1
