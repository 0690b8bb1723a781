"""The daily rollup (app/models/rollup.py) kept equal to the entry log, and checked against it.

The log is append-only, so every write is a delta: a new entry counts (unless it is a void)
and the entry it amends, if any, stops counting. Both deltas are applied in the flush that
writes the entry (`after_flush`), so the rollup commits or rolls back with it whichever path
wrote the entry: a tap, an offline batch, a group register, a correction, the demo. The
additions are one upsert per flush, an atomic add on both databases, so two workers recording
at once cannot lose a count. A late offline arrival lands on the day it was recorded, as the
log counts it; erasure blanks words, never what is counted.

`differences()` works the rollup out again from the log and lists where the two disagree
(`stepladder check-rollups`); `rebuild()` writes it from the log (the migration that made it,
and the benchmark generator, which writes the log in bulk).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, event, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.entries.counting import LocalDays
from app.entries.queries import effective
from app.extensions import db
from app.local_time import day_bounds, local_zone, to_local
from app.models import DailyRollup, Entry
from app.models.rollup import KEY

TABLE = DailyRollup.__table__

# The log's columns that make a rollup key (with the local day of recorded_at), and the
# values summed under it.
_ENTRY_COLUMNS = (
    Entry.organisation_id,
    Entry.recorded_at,
    Entry.person_id,
    Entry.worker_id,
    Entry.kind,
    Entry.activity_id,
    Entry.outcome_id,
    Entry.mode,
    Entry.session_id,
    Entry.minutes,
)


@dataclass
class Sums:
    """What one rollup row holds."""

    entries: int = 0
    minutes: int = 0
    first_at: datetime | None = None

    def add(self, minutes: int | None, at: datetime) -> None:
        self.entries += 1
        self.minutes += minutes or 0
        self.first_at = at if self.first_at is None else min(self.first_at, at)


def key_of(row, day: date) -> tuple:
    """The rollup key (KEY's order) of a log row (an Entry or a row of _ENTRY_COLUMNS)."""
    return (
        row.organisation_id,
        day,
        row.person_id,
        row.worker_id,
        row.kind,
        row.activity_id or 0,
        row.outcome_id or 0,
        row.mode or "",
        row.session_id or 0,
    )


def counts(kind: str) -> bool:
    """Whether an entry of `kind` is ever counted (a void never is)."""
    return kind != "void"


# --- kept in the entry's own transaction -----------------------------------------------------


def after_flush(session: Session, _context) -> None:
    """Apply the deltas of the entries this flush wrote (still listed in `session.new`)."""
    written = [obj for obj in session.new if isinstance(obj, Entry)]
    if not written:
        return
    connection = session.connection()
    zone = local_zone()
    _add(connection, _summed(written, lambda at: to_local(at, zone).date()))
    amended = [entry.amends_id for entry in written if entry.amends_id is not None]
    if amended:
        rows = connection.execute(select(*_ENTRY_COLUMNS).where(Entry.id.in_(amended))).all()
        _remove(connection, [row for row in rows if counts(row.kind)], zone)


def _summed(rows: Iterable, day_of) -> dict[tuple, Sums]:
    """The counted rows (entries, or log rows named like them) summed under their keys;
    `day_of(recorded_at)` is the local day."""
    found: dict[tuple, Sums] = {}
    for row in rows:
        if counts(row.kind):
            sums = found.setdefault(key_of(row, day_of(row.recorded_at)), Sums())
            sums.add(row.minutes, row.recorded_at)
    return found


def _add(connection, added: dict[tuple, Sums]) -> None:
    """Add each key's sums to its row, making the row when it is new (one statement)."""
    if not added:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(TABLE)
    new = statement.excluded
    earliest = func.least if connection.dialect.name == "postgresql" else func.min
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={
            "entries": TABLE.c.entries + new.entries,
            "minutes": TABLE.c.minutes + new.minutes,
            "first_at": earliest(TABLE.c.first_at, new.first_at),
        },
    )
    connection.execute(
        statement,
        [
            {**dict(zip(KEY, key, strict=True)), **vars(sums)}
            for key, sums in sorted(added.items(), key=lambda item: _order(item[0]))
        ],
    )


def _order(key: tuple) -> tuple:
    # Rows are written in one order by every transaction, so two that touch the same rows
    # take their locks in the same order and cannot deadlock on PostgreSQL.
    return tuple(str(part) for part in key)


def _remove(connection, rows: list, zone) -> None:
    """Take amended (or deleted) log rows out of their rollup rows."""
    for row in rows:
        key = key_of(row, to_local(row.recorded_at, zone).date())
        match = [TABLE.c[name] == value for name, value in zip(KEY, key, strict=True)]
        left = connection.scalar(
            update(TABLE)
            .where(*match)
            .values(entries=TABLE.c.entries - 1, minutes=TABLE.c.minutes - (row.minutes or 0))
            .returning(TABLE.c.entries)
        )
        if left == 0:
            connection.execute(delete(TABLE).where(*match))
        elif left is not None:
            # The row is locked by the update above, so this fresh read of the log sees every
            # entry committed to it meanwhile: its first time is the earliest still counted.
            first = connection.scalar(
                select(func.min(Entry.recorded_at)).where(*_log_match(key), effective())
            )
            connection.execute(update(TABLE).where(*match).values(first_at=first))


def _log_match(key: tuple) -> list:
    """SQL conditions on the log for the entries that fall under a rollup key."""
    values = dict(zip(KEY, key, strict=True))
    start, end = day_bounds(values["day"], values["day"])

    def optional(column, value, none):
        return column.is_(None) if value == none else column == value

    return [
        Entry.organisation_id == values["organisation_id"],
        Entry.recorded_at >= start,
        Entry.recorded_at < end,
        Entry.person_id == values["person_id"],
        Entry.worker_id == values["worker_id"],
        Entry.kind == values["kind"],
        optional(Entry.activity_id, values["activity_id"], 0),
        optional(Entry.outcome_id, values["outcome_id"], 0),
        optional(Entry.mode, values["mode"], ""),
        optional(Entry.session_id, values["session_id"], 0),
    ]


def init_app(app) -> None:
    if not event.contains(Session, "after_flush", after_flush):
        event.listen(Session, "after_flush", after_flush)


# --- for tools that delete log rows (the benchmarks clean up after themselves) ---------------


def forget(connection, ids: Iterable) -> None:
    """Before log rows are deleted (`ids`, and every entry amending one of them, which goes
    with them): take out of the rollup what they count, and put back what they amended.
    The app itself never deletes an entry."""
    ids = list(ids)
    going: dict = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        rows = connection.execute(
            select(Entry.id, Entry.amends_id, *_ENTRY_COLUMNS).where(
                Entry.id.in_(part) | Entry.amends_id.in_(part)
            )
        ).all()
        going.update((row.id, row) for row in rows)
    amended_ids = {row.amends_id for row in going.values() if row.amends_id is not None}
    zone = local_zone()
    counted = [r for r in going.values() if counts(r.kind) and r.id not in amended_ids]
    _remove(connection, counted, zone)
    back = [i for i in amended_ids if i not in going]
    rows = []
    for chunk in range(0, len(back), 500):
        rows += connection.execute(
            select(*_ENTRY_COLUMNS).where(Entry.id.in_(back[chunk : chunk + 500]))
        ).all()
    _add(connection, _summed(rows, lambda at: to_local(at, zone).date()))


# --- worked out again from the log -----------------------------------------------------------


def from_log(organisation_id: int | None = None) -> dict[tuple, Sums]:
    """The rollup as the log says it should be: every effective entry summed under its key."""
    conditions = [effective()]
    if organisation_id is not None:
        conditions.append(Entry.organisation_id == organisation_id)
    first, last = db.session.execute(
        select(func.min(Entry.recorded_at), func.max(Entry.recorded_at)).where(*conditions)
    ).one()
    if first is None:
        return {}
    rows = db.session.execute(
        select(*_ENTRY_COLUMNS).where(*conditions).execution_options(yield_per=10_000)
    )
    return _summed(rows, LocalDays(first, last).day_of)


def stored(organisation_id: int | None = None) -> dict[tuple, Sums]:
    """The rollup as it is stored."""
    query = select(
        *(TABLE.c[name] for name in KEY), TABLE.c.entries, TABLE.c.minutes, TABLE.c.first_at
    )
    if organisation_id is not None:
        query = query.where(TABLE.c.organisation_id == organisation_id)
    return {
        tuple(row[: len(KEY)]): Sums(*row[len(KEY) :])
        for row in db.session.execute(query.execution_options(yield_per=10_000))
    }


@dataclass(frozen=True)
class Difference:
    key: dict
    expected: Sums | None  # None: the log counts nothing there
    found: Sums | None  # None: the rollup has no row


def differences(organisation_id: int | None = None) -> list[Difference]:
    """Every rollup row that disagrees with the log, and every key the rollup is missing."""
    expected, found = from_log(organisation_id), stored(organisation_id)
    return [
        Difference(dict(zip(KEY, key, strict=True)), expected.get(key), found.get(key))
        for key in sorted(expected.keys() | found.keys(), key=_order)
        if expected.get(key) != found.get(key)
    ]


def rebuild(organisation_id: int | None = None) -> int:
    """Write the rollup afresh from the log (in the caller's transaction); the rows written."""
    statement = delete(TABLE)
    if organisation_id is not None:
        statement = statement.where(TABLE.c.organisation_id == organisation_id)
    db.session.execute(statement)
    rows = [
        {**dict(zip(KEY, key, strict=True)), **vars(sums)}
        for key, sums in from_log(organisation_id).items()
    ]
    for chunk in range(0, len(rows), 5_000):
        db.session.execute(TABLE.insert(), rows[chunk : chunk + 5_000])
    return len(rows)
