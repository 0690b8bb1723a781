"""One person's journey and one worker's week, read from the entry log.

Built on the primitives in `queries.py` so the timeline, the Overview and the export agree
on what counts (effective entries) and on what was voided or corrected.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import local_time, params
from app.entries.queries import LogFilters, newest_entries
from app.extensions import db
from app.models import KINDS, Entry, Person

TIMELINE_LIMIT = 500


@dataclass
class TimelineFilters(LogFilters):
    """A journey's timeline narrowed by kind, outcome, worker and dates (from the URL)."""

    kind: str | None = None

    @classmethod
    def from_args(cls, args) -> "TimelineFilters":
        """Read the filters; a value that is not a kind, an id or a date is dropped and named
        in `problems`, so the page says why it shows more than was asked for."""
        found = cls()
        kind = args.get("kind", "")
        found.kind = kind if kind in KINDS else None
        if kind and not found.kind:
            found.problems.append("That kind of entry is not one Stepladder records.")
        for name in ("outcome", "worker"):
            raw = args.get(name, "")
            row_id = params.parse_id(raw)
            setattr(found, f"{name}_id", row_id)
            if raw and not row_id:
                found.problems.append(f"That {name} was not found, so it is not applied.")
        try:
            found.first, found.last = params.parse_date_range(args.get("from"), args.get("to"))
        except params.ParamError as problem:
            found.problems.append(f"{problem} The dates are not applied.")
        return found

    @property
    def active(self) -> bool:
        return any((self.kind, self.outcome_id, self.worker_id, self.first, self.last))


def timeline(person: Person, filters: TimelineFilters) -> list[Entry]:
    """The person's log, newest first, voids and corrections included, narrowed by filters."""
    conditions = [Entry.person_id == person.id]
    if filters.kind:
        conditions.append(Entry.kind == filters.kind)
    if filters.outcome_id:
        conditions.append(Entry.outcome_id == filters.outcome_id)
    if filters.worker_id:
        conditions.append(Entry.worker_id == filters.worker_id)
    if filters.first or filters.last:
        start, end = local_time.day_bounds(
            filters.first or params.FIRST_DAY, filters.last or local_time.local_today()
        )
        conditions += [Entry.recorded_at >= start, Entry.recorded_at < end]
    return newest_entries(conditions, TIMELINE_LIMIT, also=(Entry.amends,))


def worker_week(worker_id: int, today: date, days: int = 7) -> list[Entry]:
    """A worker's own entries recorded in the last `days` local days, newest first."""
    start, end = local_time.day_bounds(today - timedelta(days=days - 1), today)
    return list(
        db.session.scalars(
            select(Entry)
            .where(
                Entry.worker_id == worker_id,
                Entry.recorded_at >= start,
                Entry.recorded_at < end,
            )
            .options(
                joinedload(Entry.person),
                joinedload(Entry.rung),
                joinedload(Entry.activity),
                joinedload(Entry.outcome),
            )
            .order_by(Entry.recorded_at.desc(), Entry.received_at.desc())
        )
    )
