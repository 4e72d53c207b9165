"""Production settings, checked in a subprocess (config.settings, not the suite's tests.settings)."""

import json
import os
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings

from notices import push

PRODUCTION_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "DEBUG",
]


@pytest.fixture
def production_env(tmp_path):
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    # Nothing from the test run or the shell may soften the check.
    for name in ("SILENCED_SYSTEM_CHECKS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own thread (async.E001)
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        DEBUG="false",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        ALLOWED_HOSTS="jourplan.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        # A production installation signs push notices with its own key (without one, push is off: a warning).
        VAPID_PRIVATE_KEY=push.private_key_text(push.generate_private_key()),
        VAPID_SUBJECT="mailto:drift@jourplan.example.org",
    )
    return env


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _explain(result) -> str:
    return f"exit code {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def test_check_deploy_has_no_warnings(production_env):
    result = _manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, _explain(result)


def test_production_security_settings(production_env):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {PRODUCTION_SETTINGS!r}}}))"
    )
    result = _manage(production_env, "shell", "-c", code)
    assert result.returncode == 0, _explain(result)
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"


def test_production_refuses_to_start_without_secret_key(production_env):
    # Note: a SECRET_KEY line in the project's .env file would be read and make this test fail.
    del production_env["SECRET_KEY"]
    result = _manage(production_env, "check")
    assert result.returncode != 0, _explain(result)
    assert "SECRET_KEY" in result.stderr, _explain(result)
