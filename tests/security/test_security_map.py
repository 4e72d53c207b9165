"""docs/security.md names a test for every threat; this keeps the map from rotting: each named test must be
collected by pytest (a renamed or deleted test fails here), and every actor of the threat model has a section."""

import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "security.md"
NAMED = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def named_tests() -> set[tuple[str, str]]:
    return set(NAMED.findall(DOC.read_text()))


def test_the_threat_model_names_every_actor():
    text = DOC.read_text()
    for actor in (
        "### Outsider",
        "### Perpetrator with a stolen login",
        "### Stolen phone",
        "### Curious volunteer",
        "### Coordinator of another shelter",
        "### Broken import",
        "### Dying infrastructure",
    ):
        assert actor in text
    assert len(named_tests()) >= 60


def test_every_test_named_in_the_threat_model_exists():
    named = named_tests()
    files = sorted({path for path, _name in named})
    missing_files = [path for path in files if not (Path(settings.BASE_DIR) / path).is_file()]
    assert not missing_files, missing_files
    # --assert=plain: only the names are wanted, so the collection skips rewriting every module's asserts.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", "--assert=plain", *files],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    collected = {
        (node.split("::")[0], node.split("::")[1].split("[")[0]) for node in result.stdout.splitlines() if "::" in node
    }
    missing = sorted(f"{path}::{name}" for path, name in named - collected)
    assert not missing, f"docs/security.md names tests that pytest does not collect: {missing}\n{result.stderr[-2000:]}"
