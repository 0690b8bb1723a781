"""The service's local time: its zone, today, and the UTC bounds of its days.

Timestamps are stored in naive UTC (app/models/clock.py); people think in local days. Every
"today", "this week" and "per day" in the app goes through these helpers, so a visit at
00:30 in summer is counted on the day the worker lived it.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Naive-UTC [start, end) covering local days first..last inclusive."""
    zone = local_zone()
    start = datetime.combine(first, time.min, zone).astimezone(ZoneInfo("UTC"))
    end = datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(ZoneInfo("UTC"))
    return start.replace(tzinfo=None), end.replace(tzinfo=None)


def local_today() -> date:
    return datetime.now(local_zone()).date()


def to_local(when: datetime, zone: ZoneInfo | None = None) -> datetime:
    """`when` (naive UTC) in the local zone; `zone` when the caller has looked it up already
    for many times at once."""
    return when.replace(tzinfo=_UTC).astimezone(zone or local_zone())


_UTC = ZoneInfo("UTC")


def local_days_since(when: datetime, today: date) -> int:
    """Whole local calendar days from `when` (naive UTC) to `today` (0 = today)."""
    return (today - to_local(when).date()).days
