"""Disclosure control: no count of 1–4 is shown, and no hidden value can be worked out by
subtraction from what is shown — across rows, columns, totals and the previous period."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app import disclosure
from app.disclosure import FEWER, HIDDEN, WITHHELD, Figure, average, count, protect, rate
from tests.fixtures.disclosure import possible_values, table_possible_values

# Derandomised: the same tables every run, so a failure is always reproducible.
SETTINGS = settings(max_examples=400, deadline=None, derandomize=True)


def assert_safe(lines: list[tuple[list[Figure], Figure]]) -> None:
    """No figure shown is 1–4, and in each line every hidden cell could take at least two
    values (its true value among them), given the cells shown and the total, shown or hidden
    by its word (a total of "fewer than 5" is 1 to 4: it bounds the cells too)."""
    for cells, total in lines:
        for figure in [*cells, total]:
            assert figure.shown is None or not 0 < figure.shown < 5
        for i, options in possible_values(cells, total).items():
            assert cells[i].value in options
            assert len(options) >= 2, (
                f"cell {i} of {[c.value for c in cells]} (total {total.value}) is recoverable "
                f"from {[c.text for c in cells]}, total {total.text}"
            )


def table_figures(values: list[list[int]]):
    """A two-way table's cells, row totals, column totals and grand total, as counts."""
    cells = [[count(v) for v in row] for row in values]
    row_totals = [count(sum(row)) for row in values]
    column_totals = [count(sum(column)) for column in zip(*values, strict=True)]
    return cells, row_totals, column_totals, count(sum(map(sum, values)))


def two_way_lines(cells, row_totals, column_totals, grand):
    """Every line of a two-way table: rows, columns, and both sets of margins to the total."""
    lines = [(row, total) for row, total in zip(cells, row_totals, strict=True)]
    lines += [
        (list(col), total)
        for col, total in zip(zip(*cells, strict=True), column_totals, strict=True)
    ]
    return lines + [(row_totals, grand), (column_totals, grand)]


def assert_table_safe(cells, row_totals, column_totals, grand) -> None:
    """No count of 1-4 is shown anywhere in the table, and every hidden cell could take at
    least two values given everything the table shows, all its lines at once."""
    for figure in [*(c for row in cells for c in row), *row_totals, *column_totals, grand]:
        assert figure.shown is None or not 0 < figure.shown < 5
    for (r, k), options in table_possible_values(cells, row_totals, column_totals, grand).items():
        assert cells[r][k].value in options
        assert len(options) >= 2, (
            f"cell {r},{k} of {[[c.value for c in row] for row in cells]} is recoverable from "
            f"{[[c.text for c in row] for row in cells]}, rows {[t.text for t in row_totals]}, "
            f"columns {[t.text for t in column_totals]}, total {grand.text}"
        )


def table_lines(values: list[list[int]]):
    """A table's cells with row totals, column totals and a grand total, all protected."""
    cells = [[count(v) for v in row] for row in values]
    row_totals = [count(sum(row)) for row in values]
    column_totals = [count(sum(column)) for column in zip(*values, strict=True)]
    grand = count(sum(map(sum, values)))
    lines = [(row, total) for row, total in zip(cells, row_totals, strict=True)]
    lines += [
        (list(col), total)
        for col, total in zip(zip(*cells, strict=True), column_totals, strict=True)
    ]
    lines += [(row_totals, grand), (column_totals, grand)]
    return lines


small_counts = st.integers(min_value=0, max_value=14)


@SETTINGS
@given(
    st.integers(min_value=1, max_value=3).flatmap(
        lambda width: st.lists(
            st.lists(small_counts, min_size=width, max_size=width), min_size=1, max_size=6
        )
    )
)
def test_no_hidden_cell_is_recoverable_from_rows_columns_or_totals(values):
    lines = table_lines(values)
    protect(lines)
    assert_safe(lines)


@SETTINGS
@given(
    st.tuples(st.integers(2, 3), st.integers(2, 3)).flatmap(
        lambda size: st.lists(
            st.lists(st.integers(0, 7), min_size=size[1], max_size=size[1]),
            min_size=size[0],
            max_size=size[0],
        )
    )
)
def test_no_hidden_cell_of_a_two_way_table_is_recoverable_from_rows_and_columns_together(values):
    """Row and column margins together: a cell each line alone leaves open may still be
    pinned down by solving the rows and columns at once. Tables of fewer than 5 people in all
    are among them: there the words alone ("fewer than 5", so at least 1) could pin a cell."""
    table = table_figures(values)
    protect(two_way_lines(*table))
    assert_table_safe(*table)


def test_a_table_whose_every_line_looks_safe_is_still_protected_from_rows_and_columns_together():
    """[[4, 3], [3, 5]] with its margins 7, 8 / 7, 8 / 15: hiding the 5 makes each row and each
    column safe on its own, yet together they pin every cell (the top-left is 3 or 4 by its
    row, and the 5 beside its column's 3 needs it to be 4). A margin must go as well."""
    table = table_figures([[4, 3], [3, 5]])
    cells, row_totals, column_totals, grand = table
    protect(two_way_lines(*table))
    assert [[c.hidden for c in row] for row in cells] == [[FEWER, FEWER], [FEWER, HIDDEN]]
    assert any(t.hidden for t in [*row_totals, *column_totals, grand])
    assert_table_safe(*table)


@SETTINGS
@given(
    st.lists(st.tuples(small_counts, small_counts), min_size=1, max_size=8),
)
def test_no_hidden_cell_is_recoverable_from_either_period_of_a_breakdown(pairs):
    """A demographic table: this period's and the previous period's columns, each adding up to
    that period's "People supported", which the report also shows."""
    now = [count(a) for a, _ in pairs]
    before = [count(b) for _, b in pairs]
    lines = [
        (now, count(sum(a for a, _ in pairs))),
        (before, count(sum(b for _, b in pairs))),
    ]
    protect(lines)
    assert_safe(lines)


@SETTINGS
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=6))
def test_no_hidden_cell_is_recoverable_beside_a_total_of_fewer_than_five(values):
    """Small breakdowns, most of them of fewer than 5 people in all, so that the total is
    itself "fewer than 5": a hidden cell must not be pinned down by the total's 1-4 and the
    at-least-1 of the words beside it, line by line or in a two-line table with its previous
    period."""
    earlier = [*values[1:], 0]  # the previous period: the same bands, other people
    line, before = [count(v) for v in values], [count(v) for v in earlier]
    lines = [(line, count(sum(values))), (before, count(sum(earlier)))]
    protect(lines)
    assert_safe(lines)


def test_four_people_in_four_bands_under_a_total_of_fewer_than_five_withhold_the_table():
    """Four bands of 1 under a total of 4: shown as "fewer than 5" four times beside a total of
    "fewer than 5", each band is at least 1 and together at most 4, so each is exactly 1. The
    whole table is withheld instead, its 0 too, with the reason; the total stays "fewer than
    5". Three bands of 1 (each could be 2) are safe as they are."""
    bands = [count(1), count(1), count(1), count(1), count(0)]
    total = count(4)
    protect([(bands, total)])
    assert [b.text for b in bands] == [WITHHELD] * 5
    assert all(b.shown is None and "fewer than 5 people in all" in b.reason for b in bands)
    assert total.text == FEWER
    assert_safe([(bands, total)])
    bands, total = [count(1), count(1), count(1), count(0)], count(3)
    protect([(bands, total)])
    assert [b.text for b in bands] == [FEWER, FEWER, FEWER, "0"]


def test_one_hidden_band_beside_an_exact_total_hides_a_second_band():
    """24 people, bands 12, 8 and 4: showing 12, 8 and 24 would give the 4 away."""
    bands = [count(12), count(8), count(4)]
    total = count(24)
    protect([(bands, total)])
    assert [b.text for b in bands] == ["12", HIDDEN, FEWER]
    assert total.text == "24"


def test_all_ones_with_a_total_hide_the_total():
    """Five people, one in each of five bands: every band is 1, so the total goes instead."""
    bands = [count(1) for _ in range(5)]
    total = count(5)
    protect([(bands, total)])
    assert total.hidden == HIDDEN
    assert all(b.hidden == FEWER for b in bands)


def test_a_small_previous_period_is_protected_on_its_own():
    now, before = [count(20), count(9)], [count(6), count(2)]
    protect([(now, count(29)), (before, count(8))])
    assert [f.text for f in now] == ["20", "9"]
    assert [f.text for f in before] == [HIDDEN, FEWER]


def test_an_average_over_fewer_than_five_is_withheld_never_written_as_a_count():
    assert average(1.5, 4).hidden == WITHHELD
    assert average(1.5, 4).shown is None
    assert average(1.5, 4).text == WITHHELD
    assert average(1.5, 5).text == "1.5"
    assert average(None, 0).text == ""


def test_zero_is_shown_and_one_to_four_are_not():
    assert [count(n).text for n in (0, 1, 4, 5)] == ["0", FEWER, FEWER, "5"]
    assert disclosure.count_words(1, "person", "people") == "fewer than 5 people"
    assert disclosure.count_words(7, "person", "people") == "7 people"


def test_a_rate_beside_a_hidden_count_is_hidden_with_it():
    """0.6 % did not attend out of 322 expected contacts is 2 people: the rate goes too."""
    assert rate(count(2), count(322)).hidden == HIDDEN
    assert rate(count(2), count(322)).shown is None
    assert rate(count(5), count(10)).text == "50"
    # 70 % of 10 is 7 shown, but leaves out 3 people: the rate and its base give them away.
    assert rate(count(7), count(10)).hidden == HIDDEN
    assert rate(count(10), count(10)).text == "100"
    assert rate(count(0), count(10)).text == "0"


def test_a_rate_whose_count_was_hidden_to_protect_another_is_hidden_too():
    cells, total = [count(12), count(8), count(4)], count(24)
    protect([(cells, total)])
    assert rate(cells[1], total).hidden == HIDDEN  # 8 was hidden beside the 4
    assert rate(cells[0], total).text == "50"
    assert rate(cells[0], Figure(24, HIDDEN)).hidden == HIDDEN


def test_a_rate_over_fewer_than_five_is_withheld_and_says_so():
    share = rate(count(1), count(4))
    assert share.hidden == WITHHELD and "rate" in share.reason
    assert rate(count(0), count(0)).text == ""
