"""Behind a proxy, per-IP login limits count each client (TRUSTED_PROXY_COUNT), never the address a client
writes itself; and a reset asked for an unknown address sends nothing and reads like any other."""

import json
import os
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD
from tests.test_deploy_check import _explain, _manage

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the load balancer: every request reaches the app from here
ALICE, BRITA = "198.51.100.7", "198.51.100.8"  # two clients behind it


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def three_failures_per_ip(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}


def _log_in(client, email, password, forwarded_for):
    """A login as the proxy hands it on: the peer is the proxy, which appended the client's address."""
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _locked(response) -> bool:
    return response.status_code == 200 and "För många misslyckade inloggningsförsök" in response.content.decode()


def test_two_clients_behind_one_proxy_have_their_own_login_limits(
    client, volunteer, coordinator, settings, three_failures_per_ip
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _attempt in range(3):
        _log_in(client, "nobody@example.org", "fel-lösenord", ALICE)
    assert _locked(_log_in(client, volunteer.email, PASSWORD, ALICE))  # Alice's address is locked ...
    brita = _log_in(client, volunteer.email, PASSWORD, BRITA)  # ... Brita, behind the same proxy, is not
    assert brita.status_code == 302


def test_the_leftmost_forwarded_address_is_never_trusted(client, volunteer, settings, three_failures_per_ip):
    """A client writes X-Forwarded-For herself; the proxy appends what it saw. Changing the part she writes
    at each attempt must not give her a fresh bucket."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(3):
        _log_in(client, "nobody@example.org", "fel-lösenord", f"203.0.113.{n}, {ALICE}")
    assert _locked(_log_in(client, volunteer.email, PASSWORD, f"203.0.113.99, {ALICE}"))
    assert _locked(_log_in(client, volunteer.email, PASSWORD, BRITA + ", " + ALICE))


def test_without_the_setting_forwarded_for_is_ignored_and_the_peer_counts(
    client, volunteer, settings, three_failures_per_ip
):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # the default: nothing a client sends is believed
    for _attempt in range(3):
        _log_in(client, "nobody@example.org", "fel-lösenord", ALICE)
    assert _locked(_log_in(client, volunteer.email, PASSWORD, BRITA))  # one bucket: the proxy's


def test_trusted_proxy_count_comes_from_the_environment(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_CURRENT_TEST"}
    env.update(DEBUG="true", TRUSTED_PROXY_COUNT="2", DATABASE_URL=f"sqlite:///{tmp_path / 'proxy.sqlite3'}")
    code = "import json; from allauth import app_settings; print(json.dumps(app_settings.TRUSTED_PROXY_COUNT))"
    result = _manage(env, "shell", "-c", code)
    assert result.returncode == 0, _explain(result)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == 2


# --- Reset for an unknown address --------------------------------------------------------------------------


def _page_text(response) -> str:
    """The page as a person reads it: no per-request tokens (CSRF, CSP nonce)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


def test_a_reset_for_an_unknown_address_sends_no_mail_and_reads_like_a_known_one(client, volunteer):
    known = client.post(reverse("account_reset_password"), {"email": volunteer.email}, follow=True)
    assert [m.to for m in mail.outbox] == [[volunteer.email]]
    mail.outbox.clear()

    unknown = client.post(reverse("account_reset_password"), {"email": "okand@example.org"}, follow=True)
    assert mail.outbox == []  # no "sign up" offer (sign-up is closed), no mail at all
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.status_code == known.status_code == 200
    assert _page_text(unknown) == _page_text(known)
