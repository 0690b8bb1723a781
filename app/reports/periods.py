"""Report periods: a month, a quarter, a UK financial year (April to March) or custom dates.

A period is written as a short string that fits in a URL and on a command line:
"2026-07" (a month), "2026-Q3" (a calendar quarter), "FY2026" (April 2026 to March 2027)
or "2026-07-01..2026-09-30" (custom, both days included).
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app import params

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# A report over more than ten years is almost certainly a typing mistake.
LONGEST = timedelta(days=3660)


class PeriodError(params.ParamError):
    """The period cannot be read; the message says why, in plain words."""


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter", "year" or "custom"
    first: date
    last: date  # included

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def code(self) -> str:
        """The short string that names this period (see the module docstring)."""
        return self._written()[0]

    @property
    def label(self) -> str:
        """The period in plain words, e.g. "Jul–Sep 2026" or "Financial year 2026–27"."""
        return self._written()[1]

    def _written(self) -> tuple[str, str]:
        """(code, label): each kind's two ways of writing it, side by side."""
        first, last = self.first, self.last
        if self.kind == "month":
            return f"{first:%Y-%m}", f"{MONTHS[first.month - 1]} {first.year}"
        if self.kind == "quarter":
            return (
                f"{first.year}-Q{(first.month - 1) // 3 + 1}",
                f"{MONTHS[first.month - 1]}–{MONTHS[last.month - 1]} {first.year}",
            )
        if self.kind == "year":
            return f"FY{first.year}", f"Financial year {first.year}–{str(first.year + 1)[2:]}"
        return f"{first.isoformat()}..{last.isoformat()}", f"{first:%-d %b %Y} to {last:%-d %b %Y}"

    def previous(self) -> "Period":
        """The period just before this one, of the same kind and length."""
        if self.kind == "month":
            return month(_shift_month(self.first, -1))
        if self.kind == "quarter":
            return quarter(_shift_month(self.first, -3))
        if self.kind == "year":
            return financial_year(self.first.year - 1)
        return Period(
            "custom", self.first - timedelta(days=self.days), self.first - timedelta(days=1)
        )


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month(day: date) -> Period:
    """The calendar month that holds `day`."""
    first = day.replace(day=1)
    return Period("month", first, _shift_month(first, 1) - timedelta(days=1))


def quarter(day: date) -> Period:
    """The calendar quarter that holds `day`."""
    first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Period("quarter", first, _shift_month(first, 3) - timedelta(days=1))


def financial_year(start_year: int) -> Period:
    """The UK financial year that starts on 1 April of `start_year`."""
    return Period("year", date(start_year, 4, 1), date(start_year + 1, 3, 31))


def financial_year_of(day: date) -> Period:
    return financial_year(day.year if day.month >= 4 else day.year - 1)


def custom(first: date, last: date) -> Period:
    """Custom dates, both days included; refused when back to front or absurdly long."""
    if last < first:
        raise PeriodError("The end of the period is before its start.")
    if last - first > LONGEST:
        raise PeriodError("A report can cover at most ten years.")
    return Period("custom", first, last)


# ASCII digits only: \d would also match other scripts' digits.
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")
_QUARTER = re.compile(r"^([0-9]{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^FY([0-9]{4})$", re.IGNORECASE)
_CUSTOM = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})\.\.([0-9]{4}-[0-9]{2}-[0-9]{2})$")


def parse(text: str | None) -> Period:
    """Read a period string ("2026-07", "2026-Q3", "FY2026", "2026-07-01..2026-09-30"); its
    years must lie within those the service covers (see app/params.py), so that the period
    before it can always be worked out too."""
    text = (text or "").strip()
    if not text:
        raise PeriodError("Choose a period for the report.")
    try:
        if match := _MONTH.match(text):
            params.check_year(int(match[1]), text)
            return month(date(int(match[1]), int(match[2]), 1))
        if match := _QUARTER.match(text):
            params.check_year(int(match[1]), text)
            return quarter(date(int(match[1]), (int(match[2]) - 1) * 3 + 1, 1))
        if match := _YEAR.match(text):
            params.check_year(int(match[1]), text)
            return financial_year(int(match[1]))
        if match := _CUSTOM.match(text):
            first, last = params.parse_date_range(match[1], match[2])
            return custom(first, last)
    except params.ParamError as problem:
        raise PeriodError(str(problem)) from None
    except ValueError:
        raise PeriodError(f"“{text[:40]}” is not a real date.") from None
    raise PeriodError(
        f"“{text[:40]}” is not a period Stepladder knows. Use a month (2026-07), a quarter "
        "(2026-Q3), a financial year (FY2026) or dates (2026-07-01..2026-09-30)."
    )


def choices(today: date, offered=None) -> list[tuple[str, list[Period]]]:
    """Recent periods to pick from, newest first, grouped by kind; only those `offered`
    (a test of a period) says may be, when given."""
    found = _recent(today)
    if offered is None:
        return found
    return [(kind, [p for p in options if offered(p)]) for kind, options in found]


def last_complete(today: date, offered=None) -> Period:
    """The default period: the last complete quarter that may be offered, else the last
    complete month, else (nothing complete yet) this quarter."""
    for _, options in _recent(today)[:2]:
        for period in options:
            if period.last < today and (offered is None or offered(period)):
                return period
    return quarter(today)


def _recent(today: date) -> list[tuple[str, list[Period]]]:
    """Recent periods, newest first, grouped by kind."""
    quarters, day = [], today
    for _ in range(8):
        quarters.append(quarter(day))
        day = quarters[-1].first - timedelta(days=1)
    months, day = [], today
    for _ in range(12):
        months.append(month(day))
        day = months[-1].first - timedelta(days=1)
    this_year = financial_year_of(today)
    years = [this_year, this_year.previous(), this_year.previous().previous()]
    return [("Quarters", quarters), ("Months", months), ("Financial years", years)]
