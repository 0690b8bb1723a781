"""Targets belong to a funding period: a report for a shorter period compares with its share.

A funder's indicators' targets are for the whole funding period (`starts_on` to `ends_on`),
or per year (`target_basis` "year"). A report for a period compares with the pro-rata share:
the target × the days of the period inside the funding ÷ the days of the funding period (or
÷ 365 for a yearly target), and says so beside the target. With no funding dates the target
is compared as it was set, and the report says that too.
"""

from dataclasses import dataclass
from datetime import date

from app.reports.periods import Period

YEAR_DAYS = 365


@dataclass
class Share:
    """The target for one report period, and how it was worked out, in plain words."""

    target: float | None
    note: str = ""


def funded_days(funder, period: Period) -> int:
    """Days of `period` inside the funding (the whole period when no dates are set)."""
    first = max(period.first, funder.starts_on or period.first)
    last = min(period.last, funder.ends_on or period.last)
    return max((last - first).days + 1, 0)


def share(funder, period: Period, target: float | None) -> Share:
    """The target for `period`: the whole target's share for the days it covers."""
    if target is None:
        return Share(None)
    days = funded_days(funder, period)
    if getattr(funder, "target_basis", "funding") == "year":
        part = round(target * days / YEAR_DAYS, 1)
        return Share(
            part, f"Target {_tidy(target)} a year; {days} of {YEAR_DAYS} days: {_tidy(part)}"
        )
    if not (funder.starts_on and funder.ends_on):
        return Share(target, "The funding dates are not set, so the whole target is shown")
    whole = (funder.ends_on - funder.starts_on).days + 1
    if days == whole:
        return Share(target, "Target for the whole funding period")
    part = round(target * days / whole, 1)
    return Share(
        part,
        f"Target {_tidy(target)} for the whole funding period; this period covers {days} of its "
        f"{whole} days, so its share is {_tidy(part)}",
    )


def _tidy(number: float) -> str:
    return f"{number:g}"


def within_funding(funder, period: Period, today: date) -> bool:
    """True when a report for `period` can be offered: it has begun, and it overlaps the
    funding (a period before the funding began, or after it ended, is not offered)."""
    if period.first > today:
        return False
    if funder.starts_on and period.last < funder.starts_on:
        return False
    return not (funder.ends_on and period.first > funder.ends_on)
