"""Small-count suppression (reports.suppression.protect): every value below 5 is hidden, and no hidden value can be
worked out by subtracting shown values from a total, along a row, a column, the total row or the total column,
however many subtractions are chained."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.suppression import THRESHOLD, Protected, protect


def full_grid(table, result: Protected, *, row_totals: bool):
    """(true values, shown values) of every position with the margins, and the lines that add up."""
    n_rows, n_cols = len(table), len(table[0])
    true, shown = {}, {}
    for r in range(n_rows):
        for c in range(n_cols):
            true[(r, c)], shown[(r, c)] = table[r][c], result.cells[r][c]
    for c in range(n_cols):
        true[(n_rows, c)], shown[(n_rows, c)] = sum(row[c] for row in table), result.column_totals[c]
    lines = [([(r, c) for r in range(n_rows)], (n_rows, c)) for c in range(n_cols)]
    if row_totals:
        for r in range(n_rows):
            true[(r, n_cols)], shown[(r, n_cols)] = sum(table[r]), result.row_totals[r]
            lines.append(([(r, c) for c in range(n_cols)], (r, n_cols)))
        true[(n_rows, n_cols)], shown[(n_rows, n_cols)] = sum(map(sum, table)), result.grand_total
        lines.append(([(n_rows, c) for c in range(n_cols)], (n_rows, n_cols)))
        lines.append(([(r, n_cols) for r in range(n_rows)], (n_rows, n_cols)))
    return true, shown, lines


def differencing_attack(shown, lines):
    """What an attacker learns by subtraction: repeatedly, a line with one unknown entry gives it away."""
    known = {position: value for position, value in shown.items() if value is not None}
    learnt = True
    while learnt:
        learnt = False
        for cells, total in lines:
            unknown = [position for position in [*cells, total] if position not in known]
            if len(unknown) != 1:
                continue
            [position] = unknown
            if position == total:
                known[position] = sum(known[cell] for cell in cells)
            else:
                known[position] = known[total] - sum(known[cell] for cell in cells if cell != position)
            learnt = True
    return known


def assert_safe(table, *, row_totals=True):
    result = protect(table, row_totals=row_totals)
    true, shown, lines = full_grid(table, result, row_totals=row_totals)
    for position, value in shown.items():
        assert value is None or value == true[position], "a shown value is the true value"
        if true[position] < THRESHOLD:
            assert value is None, f"{position}={true[position]} is below {THRESHOLD} but shown"
    for cells, total in lines:
        assert sum(shown[p] is None for p in [*cells, total]) != 1, "a line with one hidden entry gives it away"
    known = differencing_attack(shown, lines)
    for position, value in true.items():
        if value < THRESHOLD:
            assert position not in known, f"{position}={value} recovered by differencing"
    return result


def test_a_small_cell_is_hidden_and_so_is_a_second_one_in_its_column_and_row():
    result = assert_safe([[3, 40], [20, 30], [50, 60]])
    assert result.cells[0][0] is None
    # Its column: the next smallest shelter (20) hidden too, so the column total tells only 3 + 20.
    assert result.cells[1][0] is None
    # Its row: the row total would give 3 = total − 40, so 40 (the only other cell) goes too.
    assert result.cells[0][1] is None
    assert result.column_totals == [73, 130]


def test_differencing_across_the_total_row():
    # Column totals 2 and 50, grand total 52: shown, 2 = 52 − 50. The grand total or the 50 must go.
    result = assert_safe([[1, 25], [1, 25]])
    assert result.column_totals[0] is None
    assert result.column_totals[1] is None or result.grand_total is None


def test_differencing_across_per_shelter_rows():
    # One shelter with a small number: its row total minus its other cells would give it away.
    result = assert_safe([[100, 2], [200, 300], [150, 160]])
    assert result.cells[0][1] is None
    assert result.cells[0][0] is None or result.row_totals[0] is None
    # And down the column: the total minus the other shelters would give it away.
    assert sum(result.cells[r][1] is None for r in range(3)) >= 2 or result.column_totals[1] is None


def test_one_shelter_alone_hides_its_small_figures_totals_included():
    result = assert_safe([[3, 100]])
    assert result.cells == [[None, None]] and result.column_totals[0] is None


def test_every_count_below_five_is_hidden_zero_included():
    result = assert_safe([[0, 4, 5], [1, 9, 6]], row_totals=False)
    assert result.cells[0][:2] == [None, None] and result.cells[1][0] is None
    assert result.row_totals is None and result.grand_total is None


def test_columns_without_row_totals_suppress_down_each_column():
    result = assert_safe([[2], [40], [60]], row_totals=False)
    assert result.cells[0][0] is None and result.cells[1][0] is None and result.column_totals == [102]


def test_nothing_small_nothing_hidden():
    result = assert_safe([[10, 20], [30, 40]])
    assert result.cells == [[10, 20], [30, 40]] and result.row_totals == [30, 70]
    assert result.column_totals == [40, 60] and result.grand_total == 100


def test_an_empty_table():
    assert protect([], row_totals=False) == Protected(cells=[], row_totals=None, column_totals=[], grand_total=None)
    assert protect([]) == Protected(cells=[], row_totals=[], column_totals=[], grand_total=None)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        protect([[1, 2], [3]])
    with pytest.raises(ValueError):
        protect([[-1]])


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=40), min_size=cols, max_size=cols), min_size=1, max_size=8
        )
    ),
    st.booleans(),
)
def test_no_table_gives_a_small_value_away(table, row_totals):
    assert_safe(table, row_totals=row_totals)
