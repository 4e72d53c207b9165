"""Security headers, asserted on real responses of the production settings (DEBUG=False, in a subprocess
with config.settings rather than the suite's tests.settings)."""

import json

import pytest

from tests.test_deploy_check import _explain, _manage, production_env

# The database and the hashed static files' manifest, in one process. The tables come straight from the models
# (tests/test_migrations.py runs the migrations themselves). collectstatic with the manifest storage that
# production's whitenoise storage builds on: the same hashed names and staticfiles.json, without the gzip and
# Brotli copies, which cost seconds and are not what is tested here.
PREPARE = """
from django.contrib.staticfiles.management.commands.collectstatic import Command as CollectStatic
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
collect = CollectStatic()
collect.storage = ManifestStaticFilesStorage()
call_command(collect, interactive=False, verbosity=0)
"""

PROBE = """
import json
from django.test import Client
client = Client()
answers = {}
for path in ("/accounts/login/", "/healthz", "/ingen-jour/"):
    response = client.get(path, secure=True, HTTP_HOST="jourplan.example.org")
    answers[path] = {"status": response.status_code, "headers": dict(response.headers)}
    answers[path]["cookies"] = {
        name: {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"])}
        for name, morsel in response.cookies.items()
    }
plain = client.get("/accounts/login/", HTTP_HOST="jourplan.example.org")
answers["http"] = {"status": plain.status_code, "location": plain.headers.get("Location", "")}
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    where = tmp_path_factory.mktemp("production")
    env = production_env.__wrapped__(where)
    # As a deploy does: the pages need the hashed static files' manifest (a fresh clone has none).
    env["STATIC_ROOT"] = str(where / "static")
    done = _manage(env, "shell", "-c", PREPARE)
    assert done.returncode == 0, _explain(done)
    result = _manage(env, "shell", "-c", PROBE)
    assert result.returncode == 0, _explain(result)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_every_response_carries_the_security_headers(answers):
    for path in ("/accounts/login/", "/healthz", "/ingen-jour/"):
        headers = {name.lower(): value for name, value in answers[path]["headers"].items()}
        assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["cross-origin-opener-policy"] == "same-origin", path
        csp = dict((directive.split(" ", 1) + [""])[:2] for directive in headers["content-security-policy"].split("; "))
        assert csp["default-src"] == "'self'", path
        assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'", path  # no inline script or style
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'", path
        assert csp["base-uri"] == "'none'" and csp["form-action"] == "'self'", path


def test_the_login_page_is_served_and_plain_http_is_sent_to_https(answers):
    assert answers["/accounts/login/"]["status"] == 200
    assert answers["http"]["status"] == 301
    assert answers["http"]["location"] == "https://jourplan.example.org/accounts/login/"


def test_cookies_are_sent_over_https_only(answers):
    cookies = answers["/accounts/login/"]["cookies"]
    assert cookies["csrftoken"]["secure"] is True
