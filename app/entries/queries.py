"""The one query layer over the entry log that pages, the dashboard, exports and reports share.

"Effective" entries are what the service counts: not a void, and not amended by a later
entry (a void cancels its target; a correction replaces it). Everything that counts uses
`effective()`, so no two screens can disagree about what happened.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from app.extensions import db
from app.models import Entry, Outcome, Person, Plan, Rung, caseload

_amender = aliased(Entry)

# An entry that reached the server this long after it happened was made offline and synced
# later: every screen flags it the same way ("arrived late").
LATE_ARRIVAL = timedelta(minutes=15)


def arrived_late(entry: Entry) -> bool:
    """True when the entry reached the server well after it was recorded (an offline phone)."""
    return entry.received_at is not None and entry.received_at - entry.recorded_at > LATE_ARRIVAL


def is_amended():
    """SQL: a later entry amends this one (voids or corrects it)."""
    return exists().where(_amender.amends_id == Entry.id)


def effective():
    """SQL condition for entries that count: not a void and not amended."""
    return and_(Entry.kind != "void", ~is_amended())


# --- time -------------------------------------------------------------------------------


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


def to_local(when: datetime) -> datetime:
    return when.replace(tzinfo=ZoneInfo("UTC")).astimezone(local_zone())


# --- people -------------------------------------------------------------------------------


def last_seen(person_column):
    """SQL: the time of a person's latest effective entry (a correlated subquery, indexed)."""
    # Newest first with LIMIT 1, not max(): the (person_id, recorded_at) index is read
    # backwards and stops at the first effective entry, where max() made PostgreSQL read
    # every entry of every person on the list (90 ms → 20 ms for a caseload of 230).
    return (
        select(Entry.recorded_at)
        .where(Entry.person_id == person_column, effective())
        .order_by(Entry.recorded_at.desc())
        .limit(1)
        .correlate_except(Entry, _amender)
        .scalar_subquery()
    )


def caseload_people(user, search: str = "", everyone: bool = False) -> list[tuple[Person, datetime | None]]:
    """A worker's people (or the organisation's), most recently seen first, with last-seen time."""
    last = last_seen(Person.id).label("last_seen")
    query = (
        select(Person, last)
        .where(Person.organisation_id == user.organisation_id, Person.status == "active")
    )
    if not everyone:
        query = query.join(caseload, caseload.c.person_id == Person.id).where(
            caseload.c.user_id == user.id
        )
    if search := search.strip():
        pattern = f"%{search.lower()}%"
        query = query.where(
            func.lower(Person.display_name).like(pattern) | func.lower(Person.reference).like(pattern)
        )
    query = query.order_by(last.desc().nulls_last(), Person.display_name)
    return list(db.session.execute(query.limit(500)).all())


# --- one person ---------------------------------------------------------------------------


def person_entries(person_id: int, limit: int | None = None) -> list[Entry]:
    """A person's whole log, newest first, voids and corrections included (the timeline)."""
    query = (
        select(Entry)
        .where(Entry.person_id == person_id)
        .options(
            joinedload(Entry.rung), joinedload(Entry.activity), joinedload(Entry.worker),
            joinedload(Entry.outcome),
        )
        .order_by(Entry.recorded_at.desc(), Entry.received_at.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def amended_ids(entries: list[Entry]) -> dict:
    """For a list of entries, which of them were amended, mapped to the amending entry's kind."""
    return {e.amends_id: e.kind for e in entries if e.amends_id is not None}


@dataclass
class Ladder:
    """An outcome as one person stands on it: rungs, the current rung, and the next ones."""

    plan: Plan
    outcome: Outcome
    rungs: list[Rung]
    current: Rung | None
    first: Rung | None
    reached: dict  # rung id -> first time it was reached

    @property
    def next_rungs(self) -> list[Rung]:
        if self.current is None:
            return self.rungs
        return [r for r in self.rungs if r.position > self.current.position]

    @property
    def rungs_climbed(self) -> int:
        if self.current is None or self.first is None:
            return 0
        live = [r.id for r in self.rungs]
        if self.current.id in live and self.first.id in live:
            return live.index(self.current.id) - live.index(self.first.id)
        return self.current.position - self.first.position


def step_history(person_id: int) -> list[Entry]:
    """A person's effective steps, oldest first."""
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.person_id == person_id, Entry.kind == "step", effective())
            .order_by(Entry.recorded_at)
        )
    )


def ladders(person: Person) -> list[Ladder]:
    """Each outcome the person works on, with their current rung (their latest step on it)."""
    steps = step_history(person.id)
    rungs_by_id = {}
    plans = sorted(person.plans, key=lambda p: (p.outcome.position, p.outcome.name))
    result = []
    for plan in plans:
        outcome = plan.outcome
        if outcome.retired:
            continue
        for rung in outcome.rungs:
            rungs_by_id[rung.id] = rung
        mine = [s for s in steps if s.outcome_id == outcome.id]
        reached: dict = {}
        for s in mine:
            reached.setdefault(s.rung_id, s.recorded_at)
        current = rungs_by_id.get(mine[-1].rung_id) if mine else None
        first = rungs_by_id.get(mine[0].rung_id) if mine else None
        result.append(Ladder(plan, outcome, outcome.live_rungs, current, first, reached))
    return result


# --- the organisation's log -----------------------------------------------------------------


def entries_between(organisation_id: int, start: datetime, end: datetime) -> Select:
    """Every entry (voids included) recorded in [start, end), for exports; oldest first."""
    return (
        select(Entry)
        .where(
            Entry.organisation_id == organisation_id,
            Entry.recorded_at >= start,
            Entry.recorded_at < end,
        )
        .order_by(Entry.recorded_at, Entry.received_at)
    )


def amended_map(organisation_id: int, ids) -> dict:
    """Of these entry ids, which were amended, mapped to the kind of the amending entry."""
    ids = list(ids)
    result = {}
    for chunk in range(0, len(ids), 500):
        # The organisation is checked on each row found, not searched through its index
        # (`+ 0`): SQLite without statistics would otherwise walk the organisation's whole
        # log (seconds at a million entries) instead of the few rows the amends_id index finds.
        rows = db.session.execute(
            select(Entry.amends_id, Entry.kind).where(
                Entry.organisation_id + 0 == organisation_id,
                Entry.amends_id.in_(ids[chunk : chunk + 500]),
            )
        )
        result.update({amends_id: kind for amends_id, kind in rows})
    return result


# --- counts ---------------------------------------------------------------------------------


@dataclass
class Counts:
    steps: int
    contacts: int
    people: int


def counts(organisation_id: int, start: datetime, end: datetime, **filters) -> Counts:
    """Steps, contacts (every effective entry but notes) and distinct people seen in [start, end)."""
    query = select(
        func.count().filter(Entry.kind == "step"),
        func.count().filter(Entry.kind != "note"),
        func.count(func.distinct(Entry.person_id)),
    ).where(
        Entry.organisation_id == organisation_id,
        Entry.recorded_at >= start,
        Entry.recorded_at < end,
        effective(),
        *_filters(**filters),
    )
    steps, contacts, people = db.session.execute(query).one()
    return Counts(steps, contacts, people)


def _filters(worker_id=None, activity_id=None, outcome_id=None) -> list:
    conditions = []
    if worker_id:
        conditions.append(Entry.worker_id == worker_id)
    if activity_id:
        conditions.append(Entry.activity_id == activity_id)
    if outcome_id:
        conditions.append(Entry.outcome_id == outcome_id)
    return conditions


def recent_entries(organisation_id: int, limit: int = 20, **filters) -> list[Entry]:
    """The newest entries by arrival, voids included, for a live feed."""
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.organisation_id == organisation_id, *_filters(**filters))
            .options(
                joinedload(Entry.person), joinedload(Entry.rung), joinedload(Entry.activity),
                joinedload(Entry.worker), joinedload(Entry.outcome),
            )
            .order_by(Entry.received_at.desc())
            .limit(limit)
        )
    )
