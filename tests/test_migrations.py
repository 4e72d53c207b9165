"""The migrations themselves. The suite builds its test databases straight from the models (pytest-django's
--no-migrations: seconds saved in every worker), so this test runs every migration forward from an empty database
of the kind the suite runs on (SQLite, or PostgreSQL in CI's second pass), in a subprocess as `manage.py migrate`
runs on a new installation, and finds the tables the models ask for. (A migration's step from the previous
release is checked on a copy of the federation seed: CONTRIBUTING.md.)"""

import os
import subprocess
import sys
import uuid
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings


def _manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def empty_database(tmp_path):
    """An empty database of the suite's kind, dropped afterwards; its URL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"jourplan_migrations_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(url)
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_migration_runs_on_an_empty_database(empty_database):
    done = _manage(empty_database, "migrate", "--noinput")
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    # Every migration of every app is recorded as applied.
    plan = _manage(empty_database, "showmigrations", "--plan")
    assert plan.returncode == 0, plan.stderr
    assert "[ ]" not in plan.stdout and plan.stdout.count("[X]") > 20, plan.stdout
