"""The one counting layer: what a step, a contact and a person supported are, defined once.

Every figure that counts entries — the Overview, My week, the person's journey, the funder
reports and their indicators, the checks on the export — counts through this module, so no
two screens can disagree about what happened.

Definitions
- An **effective entry** counts: not a void and not amended by a later entry
  (`queries.effective()`); it belongs to a period by its `recorded_at`, in local days.
- A **step** is an effective entry of a kind that counts as a step (`KIND_COUNTS` below).
- A **contact** is a visit: one person seen by the service on one local day counts once,
  however many steps, "seen today" taps or setbacks were made that day
  (`CONTACT_KEY`). A note alone is not a contact. A group session attended counts once
  for each person who attended it: their attendance is a `seen` entry, so it is their
  contact for that day (and a day with a visit and a session is still one contact).
  A did-not-attend (`dna`) is not a contact; it counts as a did-not-attend.
- A **person supported** is a distinct person with at least one effective entry of any kind
  in the period (PRODUCT.md's contract: notes included).

Public functions
- `Tally` — steps, visits, setbacks and people for a set of entries, built row by row with
  `Tally.add`; the Overview's cached history and live part are both Tallies.
- `LocalDays` — turns a UTC time into its local day quickly, for a range of days.
- `tally(conditions, start, end)` — one Tally for the effective entries matching the SQL
  conditions in [start, end).
- `tally_by(column, conditions, start, end)` — the same, one Tally per value of `column`.
- `moves_on_ladder()` — SQL: the entries that set where a person stands on a ladder (a step,
  or a setback going back to a named lower rung); distance travelled follows them.
- `tally_entries(entries, start, end)` — the same for entries already loaded (a person's).
- `counts(organisation_id, start, end, **filters)` — steps, contacts and people for an
  organisation, optionally narrowed to a worker, activity or outcome (My week, tests).
- `period_log(conditions, start, end, memo, rolled=...)` — the effective entries of
  [start, end) read once, in one statement (from the daily rollup where the period is whole
  local days), and kept for as long as `memo` lives (one report): every figure of a funder
  report counts from it, rather than each reading the period again.
"""

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, distinct, func, literal_column, select

# The definitions live in app/entries/kinds.py (the log's own queries read them too); they
# are the layer's words, so callers name them through it.
from app.entries.kinds import (  # noqa: F401
    CONTACT,
    CONTACT_KINDS,
    DID_NOT_ATTEND,
    DID_NOT_ATTEND_KINDS,
    KIND_COUNTS,
    LADDER_KINDS,
    SETBACK,
    SETBACK_KINDS,
    STEP,
    STEP_KINDS,
    counts_as,
    kinds_counting_as,
    moves_ladder,
    moves_on_ladder,
)
from app.entries.queries import _filters, effective
from app.extensions import plain_rows, plain_scalars
from app.local_time import day_bounds, to_local
from app.models import DailyRollup, Entry

# The columns, besides the local day, that tell one contact from another: a person seen
# twice on one day is one contact, however they were seen.
CONTACT_KEY = (Entry.person_id,)


class LocalDays:
    """The local days that cover [start, end): maps a naive-UTC time to its local day by a
    binary search over the days' UTC starts (clock changes included), much cheaper per row
    than a time-zone conversion."""

    def __init__(self, start: datetime, end: datetime):
        first = to_local(start).date() - timedelta(days=1)
        last = to_local(end).date() + timedelta(days=1)
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.starts = [day_bounds(day, day)[0] for day in self.days]

    def day_of(self, when: datetime) -> date:
        """The local day `when` (naive UTC) falls on."""
        index = bisect.bisect_right(self.starts, when) - 1
        return self.days[max(index, 0)]


@dataclass(frozen=True)
class Counts:
    """The three headline figures: steps, contacts (visits) and distinct people."""

    steps: int
    contacts: int
    people: int


@dataclass(frozen=True)
class Figures:
    """A Tally's numbers without its sets: what a report's table cell shows. A funder report
    counts these in SQL over the daily rollup (`PeriodLog.figures_by`), which never brings a
    period's rows into Python to put people into sets."""

    steps: int = 0
    contacts: int = 0
    setbacks: int = 0
    people: int = 0
    step_people: int = 0
    setback_people: int = 0


@dataclass
class Tally:
    """Steps, visits (contacts), setbacks and the people counted, for a set of entries."""

    steps: int = 0
    visits: set = field(default_factory=set)  # (contact key..., local day)
    setbacks: int = 0
    people: set = field(default_factory=set)
    setback_people: set = field(default_factory=set)
    step_people: set = field(default_factory=set)

    @property
    def contacts(self) -> int:
        return len(self.visits)

    def add(self, kind: str, person_id: int, day: date, key: tuple = (), entries: int = 1) -> None:
        """Count one effective entry of `kind` (or `entries` of them, a rollup row's), made for
        `person_id` on local `day`; `key` is the rest of its contact key (see CONTACT_KEY)
        beyond the person."""
        counted = KIND_COUNTS.get(kind, frozenset())
        self.people.add(person_id)
        if STEP in counted:
            self.steps += entries
            self.step_people.add(person_id)
        if SETBACK in counted:
            self.setbacks += entries
            self.setback_people.add(person_id)
        if CONTACT in counted:
            self.visits.add((person_id, *key, day))

    def counts(self) -> Counts:
        """The headline figures of this tally."""
        return Counts(self.steps, self.contacts, len(self.people))

    def figures(self) -> Figures:
        """The numbers of this tally, its sets counted."""
        return Figures(
            self.steps,
            len(self.visits),
            self.setbacks,
            len(self.people),
            len(self.step_people),
            len(self.setback_people),
        )

    def combined(self, other: "Tally | None") -> Counts:
        """The headline figures of this tally with another on top, without copying the
        (large, cached) sets of this one."""
        if other is None:
            return self.counts()
        visits = sum(1 for v in other.visits if v not in self.visits)
        people = sum(1 for p in other.people if p not in self.people)
        return Counts(
            self.steps + other.steps, len(self.visits) + visits, len(self.people) + people
        )


# The columns every counting read fetches, in the order `add_row` takes them.
ROW_COLUMNS = (Entry.kind, Entry.recorded_at, *CONTACT_KEY)


def _rows(conditions: list, start: datetime, end: datetime, *extra):
    """Effective entries matching `conditions` in [start, end): the counting columns only."""
    return plain_rows(
        select(*ROW_COLUMNS, *extra).where(
            *conditions, Entry.recorded_at >= start, Entry.recorded_at < end, effective()
        )
    )


def add_row(tally: Tally, days: LocalDays, kind: str, at: datetime, person_id, *key) -> None:
    """Count one fetched row (kind, recorded_at, contact key...) into `tally`."""
    tally.add(kind, person_id, days.day_of(at), key)


def tally(conditions: list, start: datetime, end: datetime) -> Tally:
    """One Tally of the effective entries matching the SQL `conditions` in [start, end)."""
    days, found = LocalDays(start, end), Tally()
    for kind, at, person_id, *key in _rows(conditions, start, end):
        add_row(found, days, kind, at, person_id, *key)
    return found


def tally_by(column, conditions: list, start: datetime, end: datetime) -> dict:
    """One Tally per value of `column` (e.g. Entry.activity_id) for the same entries."""
    days, found = LocalDays(start, end), {}
    for kind, at, person_id, *rest in _rows(conditions, start, end, column):
        *key, group = rest
        add_row(found.setdefault(group, Tally()), days, kind, at, person_id, *key)
    return found


def tally_entries(entries, start: datetime, end: datetime) -> Tally:
    """One Tally of already-loaded effective entries, those recorded in [start, end)."""
    days, found = LocalDays(start, end), Tally()
    for entry in entries:
        if start <= entry.recorded_at < end:
            key = tuple(getattr(entry, column.key) for column in CONTACT_KEY[1:])
            found.add(entry.kind, entry.person_id, days.day_of(entry.recorded_at), key)
    return found


def counts(organisation_id: int, start: datetime, end: datetime, **filters) -> Counts:
    """Steps, contacts and distinct people of an organisation's effective entries in
    [start, end), narrowed by worker_id, activity_id or outcome_id when given."""
    conditions = [Entry.organisation_id == organisation_id, *_filters(**filters)]
    return tally(conditions, start, end).counts()


# The columns a period's log reads, in this order: its rows are named by them (row.kind,
# row.recorded_at, row.person_id, ...), and `entries` says how many entries a row stands for.
LOG_COLUMNS = (
    Entry.kind,
    Entry.recorded_at,
    Entry.person_id,
    Entry.activity_id,
    Entry.outcome_id,
    Entry.mode,
    Entry.minutes,
    Entry.session_id,
    literal_column("1").label("entries"),
)

# The same, from the daily rollup: a row is the entries of one key on one day, its time the
# first of theirs, its minutes their sum; "none" read back as NULL, as the log has it.
_R = DailyRollup
ROLLUP_COLUMNS = (
    _R.kind,
    _R.first_at.label("recorded_at"),
    _R.person_id,
    func.nullif(_R.activity_id, 0).label("activity_id"),
    func.nullif(_R.outcome_id, 0).label("outcome_id"),
    func.nullif(_R.mode, "").label("mode"),
    _R.minutes,
    func.nullif(_R.session_id, 0).label("session_id"),
    _R.entries,
    _R.day,
)


class PeriodLog:
    """The effective entries in [start, end) of a scope, and what they count.

    A funder report asks some forty questions of each period (by activity, by outcome,
    contacts by mode, group attendances, ...), all of them of this one object, through the
    same definitions as everything else. When the period is whole local days (a report's
    always are) it reads the daily rollup (app/models/rollup.py), where voids and corrections
    are already applied and each row knows its day; otherwise the log, one row per entry.

    - `figures_by(column)` and `whole()`: steps, contacts, setbacks and people, per value of a
      column or all together. From the rollup they are counted in SQL (a sum and a distinct
      count per group, from the same kind table as `Tally.add`); from the log, by Tally.
    - `people()`: the ids of the people supported.
    - `dated()` (read on first use, in one statement): (row, local day) of the entries
      themselves, for the figures that follow each contact's first entry; rows named by
      LOG_COLUMNS, oldest first."""

    def __init__(
        self, conditions: list, start: datetime, end: datetime, rolled: list | None = None
    ):
        self._conditions, self._start, self._end = conditions, start, end
        days = whole_days(start, end)
        # The rollup's conditions for the period, when it is read from the rollup.
        self.rolled: list | None = None
        if rolled is not None and days is not None:
            self.rolled = [*rolled, _R.day >= days[0], _R.day <= days[1]]
        self._dated: list | None = None
        self._tallies: dict = {}
        self._figures: dict = {}
        self._people: set | None = None
        self._on_registers: list | None = None

    def dated(self) -> list[tuple]:
        """(row, local day) of every row in the period, oldest first, read on first use."""
        if self._dated is None:
            self._dated = list(zip(*self._read_where(), strict=True))
        return self._dated

    def _read_where(self, on_registers: bool = False) -> tuple[list, list]:
        """The period's rows and their local days (`on_registers`: those on a register)."""
        if self.rolled is not None:
            # Oldest first by each row's first entry: the order a contact's first mode and
            # first time are taken in, as the log's would be (rows of one time by their mode,
            # as `contacts.day_counts` breaks the tie).
            query = select(*ROLLUP_COLUMNS).where(*self.rolled)
            if on_registers:
                query = query.where(_R.session_id != 0)
            rows = plain_rows(query.order_by(_R.first_at, _R.mode))
            return rows, [row.day for row in rows]
        # Oldest first: the order of the (organisation, recorded_at) index the read walks.
        start, end = self._start, self._end
        query = (
            select(*LOG_COLUMNS)
            .where(*self._conditions, Entry.recorded_at >= start, Entry.recorded_at < end)
            .where(effective())
        )
        if on_registers:
            query = query.where(Entry.session_id.is_not(None))
        rows = plain_rows(query.order_by(Entry.recorded_at))
        day_of = LocalDays(start, end).day_of
        return rows, [day_of(row.recorded_at) for row in rows]

    def tally_by(self, column: str | None) -> dict:
        """One Tally per value of the rows' `column` (e.g. "activity_id"; None: one for every
        row, under None), worked out once. The contact key is the person alone
        (CONTACT_KEY), so none is passed on."""
        if column not in self._tallies:
            found: dict = {}
            for row, day in self.dated():
                group = getattr(row, column) if column else None
                part = found.get(group)
                if part is None:
                    part = found[group] = Tally()
                part.add(row.kind, row.person_id, day, entries=row.entries)
            self._tallies[column] = found
        return self._tallies[column]

    def figures_by(self, column: str) -> dict:
        """The Figures per value of `column` (e.g. "activity_id"), worked out once."""
        if column not in self._figures:
            if self.rolled is not None:
                self._figures[column] = _rolled_figures(self.rolled, _ROLLED[column])
            else:
                found = self.tally_by(column).items()
                self._figures[column] = {group: part.figures() for group, part in found}
        return self._figures[column]

    def whole(self) -> Figures:
        """The Figures of the whole period (a person or a visit once, whatever they did)."""
        if None not in self._figures:
            if self.rolled is not None:
                found = _rolled_figures(self.rolled, None).get(None, Figures())
            else:
                found = self.tally_by(None).get(None, Tally()).figures()
            self._figures[None] = found
        return self._figures[None]

    def people(self) -> set:
        """The ids of the people with an effective entry in the period."""
        if self._people is None:
            if self.rolled is not None:
                query = select(_R.person_id).where(*self.rolled).distinct()
                self._people = set(plain_scalars(query))
            else:
                self._people = {row.person_id for row, _ in self.dated()}
        return self._people

    def on_registers(self) -> list[tuple]:
        """(row, local day) of the entries made on a group session's register (few), once."""
        if self._on_registers is None:
            if self._dated is None:  # read those alone, not the whole period
                self._on_registers = list(zip(*self._read_where(on_registers=True), strict=True))
            else:
                self._on_registers = [(r, d) for r, d in self._dated if r.session_id is not None]
        return self._on_registers


# The rollup's columns by the names the log's rows have ("none" read back as NULL).
_ROLLED = {column.key: column for column in ROLLUP_COLUMNS}


def _rolled_figures(conditions: list, group) -> dict:
    """Figures per value of `group` (a ROLLUP_COLUMNS expression; None: one for everything,
    under None) of the rollup rows matching `conditions`, counted in SQL: `Tally.add`'s
    definitions (KIND_COUNTS, through `kinds_counting_as`) as sums and distinct counts."""
    step, setback, contact = (
        _R.kind.in_(kinds_counting_as(what)) for what in (STEP, SETBACK, CONTACT)
    )
    grouped = [] if group is None else [group.label("grouped")]

    def entries_where(condition):
        return func.sum(case((condition, _R.entries), else_=0))

    def any_where(condition):
        return func.max(case((condition, 1), else_=0))

    # First each person in each group (one pass over the period's rows), then the groups: a
    # person counts once in a group, and their visits there are the days they were seen.
    per_person = (
        select(
            *grouped,
            entries_where(step).label("steps"),
            entries_where(setback).label("setbacks"),
            any_where(step).label("stepped"),
            any_where(setback).label("set_back"),
            func.count(distinct(case((contact, _R.day)))).label("visits"),
        )
        .where(*conditions)
        .group_by(*([group] if grouped else []), _R.person_id)
        .subquery()
    )
    c = per_person.c
    query = select(
        *([c.grouped] if grouped else []),
        func.sum(c.steps),
        func.sum(c.visits),
        func.sum(c.setbacks),
        func.count(),
        func.sum(c.stepped),
        func.sum(c.set_back),
    )
    if grouped:
        query = query.group_by(c.grouped)
    found = {}
    for row in plain_rows(query):
        key, numbers = (row[0], row[1:]) if grouped else (None, row)
        if numbers[3]:  # no rows at all: no group
            found[key] = Figures(*(int(n) for n in numbers))
    return found


def whole_days(start: datetime, end: datetime) -> tuple[date, date] | None:
    """The first and last local day of [start, end) when it is exactly those whole days."""
    first = to_local(start).date()
    last = (to_local(end) - timedelta(microseconds=1)).date()
    return (first, last) if day_bounds(first, last) == (start, end) else None


def period_log(
    conditions: list,
    start: datetime,
    end: datetime,
    memo: dict | None = None,
    key=None,
    rolled: list | None = None,
) -> PeriodLog:
    """The PeriodLog of `conditions` in [start, end) (`rolled`: the same conditions on the
    daily rollup, read instead where the period is whole days); kept in `memo` under `key`
    (with the period) when given, so that one report reads each period once."""
    if memo is None:
        return PeriodLog(conditions, start, end, rolled)
    slot = ("period_log", key, start, end)
    if slot not in memo:
        memo[slot] = PeriodLog(conditions, start, end, rolled)
    return memo[slot]
