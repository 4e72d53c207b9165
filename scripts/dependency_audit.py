"""Dependency audit of requirements.lock: known vulnerabilities of the pinned versions, stated honestly.

Sources, best first (each is tried; the first that answers is used for a package):
1. OSV (api.osv.dev/v1/querybatch): vulnerabilities of every pinned version. This is what pip-audit uses.
2. PyPI's JSON API for the exact version (/pypi/<name>/<version>/json, pip-audit's other source).
3. PyPI's JSON API for the project (/pypi/<name>/json): its "vulnerabilities" list is for the LATEST release
   only, so it answers for pins that are the latest release; an older pin stays UNCHECKED (and is named).
   The same answer tells whether a pinned release was yanked.

Exit status: 1 when a known vulnerability (or a yanked pin) is found; 0 otherwise. When some packages could
not be checked, it says so in a line starting "NOT CHECKED" with their names: that is not a pass. Set
AUDIT_REQUIRE_COMPLETE=1 to make an incomplete audit fail too (exit 2).
"""

from __future__ import annotations

import json
import os
import re
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"
TIMEOUT = float(os.environ.get("AUDIT_TIMEOUT", "10"))
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;]+)")


def pins(lock: Path | None = None) -> list[tuple[str, str]]:
    found = []
    for line in (lock or LOCK).read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found.append((match.group(1).lower(), match.group(2)))
    return found


def _request(url: str, payload: dict | None = None) -> dict | None:
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (fixed https URLs)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError):
        return None


def osv_batch(packages: list[tuple[str, str]]) -> dict[tuple[str, str], list[str]] | None:
    queries = [{"package": {"name": name, "ecosystem": "PyPI"}, "version": version} for name, version in packages]
    answer = _request("https://api.osv.dev/v1/querybatch", {"queries": queries})
    if answer is None or "results" not in answer:
        return None
    return {
        package: [v["id"] for v in result.get("vulns", [])]
        for package, result in zip(packages, answer["results"], strict=True)
    }


def pypi_version(name: str, version: str) -> list[str] | None:
    answer = _request(f"https://pypi.org/pypi/{name}/{version}/json")
    if answer is None:
        return None
    return [v.get("id", "?") for v in answer.get("vulnerabilities", [])]


def pypi_project(name: str, version: str) -> tuple[list[str] | None, str | None, bool]:
    """(vulnerabilities if `version` is the latest release, else None; latest version; yanked?)"""
    answer = _request(f"https://pypi.org/pypi/{name}/json")
    if answer is None:
        return None, None, False
    latest = answer.get("info", {}).get("version")
    files = answer.get("releases", {}).get(version, [])
    yanked = bool(files) and all(f.get("yanked") for f in files)
    if latest != version:
        return None, latest, yanked
    return [v.get("id", "?") for v in answer.get("vulnerabilities", [])], latest, yanked


def _pypi_answer(name: str, version: str) -> tuple[list[str] | None, str, str | None, bool]:
    found = pypi_version(name, version)
    if found is not None:
        return found, "PyPI (version)", version, False
    found, latest, yanked = pypi_project(name, version)
    return found, "PyPI (latest release)", latest, yanked


def main() -> int:
    packages = pins()
    vulnerable: dict[str, list[str]] = {}
    yanked: list[str] = []
    unchecked: list[str] = []
    sources: dict[str, int] = {}

    by_osv = osv_batch(packages)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda pin: _pypi_answer(*pin), packages)) if by_osv is None else []
    for index, (name, version) in enumerate(packages):
        label = f"{name}=={version}"
        if by_osv is not None:
            found, source = by_osv[(name, version)], "OSV"
        else:
            found, source, latest, is_yanked = answers[index]
            if is_yanked:
                yanked.append(label)
            if found is None:
                newer = f", latest is {latest}" if latest else ", PyPI unreachable"
                unchecked.append(f"{label}{newer}")
                continue
        sources[source] = sources.get(source, 0) + 1
        if found:
            vulnerable[label] = found

    checked = len(packages) - len(unchecked)
    print(f"Dependency audit of {LOCK.name}: {len(packages)} pinned packages, {checked} checked", end="")
    print(" (" + ", ".join(f"{n} via {s}" for s, n in sorted(sources.items())) + ")" if sources else "")
    for label, ids in sorted(vulnerable.items()):
        print(f"VULNERABLE {label}: {', '.join(ids)}")
    for label in yanked:
        print(f"YANKED {label}")
    if unchecked:
        print(
            f"NOT CHECKED ({len(unchecked)}): no vulnerability data reachable for these versions "
            "(OSV and PyPI's per-version API did not answer; PyPI's project API covers only the latest release):"
        )
        for label in unchecked:
            print(f"  {label}")
    if vulnerable or yanked:
        return 1
    if unchecked:
        print("Dependency audit INCOMPLETE: no known vulnerability in the checked packages; the rest is unknown.")
        return 2 if os.environ.get("AUDIT_REQUIRE_COMPLETE") == "1" else 0
    print("Dependency audit: no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
