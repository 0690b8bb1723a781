"""Time as the database stores it."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC now: every timestamp is stored in UTC without a zone (SQLite has none)."""
    return datetime.now(UTC).replace(tzinfo=None)
