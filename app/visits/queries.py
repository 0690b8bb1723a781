"""Next visits and their state, worked out from the entry log: a visit is kept when an entry
is recorded for the person on its day (or later, if the worker came late); until then it is
due today, or overdue once its day has passed."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.entries.queries import latest_effective
from app.extensions import db
from app.local_time import to_local
from app.models import NextVisit, Person

KEPT, TODAY, OVERDUE, UPCOMING = "kept", "today", "overdue", "upcoming"


def state(visit: NextVisit | None, last_seen: datetime | None, today: date) -> str | None:
    """The visit's state, given the person's latest effective entry (naive UTC)."""
    if visit is None:
        return None
    if last_seen is not None and to_local(last_seen).date() >= visit.due_on:
        return KEPT
    if visit.due_on == today:
        return TODAY
    return OVERDUE if visit.due_on < today else UPCOMING


def overdue(organisation_id: int, today: date, limit: int = 20) -> list[tuple[Person, NextVisit]]:
    """Visits whose day has passed with no entry since, oldest first (the attention list)."""
    last = latest_effective(NextVisit.person_id).label("last_seen")
    rows = db.session.execute(
        select(Person, NextVisit, last)
        .join(Person, Person.id == NextVisit.person_id)
        .where(
            NextVisit.organisation_id == organisation_id,
            NextVisit.due_on < today,
            Person.status == "active",
        )
        .options(joinedload(NextVisit.worker))
        .order_by(NextVisit.due_on, Person.display_name)
        .limit(500)
    )
    found = [(p, v) for p, v, seen in rows if state(v, seen, today) == OVERDUE]
    return found[:limit]


def today_first(people: list, visits: dict[int, NextVisit], today: date) -> list:
    """My people's rows (person, last seen) with today's visits first, by time; others keep
    their order (most recently seen first)."""

    def due_today(row) -> bool:
        return state(visits.get(row[0].id), row[1], today) == TODAY

    first = sorted(
        (row for row in people if due_today(row)),
        key=lambda row: (visits[row[0].id].at is None, visits[row[0].id].at or 0),
    )
    return first + [row for row in people if not due_today(row)]
