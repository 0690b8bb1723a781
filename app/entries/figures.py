"""The Overview's figures split at the start of today: history cached per process, today live.

Everything before today changes only when an entry recorded before today arrives late or any
entry is amended (voids and corrections). Each process keeps the history part of a figure in
a small bounded cache keyed by a *history version* read from the database on every refresh,
so several gunicorn processes need no invalidation between them: a process that sees a new
version simply misses. Today's part is read live on every refresh and added on; distinct
people stay exact because the history part keeps the set of person ids (per group for the
breakdowns) and today's ids are united with it. See docs/overview.md.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import case, func, or_, select

from app import local_time
from app.entries import counting
from app.entries.counting import STEP, STEP_KINDS, Counts, LocalDays, Tally
from app.entries.queries import _filters, effective
from app.extensions import db, plain_rows
from app.models import Activity, Entry, Outcome, User
from app.models.clock import utcnow

# The same window as the log's version: an entry stamped a moment before another but
# committed after it would not move the newest received_at; its count in the last hour does.
RECENT_WINDOW = timedelta(hours=1)
# History parts kept per process: a few filter combinations for a few organisations.
CACHE_SIZE = 64

GROUPS = {
    "outcome": (Outcome, "No outcome (contacts and notes)"),
    "activity": (Activity, "No activity given"),
    "worker": (User, ""),
}


@dataclass
class Aggregate:
    """A period's tally with the same split by outcome, activity and worker."""

    total: Tally = field(default_factory=Tally)
    groups: dict = field(default_factory=lambda: {name: {} for name in GROUPS})


@dataclass
class Row:
    """One line of a breakdown: a name with its steps, contacts and distinct people."""

    id: int | None
    name: str
    steps: int
    contacts: int
    people: int


def _cache() -> tuple[OrderedDict, threading.Lock]:
    """This app's history cache (one per process; threads share it under a lock)."""
    return current_app.extensions.setdefault(
        "stepladder_dashboard_history", (OrderedDict(), threading.Lock())
    )


def history_version(organisation_id: int, today_start: datetime) -> tuple:
    """What changes whenever the log before today does: the newest arrival that is recorded
    before today or amends an entry, and the count of such arrivals in the last hour. Read
    backwards along ix_entry_org_received, stopping at the first such entry (only today's
    own arrivals are stepped over)."""
    touches_history = or_(Entry.recorded_at < today_start, Entry.amends_id.is_not(None))
    newest = (
        select(Entry.received_at)
        .where(Entry.organisation_id == organisation_id, touches_history)
        .order_by(Entry.received_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    recent = (
        select(func.count())
        .select_from(Entry)
        .where(
            Entry.organisation_id == organisation_id,
            Entry.received_at >= utcnow() - RECENT_WINDOW,
            touches_history,
        )
        .scalar_subquery()
    )
    return tuple(db.session.execute(select(newest, recent)).one())


class Figures:
    """One refresh's figures for one organisation and filter set: history from the cache (or
    the database on a miss), today's entries read once and added to every figure."""

    def __init__(self, organisation_id: int, today: date, **filters):
        self.organisation_id = organisation_id
        self.today = today
        self.filters = filters
        self.today_start = local_time.day_bounds(today, today)[0]
        self._version = None
        self._live = None
        self._today_parts: dict = {}

    def _conditions(self, start: datetime, end: datetime | None = None) -> list:
        """The shared counting conditions (effective, filters) over recorded_at in a range."""
        conditions = [
            Entry.organisation_id == self.organisation_id,
            Entry.recorded_at >= start,
            effective(),
            *_filters(**self.filters),
        ]
        if end is not None:
            conditions.append(Entry.recorded_at < end)
        return conditions

    def _cached(self, what: tuple, compute, empty):
        """The history part named by `what`, from the cache when the history is unchanged."""
        if self._version is None:
            self._version = history_version(self.organisation_id, self.today_start)
        filters = tuple(sorted(self.filters.items()))
        key = (self.organisation_id, filters, self.today, self._version, what)
        if self._version[0] is None:
            # Nothing was ever recorded before today nor amended: the history is empty.
            return empty
        store, lock = _cache()
        with lock:
            if key in store:
                store.move_to_end(key)
                return store[key]
        value = compute()
        with lock:
            store[key] = value
            while len(store) > CACHE_SIZE:
                store.popitem(last=False)
        return value

    def live_rows(self) -> list:
        """Today's effective entries (and any stamped later), read on every refresh."""
        if self._live is None:
            self._live = plain_rows(
                select(
                    Entry.outcome_id,
                    Entry.activity_id,
                    Entry.worker_id,
                    *counting.ROW_COLUMNS,
                ).where(*self._conditions(self.today_start))
            )
        return self._live

    def _history(self, start: datetime, end: datetime) -> Aggregate | None:
        """The aggregate of [start, end) before today, or None when it is all today or later."""
        end = min(end, self.today_start)
        if start >= end:
            return None
        return self._cached(
            ("aggregate", start, end), lambda: self._aggregate(start, end), Aggregate()
        )

    def _aggregate(self, start: datetime, end: datetime) -> Aggregate:
        """One pass over the covering index, each entry counted into the total and its
        outcome, activity and worker by the counting layer (visits need each entry's day)."""
        rows = plain_rows(
            select(
                Entry.outcome_id, Entry.activity_id, Entry.worker_id, *counting.ROW_COLUMNS
            ).where(*self._conditions(start, end))
        )
        return self._tally_rows(rows, start, end)

    def _tally_rows(self, rows, start: datetime, end: datetime) -> Aggregate:
        """Rows of (outcome, activity, worker, counting columns...) tallied into an Aggregate:
        each row into the total and its three groups, its local day found once for all four
        (a refresh tallies every entry of the day this way)."""
        found, days = Aggregate(), LocalDays(start, end)
        groups = [found.groups[name] for name in GROUPS]  # outcome, activity, worker
        for outcome_id, activity_id, worker_id, kind, at, person_id, *key in rows:
            day, key, ids = days.day_of(at), tuple(key), (outcome_id, activity_id, worker_id)
            found.total.add(kind, person_id, day, key)
            for group, group_id in zip(groups, ids, strict=True):
                tally = group.get(group_id)
                if tally is None:
                    tally = group[group_id] = Tally()
                tally.add(kind, person_id, day, key)
        return found

    def _today_part(self, start: datetime, end: datetime) -> Aggregate:
        """Today's entries that fall in [start, end), tallied the same way; today, this week
        and this month all start before today does, so they share one tally of today."""
        key = (max(start, self.today_start), end)
        if key not in self._today_parts:
            # Columns: outcome, activity, worker, then counting.ROW_COLUMNS (kind, at, ...).
            rows = [row for row in self.live_rows() if start <= row[4] < end]
            self._today_parts[key] = self._tally_rows(
                rows, self.today_start, max(end, self.today_start)
            )
        return self._today_parts[key]

    def counts(self, start: datetime, end: datetime) -> Counts:
        """Steps, contacts and distinct people in [start, end): history plus today."""
        history = self._history(start, end)
        today = self._today_part(start, end).total
        return (history.total if history else Tally()).combined(today)

    def breakdowns(self, start: datetime, end: datetime) -> dict[str, list[Row]]:
        """[start, end) grouped by outcome, activity and worker, busiest first."""
        history = self._history(start, end) or Aggregate()
        today = self._today_part(start, end)
        return {name: self._rows(name, history.groups[name], today.groups[name]) for name in GROUPS}

    def _rows(self, name: str, history: dict, today: dict) -> list[Row]:
        """Merge one breakdown's groups, name them, and order them as the database would:
        steps, then contacts, descending, then by name in the database's own collation."""
        model, unnamed = GROUPS[name]
        keys = set(history) | set(today)
        merged = {key: history.get(key, Tally()).combined(today.get(key)) for key in keys}
        named = [k for k in keys if k is not None]
        names = (
            db.session.execute(
                select(model.id, model.name).where(model.id.in_(named)).order_by(model.name)
            ).all()
            if named
            else []
        )
        rank = {row_id: i for i, (row_id, _) in enumerate(names)}
        label = dict(names)
        # A group without a name sorts as NULL does: first on SQLite, last on PostgreSQL.
        nulls = -1 if db.engine.dialect.name == "sqlite" else len(names)
        ordered = sorted(
            keys, key=lambda k: (-merged[k].steps, -merged[k].contacts, rank.get(k, nulls))
        )
        return [
            Row(k, label.get(k) or unnamed, merged[k].steps, merged[k].contacts, merged[k].people)
            for k in ordered
        ]

    def steps_per_week(self, weeks: int = 12) -> list[tuple[date, int]]:
        """Effective steps in each of the last `weeks` local weeks (Monday first), oldest
        first; weeks are cut in local time, so a step lands in the same week on every database
        and across clock changes."""
        this_monday = self.today - timedelta(days=self.today.weekday())
        mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
        bounds = [local_time.day_bounds(m, m + timedelta(days=6)) for m in mondays]
        history = {}
        if bounds[0][0] < self.today_start:
            history = self._cached(("weeks", tuple(bounds)), lambda: self._weeks(bounds), {})
        counts = dict(history)
        for _outcome, _activity, _worker, kind, at, *_ in self.live_rows():
            if not counting.counts_as(kind, STEP):
                continue
            for i, (start, end) in enumerate(bounds):
                if start <= at < end:
                    counts[i] = counts.get(i, 0) + 1
                    break
        return [(monday, counts.get(i, 0)) for i, monday in enumerate(mondays)]

    def _weeks(self, bounds: list[tuple[datetime, datetime]]) -> dict[int, int]:
        """Steps per week before today: one pass over the covering index, a CASE over the
        week bounds putting each step in its week."""
        week = case(
            *[(Entry.recorded_at < end, i) for i, (_, end) in enumerate(bounds)], else_=None
        ).label("week")
        end = min(bounds[-1][1], self.today_start)
        rows = db.session.execute(
            select(week, func.count())
            .where(Entry.kind.in_(STEP_KINDS), *self._conditions(bounds[0][0], end))
            .group_by(week)
        ).all()
        return dict(rows)


def cached_history(organisation_id: int, today: date, what: tuple, compute, empty):
    """Any history part beyond the figures (the attention list's latest entries), kept in the
    same per-process cache under the same history version: `compute()` on a miss, `empty`
    when nothing was ever recorded before today."""
    return Figures(organisation_id, today)._cached(what, compute, empty)
