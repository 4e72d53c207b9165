"""The suite runs twice in CI: first on SQLite, then on PostgreSQL (DATABASE_URL=postgres://…)."""

import os

import pytest
from django.db import connection

from .conftest import IN_CI, require_service


@pytest.mark.postgres
@pytest.mark.django_db
def test_runs_on_postgresql_when_database_url_says_so():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        if IN_CI:
            pytest.skip("This is CI's SQLite pass; CI's PostgreSQL pass (DATABASE_URL=postgres://…) covers this test")
        require_service(False, "DATABASE_URL does not point at PostgreSQL; CI runs the suite a second time with it")
    assert connection.vendor == "postgresql"
