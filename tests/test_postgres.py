"""The suite runs twice in CI: first on SQLite, then on PostgreSQL (DATABASE_URL=postgres://…)."""

import pytest
from django.db import connection

from tests.concurrency import require_postgres


@pytest.mark.postgres
@pytest.mark.django_db
def test_runs_on_postgresql_when_database_url_says_so():
    require_postgres("CI runs the suite a second time with it")
    assert connection.vendor == "postgresql"
