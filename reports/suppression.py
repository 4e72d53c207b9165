"""Small-count suppression for the federation's table: a pure function, no Django.

Every cell below THRESHOLD is hidden (primary suppression). Then, so that no hidden cell can be worked out by
subtraction, every "line" of the table — a row with its row total, a column with its column total, the total row
with the grand total, the total column with the grand total — that has exactly one hidden entry gets a second one
hidden (complementary suppression): the smallest shown cell of that line, or its total when no cell is left.
This repeats until no line has exactly one hidden entry, because a complementary cell can leave another line
with one. A line with two or more hidden entries gives only their sum, never one of them.

Totals are computed from all cells (hidden ones included): the true totals, shown only where safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Protected:
    """The table as it may be shown: None where a value is hidden. Without row totals (columns that are different
    measures and do not add up across a row) `row_totals` and `grand_total` are None."""

    cells: list[list[int | None]]
    row_totals: list[int | None] | None
    column_totals: list[int | None]
    grand_total: int | None


Position = tuple[int, int]  # (row, column) in the table with its margins: row == n_rows is the total row, etc.


def protect(table: Sequence[Sequence[int]], *, row_totals: bool = True, threshold: int = THRESHOLD) -> Protected:
    """Hide every value below `threshold`, then whatever more is needed so that no hidden value follows from the
    shown ones and the totals by adding or subtracting along a row or a column."""
    n_rows = len(table)
    n_cols = len(table[0]) if n_rows else 0
    if any(len(row) != n_cols for row in table):
        raise ValueError("every row needs the same number of columns")
    if any(value < 0 for row in table for value in row):
        raise ValueError("counts are never negative")
    values: dict[Position, int] = {(r, c): table[r][c] for r in range(n_rows) for c in range(n_cols)}
    for c in range(n_cols):
        values[(n_rows, c)] = sum(table[r][c] for r in range(n_rows))
    # Each line: (its cells, its total). The total row and column are lines of their own.
    lines: list[tuple[list[Position], Position]] = []
    for c in range(n_cols):
        lines.append(([(r, c) for r in range(n_rows)], (n_rows, c)))
    if row_totals:
        for r in range(n_rows):
            values[(r, n_cols)] = sum(table[r])
            lines.append(([(r, c) for c in range(n_cols)], (r, n_cols)))
        values[(n_rows, n_cols)] = sum(values[(r, c)] for r in range(n_rows) for c in range(n_cols))
        lines.append(([(n_rows, c) for c in range(n_cols)], (n_rows, n_cols)))
        lines.append(([(r, n_cols) for r in range(n_rows)], (n_rows, n_cols)))

    hidden = {position for position, value in values.items() if value < threshold}
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            if not cells:
                continue  # an empty table's totals are 0 and stay hidden; nothing else to protect
            members = [*cells, total]
            if sum(position in hidden for position in members) != 1:
                continue
            candidates = [position for position in cells if position not in hidden]
            # The smallest shown cell loses least; the line's total when every cell is hidden already.
            extra = min(candidates, key=lambda position: (values[position], position)) if candidates else total
            hidden.add(extra)
            changed = True

    def shown(position: Position) -> int | None:
        return None if position in hidden else values[position]

    return Protected(
        cells=[[shown((r, c)) for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[shown((r, n_cols)) for r in range(n_rows)] if row_totals else None,
        column_totals=[shown((n_rows, c)) for c in range(n_cols)],
        grand_total=shown((n_rows, n_cols)) if row_totals else None,
    )
