"""A second factor fails closed: a TOTP code opens the door once, with Redis up or down, while the rate limits
(which may) fail open; and no shelter slug can pass for one of the paths a missing second factor may reach."""

import os
import socket
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal import auth as allauth_totp
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation

from members.models import Role
from tests.concurrency import race, require_postgres
from tests.conftest import log_in, require_service
from tests.factories import PASSWORD, MemberFactory, OrganisationFactory
from tests.test_celery_worker import _redis_reachable

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
PERIOD = 30  # allauth's default TOTP period


def _closed_loopback_port() -> int:
    """A loopback port nothing listens on: bound by us, then released, so a connection is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_cache(settings, url: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",  # what CACHE_URL=rediscache://… gives in production
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }  # Django's test signals drop the old cache connections when CACHES changes


@pytest.fixture
def redis_down(settings):
    _redis_cache(settings, f"redis://127.0.0.1:{_closed_loopback_port()}/15")
    with pytest.raises(Exception):  # noqa: B017  (redis's ConnectionError: the port really is closed)
        caches["default"].client.get_client(write=True).ping()


@pytest.fixture
def redis_up(settings):
    require_service(_redis_reachable(REDIS_URL), f"Redis is not reachable at {REDIS_URL}")
    _redis_cache(settings, REDIS_URL)
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def clock(monkeypatch):
    """allauth's TOTP clock, and only that one, held in the middle of a time step: a test never straddles
    a step boundary by bad luck, and can move on to the next step when it wants."""
    now = {"t": (int(allauth_totp.time.time()) // PERIOD) * PERIOD + PERIOD // 2}
    monkeypatch.setattr(allauth_totp, "time", SimpleNamespace(time=lambda: now["t"]))
    return now


@pytest.fixture
def coordinator_with_totp(organisation):
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR, first_name="Tove")
    secret = generate_totp_secret()
    authenticator = TOTP.activate(coordinator.user, secret).instance
    return SimpleNamespace(member=coordinator, secret=secret, authenticator=authenticator)


def _code(secret: str, clock) -> str:
    return format_hotp_value(hotp_value(secret, clock["t"] // PERIOD))


def _already_used() -> str:
    from core.totp import CODE_ALREADY_USED  # imported here: the file also runs against the code before it

    with translation.override("sv"):
        return str(CODE_ALREADY_USED)


def _log_in_with_totp(client, member, code):
    """Password, then the code allauth asks for; returns the answer to the code."""
    response = client.post(reverse("account_login"), {"login": member.user.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_authenticate"))
    return client.post(reverse("mfa_authenticate"), {"code": code})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Redis up: the real cache and the database both refuse a replay -------------------------------------


@pytest.mark.redis
def test_with_redis_up_a_code_used_at_login_cannot_log_in_again(client, coordinator_with_totp, clock, redis_up):
    code = _code(coordinator_with_totp.secret, clock)
    assert _log_in_with_totp(client, coordinator_with_totp.member, code).status_code == 302
    assert _logged_in(client)
    client.logout()

    replay = _log_in_with_totp(client, coordinator_with_totp.member, code)
    assert replay.status_code == 200
    assert not _logged_in(client)


# --- Redis down: the used code is still refused, from the database ------------------------------------------


def test_with_redis_down_totp_login_works_once_and_a_replay_is_refused_with_a_clear_message(
    client, coordinator_with_totp, clock, redis_down
):
    code = _code(coordinator_with_totp.secret, clock)
    first = _log_in_with_totp(client, coordinator_with_totp.member, code)
    assert first.status_code == 302  # a Redis outage does not lock coordinators out ...
    assert _logged_in(client)
    client.logout()

    replay = _log_in_with_totp(client, coordinator_with_totp.member, code)  # ... nor let a seen code in twice
    assert replay.status_code == 200
    assert _already_used() in replay.content.decode()
    assert not _logged_in(client)

    clock["t"] += PERIOD  # her app shows the next code: that one works
    assert (
        client.post(reverse("mfa_authenticate"), {"code": _code(coordinator_with_totp.secret, clock)}).status_code
        == 302
    )
    assert _logged_in(client)


def test_with_redis_down_a_code_used_to_reauthenticate_cannot_be_used_again(
    client, coordinator_with_totp, clock, redis_down
):
    log_in(client, coordinator_with_totp.member, second_factor=False)
    code = _code(coordinator_with_totp.secret, clock)
    assert client.post(reverse("mfa_reauthenticate"), {"code": code}).status_code == 302
    replay = client.post(reverse("mfa_reauthenticate"), {"code": code})
    assert replay.status_code == 200
    assert _already_used() in replay.content.decode()


def test_with_redis_down_failed_logins_are_not_counted_rate_limits_fail_open(client, volunteer, redis_down):
    for _attempt in range(12):  # more than "10/m/ip" and "5/5m/key"
        response = client.post(reverse("account_login"), {"login": volunteer.email, "password": "fel-lösenord"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": volunteer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert _logged_in(client)


# --- The claim itself --------------------------------------------------------------------------------------


def test_a_claimed_step_and_any_earlier_one_are_refused_the_next_one_accepted(coordinator_with_totp, clock):
    from core.totp import totp_code_claim

    authenticator, secret = coordinator_with_totp.authenticator, coordinator_with_totp.secret
    earlier = _code(secret, {"t": clock["t"] - PERIOD})
    code = _code(secret, clock)
    assert totp_code_claim(authenticator=authenticator, code=code)
    assert not totp_code_claim(authenticator=authenticator, code=code)
    assert not totp_code_claim(authenticator=authenticator, code="000000" if code != "000000" else "111111")
    clock["t"] -= PERIOD  # even while an earlier code is still within the accepted window
    assert not totp_code_claim(authenticator=authenticator, code=earlier)
    clock["t"] += 2 * PERIOD
    assert totp_code_claim(authenticator=authenticator, code=_code(secret, clock))
    authenticator.refresh_from_db()
    assert allauth_totp.decrypt(authenticator.data["secret"]) == secret  # the secret itself is untouched


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sessions_racing_with_one_code_let_only_one_in(clock):
    require_postgres("the claim's row lock needs parallel connections")
    from core.totp import totp_code_claim

    coordinator = MemberFactory(role=Role.COORDINATOR)
    secret = generate_totp_secret()
    authenticator = TOTP.activate(coordinator.user, secret).instance
    code = _code(secret, clock)

    def attempt(_session):
        fresh = type(authenticator).objects.get(pk=authenticator.pk)
        return "in" if totp_code_claim(authenticator=fresh, code=code) else "refused"

    assert race(range(4), attempt) == ["in", "refused", "refused", "refused"]


# --- /healthz is one path, not a prefix ---------------------------------------------------------------------


def test_a_shelter_slugged_like_the_health_check_still_needs_the_second_factor(client):
    organisation = OrganisationFactory(name="Kvinnojouren Healthz", slug="healthz-jour")
    coordinator = MemberFactory(organisation=organisation, role=Role.COORDINATOR)
    log_in(client, coordinator, second_factor=False)
    for path in (f"/{organisation.slug}/", reverse("members:portal", kwargs={"organisation": organisation.slug})):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get("/healthz").status_code == 200  # the health check itself stays open
