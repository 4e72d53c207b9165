"""docs/security.md names a test for every threat; this keeps the map from rotting: each named test must be one
pytest collects (a renamed or deleted test fails here), and every actor of the threat model has a section."""

import ast
import re
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
    # What pytest collects from a test file: its module-level `def test_…` functions (read from the source, not
    # by a second pytest run: that cost seconds for a list of names).
    collected = set()
    for path in files:
        tree = ast.parse((Path(settings.BASE_DIR) / path).read_text())
        assert Path(path).name.startswith("test_"), f"{path} is not a file pytest collects"
        collected |= {
            (path, node.name)
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
        }
    missing = sorted(f"{path}::{name}" for path, name in named - collected)
    assert not missing, f"docs/security.md names tests that pytest does not collect: {missing}"
