"""Shared fixtures: role fixtures, strictness (ERROR logs and naive datetimes fail a test; undefined template
variables fail it through pytest-django's `--fail-on-template-vars`, in pyproject's addopts), and services that
skip on a laptop but must run under CI=true."""

import logging
import os
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest


def _cache_bytecode_outside_the_checkout() -> None:
    """With PYTHONDONTWRITEBYTECODE set (as on the machines that keep __pycache__ out of a shared checkout), every
    test process compiled the project and rewrote every test module's asserts again: about 6 s of CPU per xdist
    worker, and again in each manage.py subprocess. The bytecode goes to a cache in the temp directory instead,
    never beside the sources (Python and pytest check each cached file against its source's mtime and size)."""
    if not sys.dont_write_bytecode:
        return
    prefix = Path(sys.pycache_prefix or Path(tempfile.gettempdir()) / f"jourplan-pycache-{os.getuid()}")
    try:
        prefix.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner = prefix.stat()
    except OSError:
        return
    if owner.st_uid != os.getuid() or owner.st_mode & 0o022:
        return  # a folder someone else could write to could plant bytecode: compile as before
    sys.pycache_prefix = str(prefix)
    sys.dont_write_bytecode = False
    os.environ["PYTHONPYCACHEPREFIX"] = str(prefix)  # the tests' subprocesses
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


_cache_bytecode_outside_the_checkout()

from django.conf import settings  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from django.utils import translation  # noqa: E402

from members.middleware import SESSION_KEY  # noqa: E402
from members.models import Role  # noqa: E402

from .factories import MemberFactory, OrganisationFactory  # noqa: E402

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, reason: str) -> None:
    """Skip with a clear reason on a laptop; under CI=true a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _redis_url_of_this_worker() -> None:
    """`make test` runs pytest-xdist workers (gw0, gw1, ...). The Redis tests empty their database before and after
    (flushdb), so each worker gets its own: REDIS_URL's database (15 when unset) for gw0, one lower for gw1, and
    so on. Set before any test module reads REDIS_URL; a worker's Celery subprocess inherits it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    url = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
    db = (int(url.path.strip("/") or 0) - int(worker[2:])) % 16
    os.environ["REDIS_URL"] = urlunsplit(url._replace(path=f"/{db}"))


_redis_url_of_this_worker()


@pytest.fixture(autouse=True)
def _strict_warnings():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*received a naive datetime.*", category=RuntimeWarning)
        yield


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server for browser tests. On SQLite in memory, its threads share the test's one connection, so two
    requests at once (a page's fragment loading while the next tap's POST arrives) break each other's savepoints;
    with SQLite the requests are served one at a time (connections stay concurrent, so keep-alive never blocks)."""

    def set_app(self, application):
        if connection.vendor != "sqlite":
            super().set_app(application)
            return
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the installation's language (Swedish), whatever the test before it left active: a
    test that reads translated text without a request would otherwise depend on the order tests run in."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


class _Collector(logging.Handler):
    def __init__(self, level):
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_error_logs(request):
    errors = _Collector(logging.ERROR)
    root = logging.getLogger()
    root.addHandler(errors)
    yield
    root.removeHandler(errors)
    if "allow_error_logs" not in request.keywords and errors.records:
        pytest.fail("ERROR logged: " + "; ".join(r.getMessage() for r in errors.records))


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Kvinnojouren Test", slug="testjouren")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Kvinnojouren Annan", slug="annanjour")


@pytest.fixture
def volunteer(organisation):
    return MemberFactory(organisation=organisation, role=Role.VOLUNTEER, first_name="Vera")


@pytest.fixture
def coordinator(organisation):
    return MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Cecilia")


@pytest.fixture
def admin_member(organisation):
    return MemberFactory(organisation=organisation, role=Role.ADMIN, first_name="Agnes")


@pytest.fixture
def other_shelter_coordinator(other_organisation):
    return MemberFactory(organisation=other_organisation, role=Role.COORDINATOR, first_name="Olga")


def log_in(client, member_or_user, *, second_factor: bool = True):
    """Log a member (or user) in; `second_factor` marks the session as having passed MFA."""
    user = getattr(member_or_user, "user", member_or_user)
    client.force_login(user)
    if second_factor:
        session = client.session
        session[SESSION_KEY] = True
        session.save()
    return client


def signed_in_session(member_or_user) -> str:
    """The session key of a login as `log_in` makes it, for a module-wide world whose tests each hand it to their
    own client (`client.cookies[settings.SESSION_COOKIE_NAME] = key`) instead of logging in again."""
    from django.conf import settings
    from django.test import Client

    return log_in(Client(), member_or_user).cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def volunteer_client(client, volunteer):
    return log_in(client, volunteer)


@pytest.fixture
def coordinator_client(client, coordinator):
    return log_in(client, coordinator)


@pytest.fixture
def admin_client_member(client, admin_member):
    return log_in(client, admin_member)
