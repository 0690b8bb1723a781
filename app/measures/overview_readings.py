"""The organisation's measure readings, read once for the supervisor's Overview.

The Overview shows three things drawn from every effective reading of the measures switched
on: each person's first and latest reading of each measure (the paired figures), how many
readings each person has (the follow-up rates) and when their latest was taken (who is
overdue). One read of plain columns serves all three, where each used to read every reading
of the organisation again, once per measure.

"First" and "latest" go by the time recorded, then by entry id, so equal times always pair
the same two readings. Readings recorded before today come from the per-process history
cache under the log's history version (app/entries/figures.py), which moves whenever a
reading recorded before today arrives late or any entry is amended; today's readings are
read live on every request and added on, so a reading taken today shows at once.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import String, case, null, select, type_coerce
from sqlalchemy.orm import aliased

from app import local_time
from app.entries import figures
from app.entries.queries import effective
from app.extensions import plain_rows
from app.measures import catalogue
from app.measures.definitions import Definition
from app.measures.reporting import Reading, Summary, summarise
from app.models import Entry, MeasurePlan, MeasureReading


@dataclass(frozen=True)
class Track:
    """One person's effective readings of one measure: the first, the latest and how many.
    `first_order` and `latest_order` are (recorded_at, entry id), the order they were picked by."""

    first: Reading
    latest: Reading
    count: int
    first_order: tuple
    latest_order: tuple


Tracks = dict[str, dict[int, Track]]  # measure key → person id → their track

_ALL_TIME = (datetime.min, datetime.max)


@dataclass(frozen=True)
class OrganisationReadings:
    """The measures switched on (`catalogue.plans`, in name order) and each person's track of
    each of them, read once for a page and passed to whatever draws from them."""

    organisation_id: int
    today: date
    plans: list[tuple[MeasurePlan, Definition]]
    tracks: Tracks = field(default_factory=dict)
    # measure key → the entry ids of today's readings, in order: with the history version
    # they name the readings the figures are worked from.
    today_ids: dict[str, tuple] = field(default_factory=dict)

    @classmethod
    def read(cls, organisation_id: int, today: date | None = None) -> "OrganisationReadings":
        """The plans and every effective reading of them: history before `today` (local) from
        the process's cache while it is unchanged, today's readings from the database."""
        today = today or local_time.local_today()
        plans = catalogue.plans(organisation_id)
        if not plans:
            return cls(organisation_id, today, plans)
        keys = tuple(definition.key for _plan, definition in plans)
        # Only measures reported item by item read their parts (app/measures/reporting.py).
        itemised = tuple(d.key for _plan, d in plans if d.scoring["rule"] == "items")
        today_start = local_time.day_bounds(today, today)[0]
        history = figures.cached_history(
            organisation_id,
            today,
            ("measure tracks", keys, itemised),
            lambda: _tracks(
                _rows(organisation_id, keys, itemised, Entry.recorded_at < today_start)
            ),
            {},
        )
        # Today's readings by the ids of today's measure entries, found along the entries'
        # (organisation, recorded_at) index: joined directly, SQLite's planner reads every
        # reading of the organisation to find the few of today.
        todays = aliased(Entry)
        today_ids = select(todays.id).where(
            todays.organisation_id == organisation_id,
            todays.recorded_at >= today_start,
            todays.kind == "measure",
        )
        live = _rows(organisation_id, keys, itemised, MeasureReading.entry_id.in_(today_ids))
        ids: dict[str, list] = {}
        for row in live:
            ids.setdefault(row[1], []).append(row[3])
        return cls(
            organisation_id,
            today,
            plans,
            _added(history, _tracks(live)),
            {key: tuple(sorted(found)) for key, found in ids.items()},
        )

    def first_and_latest(self, key: str) -> list[Reading]:
        """Each person's first and latest reading of one measure (one if they have only one),
        first before latest: what the paired figures read."""
        found = []
        for track in self.tracks.get(key, {}).values():
            found.append(track.first)
            if track.count > 1:
                found.append(track.latest)
        return found

    def summaries(self) -> list[Summary]:
        """The paired summary of each measure switched on, first reading to latest so far, in
        name order. Kept in the history cache beside the tracks, under the readings they were
        worked from (the history version, and today's readings by entry id), so an Overview
        drawn again with no new reading does not work them out again."""
        if not self.plans:
            return []
        what = (
            "measure summaries",
            tuple(
                (definition.key, repr(definition), self.today_ids.get(definition.key, ()))
                for _plan, definition in self.plans
            ),
        )
        found = figures.cached_history(
            self.organisation_id, self.today, what, self._summaries, None
        )
        # None: nothing before today, so nothing was kept (and there is little to work out).
        return self._summaries() if found is None else found

    def _summaries(self) -> list[Summary]:
        return [
            summarise(definition, self.first_and_latest(definition.key), *_ALL_TIME)
            for _plan, definition in self.plans
        ]

    def counts(self, key: str) -> dict[int, int]:
        """person id → how many effective readings of one measure they have."""
        return {pid: track.count for pid, track in self.tracks.get(key, {}).items()}

    def latest(self) -> dict[tuple[int, str], datetime]:
        """(person id, measure key) → time of the latest effective reading (as
        `due.latest_readings` gives it, for the measures switched on)."""
        return {
            (pid, key): track.latest.at
            for key, per in self.tracks.items()
            for pid, track in per.items()
        }


def _rows(organisation_id: int, keys: tuple, itemised: tuple, when) -> list:
    """(person id, measure key, recorded_at, entry id, score, parts) of each effective reading
    of the measures `keys` that meets `when`; parts only for `itemised` measures."""
    parts = (
        case((MeasureReading.measure_key.in_(itemised), MeasureReading.parts), else_=None)
        if itemised
        else null()
    )
    return plain_rows(
        select(
            MeasureReading.person_id,
            MeasureReading.measure_key,
            Entry.recorded_at,
            # Compared only, to break ties of time: the stored value orders as the id does on
            # either database, without making a UUID of every reading's id.
            type_coerce(MeasureReading.entry_id, String),
            MeasureReading.score,
            parts,
        )
        .join(Entry, Entry.id == MeasureReading.entry_id)
        .where(
            MeasureReading.organisation_id == organisation_id,
            MeasureReading.measure_key.in_(keys),
            when,
            effective(),
        )
    )


def _tracks(rows) -> Tracks:
    """Rows of `_rows` gathered into each person's track of each measure."""
    gathered: dict[str, dict[int, list]] = {}
    for row in rows:
        pid, key, at, entry_id = row[0], row[1], row[2], row[3]
        per = gathered.setdefault(key, {})
        track = per.get(pid)
        if track is None:
            per[pid] = [row, row, 1]
            continue
        track[2] += 1
        order = (at, entry_id)
        if order < (track[0][2], track[0][3]):
            track[0] = row
        elif order > (track[1][2], track[1][3]):
            track[1] = row
    return {
        key: {pid: _track(first, latest, n) for pid, (first, latest, n) in per.items()}
        for key, per in gathered.items()
    }


def _track(first, latest, count: int) -> Track:
    first_reading = _reading(first)
    latest_reading = first_reading if latest is first else _reading(latest)
    return Track(first_reading, latest_reading, count, (first[2], first[3]), (latest[2], latest[3]))


def _reading(row) -> Reading:
    pid, _key, at, _entry_id, score, parts = row
    return Reading(pid, at, score, parts or {})


def _added(history: Tracks, today: Tracks) -> Tracks:
    """History's tracks with today's added on. Every reading of today was recorded after every
    reading of the history, so a person's first stays the history's and their latest is
    today's. The cached history is shared between requests and is never changed."""
    if not today:
        return history
    merged = dict(history)
    for key, per in today.items():
        own = dict(merged.get(key, {}))
        for pid, new in per.items():
            old = own.get(pid)
            own[pid] = (
                new
                if old is None
                else Track(
                    old.first, new.latest, old.count + new.count, old.first_order, new.latest_order
                )
            )
        merged[key] = own
    return merged
