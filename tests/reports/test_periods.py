"""Report periods: months, quarters, UK financial years and custom dates, with the one before."""

from datetime import date

import pytest

from app.reports import periods


@pytest.mark.parametrize(
    ("code", "first", "last", "label", "previous"),
    [
        ("2026-07", date(2026, 7, 1), date(2026, 7, 31), "Jul 2026", "2026-06"),
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31), "Jan 2026", "2025-12"),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "Jul–Sep 2026", "2026-Q2"),
        ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), "Jan–Mar 2026", "2025-Q4"),
        ("FY2026", date(2026, 4, 1), date(2027, 3, 31), "Financial year 2026–27", "FY2025"),
        (
            "2026-07-10..2026-07-19",
            date(2026, 7, 10),
            date(2026, 7, 19),
            "10 Jul 2026 to 19 Jul 2026",
            "2026-06-30..2026-07-09",
        ),
    ],
)
def test_periods_read_and_step_back(code, first, last, label, previous):
    period = periods.parse(code)
    assert (period.first, period.last, period.label) == (first, last, label)
    assert period.previous().code == previous
    assert periods.parse(period.code) == period


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Choose a period"),
        ("2026-13", "not a real date"),
        ("2026-Q5", "not a period"),
        ("soon", "not a period"),
        ("2026-09-01..2026-08-01", "before its start"),
        ("2000-01-01..2026-01-01", "at most ten years"),
    ],
)
def test_bad_periods_are_refused_plainly(code, message):
    with pytest.raises(periods.PeriodError, match=message):
        periods.parse(code)


def test_financial_year_runs_april_to_march():
    assert periods.financial_year_of(date(2026, 3, 31)).code == "FY2025"
    assert periods.financial_year_of(date(2026, 4, 1)).code == "FY2026"
