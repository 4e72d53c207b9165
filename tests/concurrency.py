"""Helpers for tests that race real database connections against each other (PostgreSQL only)."""

import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.db import connections

from tests.conftest import IN_CI, require_service


def require_postgres(why: str) -> None:
    """Run only on PostgreSQL. CI's SQLite pass skips (its PostgreSQL pass runs the test); elsewhere the
    usual rule holds: skip on a laptop, fail under CI=true."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    if IN_CI:
        pytest.skip("This is CI's SQLite pass; CI's PostgreSQL pass (DATABASE_URL=postgres://…) covers this test")
    require_service(False, f"DATABASE_URL does not point at PostgreSQL; {why}")


def race(people: Iterable[Any], attempt: Callable[[Any], str]) -> list[str]:
    """Start `attempt(person)` for everyone at the same moment, each in its own thread and connection;
    return the outcomes it reported, sorted."""
    people = list(people)
    barrier = threading.Barrier(len(people))
    outcomes: list[str] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    def run(person):
        try:
            barrier.wait()
            result = attempt(person)
            with lock:
                outcomes.append(result)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread below
            failures.append(error)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return sorted(outcomes)
