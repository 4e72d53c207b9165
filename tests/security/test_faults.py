"""Faults, each a test: the database refusing a write mid-import, Redis down (broker and cache), SMTP down,
and (in tests/members/test_notice_worker.py) a worker killed mid-batch."""

import time

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse

from members import imports
from members.imports import MEMBERS, ImportRefused, import_confirm
from members.models import Member, Role
from notices import tasks
from notices.models import Notice, NoticeStatus
from tests.conftest import log_in
from tests.factories import PASSWORD, MemberFactory
from tests.test_celery_worker import _reset_broker_pools

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused at once

ROWS = "förnamn;efternamn;e-post\n" + "".join(f"Rad{n};Radsson;rad{n}@example.org\n" for n in range(6))


# --- The database refuses a write mid-import -----------------------------------------------------------


@pytest.fixture
def refuse_fourth_write(monkeypatch):
    """The database accepts three member rows, then refuses (a full disk, a lost connection)."""
    original = Member.save
    calls = {"n": 0}

    def save(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise DatabaseError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Member, "save", save)
    return calls


def test_a_write_refused_mid_import_leaves_nothing_half_written(organisation, coordinator, refuse_fourth_write):
    before = Member.objects.count()
    with pytest.raises(ImportRefused, match="inget importerades"):
        import_confirm(kind=MEMBERS, organisation=organisation, content=ROWS.encode(), by=coordinator)
    assert refuse_fourth_write["n"] >= 4  # three rows were written before the refusal ...
    assert Member.objects.count() == before  # ... and rolled back with the rest


def _confirm_upload(client, organisation):
    upload = client.post(
        reverse("members:import_members", kwargs={"organisation": organisation.slug}),
        {"file": SimpleUploadedFile("medlemmar.csv", ROWS.encode())},
    )
    return client.post(
        reverse("members:import_members_confirm", kwargs={"organisation": organisation.slug}),
        {"token": upload.context["token"]},
        follow=True,
    )


def test_the_coordinator_is_told_nothing_was_imported(coordinator_client, organisation, refuse_fourth_write):
    response = _confirm_upload(coordinator_client, organisation)
    assert response.status_code == 200
    assert "inget importerades" in response.content.decode()
    assert not Member.objects.filter(email__startswith="rad").exists()


@pytest.mark.allow_error_logs  # the refusal is logged for the operator
def test_a_database_failure_at_commit_is_a_message_not_a_server_error(coordinator_client, organisation, monkeypatch):
    def commit_refused(**kwargs):
        raise DatabaseError("could not serialize access")

    monkeypatch.setattr(imports, "import_confirm", commit_refused)
    response = _confirm_upload(coordinator_client, organisation)
    assert response.status_code == 200
    assert "Databasen tog inte emot importen, så inget importerades." in response.content.decode()
    assert not Member.objects.filter(email__startswith="rad").exists()


# --- Redis down -----------------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """Broker and cache both point at a Redis that does not answer."""
    from config.celery import app

    keys = ("broker_url", "broker_transport_options", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    _reset_broker_pools(app)
    app.conf.update(broker_url=DEAD_REDIS, broker_transport_options={}, task_always_eager=False)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    caches._settings = None  # noqa: SLF001
    yield app
    _reset_broker_pools(app)
    app.conf.update(saved)


def _back_up(app):
    """Redis is back: the worker runs the tasks (eager stands in for it)."""
    _reset_broker_pools(app)
    app.conf.update(broker_url="memory://", task_always_eager=True)


@pytest.mark.allow_error_logs  # the health check's 503 is logged by django.request, as it should be
def test_with_redis_down_the_web_works_and_notices_wait_in_the_outbox(client, organisation, redis_down):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    volunteer = MemberFactory(organisation=organisation, role=Role.VOLUNTEER)
    # She can log in (rate limits live in the cache) ...
    started = time.monotonic()
    response = client.post(reverse("account_login"), {"login": volunteer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("members:portal", kwargs={"organisation": organisation.slug})).status_code == 200
    # ... a coordinator invites someone: the invitation is planned in the database outbox.
    log_in(client, coordinator)
    response = client.post(
        reverse("members:invite", kwargs={"organisation": organisation.slug}),
        {"first_name": "Nora", "last_name": "Ny", "email": "nora@example.org", "role": Role.VOLUNTEER},
    )
    assert response.status_code == 302
    invitation = Notice.objects.get(recipient__email="nora@example.org")
    # The health check says what is wrong instead of hanging.
    health = client.get(reverse("healthz"))
    assert health.status_code == 503 and health.json()["broker"] == "unreachable"
    assert time.monotonic() - started < 15
    # Beat's tick cannot hand the notice to a worker: it stays pending, nothing is lost.
    with pytest.raises(Exception):  # noqa: B017  (kombu's OperationalError, whatever the transport says)
        tasks.dispatch_due_notices()
    invitation.refresh_from_db()
    assert invitation.status == NoticeStatus.PENDING and not mail.outbox

    _back_up(redis_down)
    tasks.dispatch_due_notices()  # the next tick after Redis is back
    invitation.refresh_from_db()
    assert invitation.status == NoticeStatus.SENT
    assert [m.to for m in mail.outbox] == [["nora@example.org"]]


def test_a_redis_cache_url_gets_the_tolerant_backend_that_fails_fast(tmp_path):
    import json
    import os

    from tests.test_deploy_check import _explain, _manage

    env = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}
    env.update(DEBUG="true", CACHE_URL=DEAD_REDIS.replace("redis://", "rediscache://"))
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cache.sqlite3'}"
    code = (
        "import json; from django.conf import settings; from django.core.cache import cache; "
        "print(json.dumps([settings.CACHES['default'], cache.get('x', 'miss')]))"
    )
    result = _manage(env, "shell", "-c", code)
    assert result.returncode == 0, _explain(result)
    config, value = json.loads(result.stdout.strip().splitlines()[-1])
    assert config["BACKEND"] == "core.cache.TolerantRedisCache"
    assert config["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1}
    assert value == "miss"  # Redis is down: a miss, not an exception
