"""Supply chain and configuration: `make test` runs the security lint and the dependency audit, and the audit
never reports a pass it did not check."""

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)


def _audit_module():
    spec = importlib.util.spec_from_file_location("dependency_audit", BASE / "scripts" / "dependency_audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_test_runs_the_security_lint_and_the_dependency_audit():
    makefile = (BASE / "Makefile").read_text()
    prerequisites = re.search(r"^test:(.*)$", makefile, re.M).group(1).split()
    assert {"lint", "audit"} <= set(prerequisites)
    assert re.search(r"^lint:.*\n(\t.*\n)*\t\$\(VENV\)/bin/ruff check \.", makefile, re.M)
    assert re.search(r"^audit:.*\n\t\$\(PY\) scripts/dependency_audit\.py", makefile, re.M)
    lint = tomllib.loads((BASE / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "S" in lint["select"]  # flake8-bandit
    # Only these bandit rules are off, each for a stated reason (asserts in tests, mark_safe, random for jitter).
    assert {rule for rule in lint["ignore"] if rule.startswith("S")} <= {"S101", "S308", "S311"}


def test_the_code_passes_the_security_rules():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "S", "--ignore", "S101,S308,S311", "--quiet", "."],
        cwd=BASE,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def audit(monkeypatch, tmp_path):
    module = _audit_module()
    lock = tmp_path / "requirements.lock"
    lock.write_text(
        "django==5.2.19\n    # via jourplan\ncelery[redis]==5.5.3\nredis==6.4.0 ; python_version >= '3.9'\n"
    )
    monkeypatch.setattr(module, "LOCK", lock)
    monkeypatch.delenv("AUDIT_REQUIRE_COMPLETE", raising=False)
    return module


def _answers(monkeypatch, module, table):
    def request(url, payload=None):
        for prefix, answer in table.items():
            if url.startswith(prefix):
                return answer(url, payload) if callable(answer) else answer
        return None

    monkeypatch.setattr(module, "_request", request)


def test_nothing_reachable_is_reported_as_not_checked_never_as_a_pass(audit, monkeypatch, capsys):
    _answers(monkeypatch, audit, {})
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "3 pinned packages, 0 checked" in out
    assert "NOT CHECKED (3)" in out and "django==5.2.19, PyPI unreachable" in out
    assert "INCOMPLETE" in out and "no known vulnerabilities." not in out
    monkeypatch.setenv("AUDIT_REQUIRE_COMPLETE", "1")
    assert audit.main() == 2


def test_the_project_api_answers_only_for_the_latest_release(audit, monkeypatch, capsys):
    def project(url, payload):
        name = url.split("/")[4]
        latest = {"django": "6.1.3", "celery": "5.5.3", "redis": "6.4.0"}[name]
        vulns = [{"id": "PYSEC-2099-1"}] if name == "redis" else []
        return {"info": {"version": latest}, "releases": {}, "vulnerabilities": vulns}

    _answers(monkeypatch, audit, {"https://pypi.org/pypi/": project})
    monkeypatch.setattr(audit, "pypi_version", lambda name, version: None)  # the per-version API is gone
    assert audit.main() == 1
    out = capsys.readouterr().out
    assert "VULNERABLE redis==6.4.0: PYSEC-2099-1" in out
    assert "django==5.2.19, latest is 6.1.3" in out  # an older pin is named, not passed


def test_osv_is_used_for_every_pin_when_it_answers(audit, monkeypatch, capsys):
    def osv(url, payload):
        return {
            "results": [
                {"vulns": [{"id": "GHSA-x"}]} if q["package"]["name"] == "django" else {} for q in payload["queries"]
            ]
        }

    _answers(monkeypatch, audit, {"https://api.osv.dev/": osv})
    assert audit.main() == 1
    out = capsys.readouterr().out
    assert "3 checked (3 via OSV)" in out and "VULNERABLE django==5.2.19: GHSA-x" in out
