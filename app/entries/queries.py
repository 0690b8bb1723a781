"""The one query layer over the entry log that pages, the Overview, exports and reports share.

"Effective" entries are what the service counts: not a void, and not amended by a later
entry (a void cancels its target; a correction replaces it). Everything that counts uses
`effective()`, so no two screens can disagree about what happened.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased, joinedload

from app.entries import kinds
from app.extensions import db, plain_rows
from app.models import Entry, Outcome, Person, Plan, Rung, caseload

_amender = aliased(Entry)

# An entry that reached the server this long after it happened was made offline and synced
# later: every screen flags it the same way ("sent later from an offline phone").
LATE_ARRIVAL = timedelta(minutes=15)


@dataclass
class LogFilters:
    """What a page of the log is narrowed to (from the URL): the parts every such page has.

    Dates are local days, both included; `problems` names each value that was not applied,
    so the page says why it shows more than was asked for.
    """

    worker_id: int | None = None
    outcome_id: int | None = None
    first: date | None = None
    last: date | None = None
    problems: list[str] = field(default_factory=list)


def arrived_late(entry: Entry) -> bool:
    """True when the entry reached the server well after it was recorded (an offline phone).
    A correction or removal is never flagged: it keeps the time of the event it corrects, so
    an office correction made days later is not a phone that was offline."""
    if entry.amends_id is not None:
        return False
    return entry.received_at is not None and entry.received_at - entry.recorded_at > LATE_ARRIVAL


def is_amended():
    """SQL: a later entry amends this one (voids or corrects it)."""
    return exists().where(_amender.amends_id == Entry.id)


def effective():
    """SQL condition for entries that count: not a void and not amended."""
    return and_(Entry.kind != "void", ~is_amended())


# --- people -------------------------------------------------------------------------------


def latest_effective(person_column, column=Entry.recorded_at, before: datetime | None = None):
    """SQL: `column` of a person's latest effective entry (its time unless told otherwise), as
    a scalar subquery correlated to `person_column` (or for one person id); with `before`,
    the latest recorded before that instant."""
    # Newest first with LIMIT 1 on recorded_at alone, not max() and no second sort key: the
    # (person_id, recorded_at) index is read backwards and stops at the first effective
    # entry, where max() made PostgreSQL read every entry of every person on the list
    # (90 ms → 20 ms for a caseload of 230) and a second key would sort them all.
    return (
        select(column)
        .where(
            Entry.person_id == person_column,
            effective(),
            *([Entry.recorded_at < before] if before is not None else []),
        )
        .order_by(Entry.recorded_at.desc())
        .limit(1)
        .correlate_except(Entry, _amender)
        .scalar_subquery()
    )


def last_seen_at(person_id: int) -> datetime | None:
    """The time of one person's latest effective entry, or None if never seen."""
    return db.session.scalar(select(latest_effective(person_id)))


def caseload_people(
    user, search: str = "", everyone: bool = False
) -> list[tuple[Person, datetime | None]]:
    """A worker's people (or the organisation's), most recently seen first, with last-seen time."""
    last = latest_effective(Person.id).label("last_seen")
    # Waiting people are on their key worker's caseload too: the first contact ends the wait.
    query = select(Person, last).where(
        Person.organisation_id == user.organisation_id,
        Person.status.in_(("active", "waiting")),
    )
    if not everyone:
        query = query.join(caseload, caseload.c.person_id == Person.id).where(
            caseload.c.user_id == user.id
        )
    if search := search.strip():
        pattern = f"%{search.lower()}%"
        query = query.where(
            func.lower(Person.display_name).like(pattern)
            | func.lower(Person.reference).like(pattern)
        )
    query = query.order_by(last.desc().nulls_last(), Person.display_name)
    return list(db.session.execute(query.limit(500)).all())


def active_people(organisation_id: int) -> list:
    """(id, created_at, status, closed_on) of every active person of the organisation, as
    plain columns: the attention list asks something of each of them (not seen for a while,
    a measure overdue), and reads them once for all it asks."""
    return plain_rows(
        select(Person.id, Person.created_at, Person.status, Person.closed_on).where(
            Person.organisation_id == organisation_id, Person.status == "active"
        )
    )


# --- one person ---------------------------------------------------------------------------


# What a line of the log shows beside the entry, loaded with it rather than one query a line.
LINE_LOADS = (Entry.rung, Entry.activity, Entry.worker, Entry.outcome)


def newest_entries(conditions: list, limit: int | None = None, also=()) -> list[Entry]:
    """Entries meeting `conditions`, newest first by when they happened (then by arrival),
    voids and corrections included, each with what its line shows and `also` loaded."""
    query = (
        select(Entry)
        .where(*conditions)
        .options(*(joinedload(relation) for relation in (*LINE_LOADS, *also)))
        .order_by(Entry.recorded_at.desc(), Entry.received_at.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def person_entries(person_id: int, limit: int | None = None) -> list[Entry]:
    """A person's whole log, newest first, voids and corrections included (the timeline)."""
    return newest_entries([Entry.person_id == person_id], limit)


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
    def lower_rungs(self) -> list[Rung]:
        """The rungs below the current one: tapping one asks before going back."""
        if self.current is None:
            return []
        return [r for r in self.rungs if r.position < self.current.position]

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


def ladder_entries(person_id: int, every_kind: bool = False) -> list[Entry]:
    """A person's effective steps and setbacks (or, with `every_kind`, all their effective
    entries), oldest first: one read for the ladders and the journey's charts and counts."""
    conditions = [Entry.person_id == person_id, effective()]
    if not every_kind:
        conditions.append(Entry.kind.in_(kinds.LADDER_KINDS))
    return list(
        db.session.scalars(
            select(Entry).where(*conditions).order_by(Entry.recorded_at, Entry.received_at)
        )
    )


def ladders(person: Person, entries: list[Entry] | None = None) -> list[Ladder]:
    """Each outcome the person works on, with their current rung (their latest step on it).
    `entries` are the person's `ladder_entries`, when the caller has read them already."""
    if entries is None:
        entries = ladder_entries(person.id)
    steps = [e for e in entries if kinds.counts_as(e.kind, kinds.STEP)]
    # Where a person stands: their latest step, or a later going back to a lower rung (a
    # setback that names the rung).
    moves = [e for e in entries if kinds.moves_ladder(e)]
    rungs_by_id = {}
    # Plans, their outcomes and every rung in one statement, not a query per plan and outcome.
    person_plans = db.session.scalars(
        select(Plan)
        .where(Plan.person_id == person.id)
        .options(joinedload(Plan.outcome).joinedload(Outcome.rungs))
    ).unique()
    plans = sorted(person_plans, key=lambda p: (p.outcome.position, p.outcome.name))
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
        placed = [m for m in moves if m.outcome_id == outcome.id]
        current = rungs_by_id.get(placed[-1].rung_id) if placed else None
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


def amender_of(entry_id) -> Entry | None:
    """The entry that voids or corrects this one, if any (at most one: a unique key)."""
    return db.session.scalar(select(Entry).where(Entry.amends_id == entry_id).limit(1))


# --- filters ---------------------------------------------------------------------------------


def _filters(worker_id=None, activity_id=None, outcome_id=None) -> list:
    """SQL conditions narrowing entries to a worker, activity or outcome (those given)."""
    conditions = []
    if worker_id:
        conditions.append(Entry.worker_id == worker_id)
    if activity_id:
        conditions.append(Entry.activity_id == activity_id)
    if outcome_id:
        conditions.append(Entry.outcome_id == outcome_id)
    return conditions
