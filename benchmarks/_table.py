"""The one table `make bench` prints at the end, gathered from every benchmark's figures.

A benchmark calls `record(what, median_ms=…, p95_ms=…, rps=…, queries=…, note=…)`; when BENCH_RESULTS names a
file (the Makefile sets it) the row is appended there as a JSON line, otherwise nothing happens. Run as a
script, `python benchmarks/_table.py FILE` prints the rows as one table. Not a benchmark itself (the Makefile
runs only benchmarks/[!_]*.py).
"""

from __future__ import annotations

import json
import os
import sys


def record(what: str, *, median_ms=None, p95_ms=None, rps=None, queries=None, note: str = "") -> None:
    path = os.environ.get("BENCH_RESULTS")
    if not path:
        return
    row = {"what": what, "median_ms": median_ms, "p95_ms": p95_ms, "rps": rps, "queries": queries, "note": note}
    with open(path, "a", encoding="utf-8") as results:
        results.write(json.dumps(row) + "\n")


def _cell(value, digits=1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def render(rows: list[dict]) -> str:
    header = ("what", "median ms", "p95 ms", "req/s", "queries", "note")
    table = [header] + [
        (
            row["what"],
            _cell(row.get("median_ms")),
            _cell(row.get("p95_ms")),
            _cell(row.get("rps")),
            _cell(row.get("queries")),
            row.get("note") or "",
        )
        for row in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(5)]
    lines = []
    for n, line in enumerate(table):
        cells = [line[0].ljust(widths[0])] + [line[i].rjust(widths[i]) for i in range(1, 5)]
        lines.append("  ".join(cells + [line[5]]).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  ----")
    return "\n".join(lines)


def main(path: str) -> int:
    try:
        with open(path, encoding="utf-8") as results:
            rows = [json.loads(line) for line in results if line.strip()]
    except FileNotFoundError:
        rows = []
    print(f"\n== all benchmarks ({os.cpu_count()} CPUs; figures are from this run)")
    print(render(rows) if rows else "(no figures recorded)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "var/bench/results.jsonl"))
