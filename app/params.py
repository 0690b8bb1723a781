"""Reading ids and dates from a request: one set of rules for every page, export and report.

An id is decimal digits naming a row a database integer column can hold; anything else names
no row. A date is YYYY-MM-DD within years the service can count in; anything else is refused
with a message that says why, so a mistyped link never turns into a server error.
"""

import re
from datetime import date

from flask import request
from werkzeug.routing import IntegerConverter

# The largest value of a 32-bit signed integer column (PostgreSQL's INTEGER); SQLite's is
# larger, but an id above this is never issued on either.
MAX_ID = 2**31 - 1
FIRST_YEAR, LAST_YEAR = 2000, 2100
# The year range as days, for an open-ended filter ("from" with no "to", or the reverse).
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)

_DIGITS = re.compile(r"[0-9]{1,10}")
_DATE = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}")


def is_replay() -> bool:
    """True when the phone's outbox sent this request (X-Stepladder-Replay): a tap made
    offline and sent later, answered in JSON, never with a page or a redirect."""
    return bool(request.headers.get("X-Stepladder-Replay"))


class ParamError(ValueError):
    """A request value cannot be read; the message says why, in plain words."""


def parse_id(value: str | None) -> int | None:
    """A row id: ASCII decimal digits from 1 to MAX_ID; None for anything else or nothing."""
    text = (value or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def check_year(year: int, text: str) -> None:
    """Refuse a year outside FIRST_YEAR..LAST_YEAR, naming the value that held it."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParamError(
            f"“{text[:40]}” is outside the years Stepladder covers: "
            f"give a date from {FIRST_YEAR} to {LAST_YEAR}."
        )


def parse_date(value: str | None) -> date | None:
    """A YYYY-MM-DD date from FIRST_YEAR to LAST_YEAR; None when blank; ParamError otherwise."""
    text = (value or "").strip()
    if not text:
        return None
    match = _DATE.fullmatch(text)
    if not match:
        raise ParamError(f"“{text[:40]}” is not a date: use YYYY-MM-DD, such as 2026-04-01.")
    check_year(int(match[1]), text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ParamError(f"“{text}” is not a real date.") from None


def parse_date_range(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    """Two optional dates, the first day and the last (both included); ParamError when either
    cannot be read or the last is before the first."""
    start, end = parse_date(first), parse_date(last)
    if start and end and end < start:
        raise ParamError("The end of the period is before its start.")
    return start, end


class IdConverter(IntegerConverter):
    """`<int:...>` in a URL, bounded to MAX_ID: a larger number names no row, so it is a 404
    rather than a query the database cannot run."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
