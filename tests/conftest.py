"""Shared fixtures: role fixtures, strictness (ERROR logs, undefined template variables, naive datetimes
fail a test), and services that skip on a laptop but must run under CI=true."""

import logging
import os
import warnings
from pathlib import Path

import pytest
from django.conf import settings

from members.middleware import SESSION_KEY
from members.models import Role

from .factories import MemberFactory, OrganisationFactory

IN_CI = os.environ.get("CI", "").lower() == "true"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


def require_service(available: bool, reason: str) -> None:
    """Skip with a clear reason on a laptop; under CI=true a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _strict_warnings():
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=r".*received a naive datetime.*", category=RuntimeWarning)
        yield


class _Collector(logging.Handler):
    def __init__(self, level):
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def _fail_on_error_logs_and_undefined_variables(request):
    errors = _Collector(logging.ERROR)
    template_debug = _Collector(logging.DEBUG)
    root = logging.getLogger()
    template_logger = logging.getLogger("django.template")
    old_level = template_logger.level
    root.addHandler(errors)
    template_logger.addHandler(template_debug)
    template_logger.setLevel(logging.DEBUG)
    yield
    root.removeHandler(errors)
    template_logger.removeHandler(template_debug)
    template_logger.setLevel(old_level)
    if "allow_error_logs" not in request.keywords and errors.records:
        pytest.fail("ERROR logged: " + "; ".join(r.getMessage() for r in errors.records))
    undefined = []
    for record in template_debug.records:
        # "Exception while resolving variable %r in template %r."
        if len(record.args or ()) == 2 and (TEMPLATES_DIR / str(record.args[1])).is_file():
            undefined.append(record.getMessage())
    if undefined:
        pytest.fail("Undefined template variable: " + "; ".join(sorted(set(undefined))))


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


@pytest.fixture
def volunteer_client(client, volunteer):
    return log_in(client, volunteer)


@pytest.fixture
def coordinator_client(client, coordinator):
    return log_in(client, coordinator)


@pytest.fixture
def admin_client_member(client, admin_member):
    return log_in(client, admin_member)
