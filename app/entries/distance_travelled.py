"""Distance travelled: how far up an outcome's ladder each person got over a period.

Per person per outcome: from the rung the person stood on when the period began (their
latest step, or going back, before it) — or, for someone new to the ladder, the first rung
they reached in the period — to the rung they stand on at its end (going back to a lower
rung counts: it shortens the distance). Someone whose only step so far is their first one
has climbed 0 rungs; they are counted, and their number is stated beside the average.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.entries import counting
from app.entries.scoped import Memo, Scope, within
from app.extensions import db, plain_rows
from app.models import Entry, Rung


@dataclass
class Journey:
    """One person on one outcome's ladder over a period."""

    person_id: int
    outcome_id: int
    start_rung_id: int
    latest_rung_id: int
    steps_in_period: int
    started_before: bool  # they stood on a rung of this ladder before the period began
    climbed: int = 0

    @property
    def single_step(self) -> bool:
        """Only one step on this ladder ever, so there is no distance to measure yet."""
        return not self.started_before and self.steps_in_period == 1


def _rung_gap(rungs: dict, live: dict, low: int, high: int) -> int:
    """Rungs between two rungs: counted on the live ladder, or by position if one is retired."""
    if low in live and high in live:
        return live[high] - live[low]
    return rungs[high].position - rungs[low].position


def journeys(
    scope: Scope, start: datetime, end: datetime, outcome_id: int | None = None, memo: Memo = None
) -> list[Journey]:
    """Every person-and-outcome with an effective step in [start, end), with rungs climbed.

    With a `memo` (a dict that lives as long as one report), every outcome's journeys are
    worked out once per period and shared by the indicators and breakdowns that ask."""
    if memo is not None:
        key = ("journeys", scope, start, end)
        if key not in memo:
            memo[key] = journeys(scope, start, end)
        return [j for j in memo[key] if not outcome_id or j.outcome_id == outcome_id]
    # Steps and goings back: a person who went back a rung has climbed one fewer.
    conditions = [*scope.conditions(), counting.moves_on_ladder()]
    if outcome_id:
        conditions.append(Entry.outcome_id == outcome_id)
    found: dict[tuple, Journey] = {}
    # The period's steps, oldest first: the first one starts a newcomer's journey, the last
    # one is where each person got to.
    in_period = (
        select(Entry.person_id, Entry.outcome_id, Entry.rung_id)
        .where(*conditions, *within(start, end))
        .order_by(Entry.person_id, Entry.outcome_id, Entry.recorded_at, Entry.received_at)
    )
    for person_id, step_outcome, rung_id in plain_rows(in_period):
        journey = found.get((person_id, step_outcome))
        if journey is None:
            found[(person_id, step_outcome)] = Journey(
                person_id, step_outcome, rung_id, rung_id, 1, False
            )
        else:
            journey.latest_rung_id = rung_id
            journey.steps_in_period += 1
    for (person_id, step_outcome), rung_id in _rungs_before(conditions, start, end):
        if rung_id is not None and (journey := found.get((person_id, step_outcome))):
            journey.start_rung_id = rung_id
            journey.started_before = True
    result = list(found.values())
    rungs = _rungs_of({j.outcome_id for j in result})
    for journey in result:
        ladder = rungs[journey.outcome_id]
        journey.climbed = _rung_gap(
            ladder["all"], ladder["live"], journey.start_rung_id, journey.latest_rung_id
        )
    return result


def _rungs_before(conditions: list, start: datetime, end: datetime):
    """((person, outcome), rung) for each person-and-outcome that moved in [start, end): the
    rung of their latest step before `start`, or None; one index walk per person."""
    moved = (
        select(Entry.person_id, Entry.outcome_id)
        .where(*conditions, *within(start, end))
        .distinct()
        .subquery()
    )
    latest = (
        select(Entry.rung_id)
        .where(
            *conditions,
            Entry.person_id == moved.c.person_id,
            Entry.outcome_id == moved.c.outcome_id,
            Entry.recorded_at < start,
        )
        .order_by(Entry.recorded_at.desc(), Entry.received_at.desc())
        .limit(1)
        .correlate(moved)
        .scalar_subquery()
    )
    rows = plain_rows(select(moved.c.person_id, moved.c.outcome_id, latest))
    return (((person_id, oid), rung_id) for person_id, oid, rung_id in rows)


def _rungs_of(outcome_ids: set) -> dict:
    """Each outcome's rungs by id, and each live rung's place on the live ladder."""
    result = {oid: {"all": {}, "live": {}} for oid in outcome_ids}
    if not outcome_ids:
        return result
    rows = db.session.scalars(
        select(Rung).where(Rung.outcome_id.in_(outcome_ids)).order_by(Rung.position)
    )
    for rung in rows:
        ladder = result[rung.outcome_id]
        ladder["all"][rung.id] = rung
        if not rung.retired:
            ladder["live"][rung.id] = len(ladder["live"])
    return result


@dataclass
class Distance:
    """Distance travelled on an outcome (or all outcomes) over a period."""

    people: int  # person-and-outcome journeys counted
    single_step: int  # of which, people with only their first step so far (0 rungs)
    total: int  # rungs climbed, summed

    @property
    def average(self) -> float | None:
        return round(self.total / self.people, 2) if self.people else None


def distance(
    scope: Scope, start: datetime, end: datetime, outcome_id: int | None = None, memo: Memo = None
) -> Distance:
    """Average rungs climbed, with the people whose only step is their first one counted as 0."""
    found = journeys(scope, start, end, outcome_id, memo)
    return Distance(len(found), sum(j.single_step for j in found), sum(j.climbed for j in found))


def people_climbing(
    scope: Scope, start: datetime, end: datetime, outcome_id: int, rungs: int, memo: Memo = None
) -> int:
    """People who climbed at least `rungs` rungs of the outcome in the period."""
    return sum(1 for j in journeys(scope, start, end, outcome_id, memo) if j.climbed >= rungs)
