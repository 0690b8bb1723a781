"""A report's scope and the counts within it: the primitives every funder figure counts with.

What a funder's report counts (its scope):
- an entry counts only when its activity is one of the funder's activities (a funder with
  no activities counts nothing, and its report says so);
- an entry about an outcome (a step or a setback) counts only when the outcome is one of
  the funder's outcomes; a funder with no outcomes chosen counts every outcome;
- only effective entries count (`queries.effective()`: not a void, not amended), and an
  entry belongs to a period by its `recorded_at`, in the organisation's local days.

Steps, contacts (visits) and people are defined once, in `app/entries/counting.py`; this
module counts through it, as the Overview does. The distance travelled is worked out in
`app/entries/distance_travelled.py`; what a funder may ask to be counted, and in what words,
is the registry in `app/entries/indicators.py`.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import distinct, func, or_, select

from app.entries import counting
from app.entries.queries import effective
from app.extensions import db, plain_rows
from app.models import DailyRollup, Entry, Funder, Person, Rung

# What the figures of one report share, so that each period is read once: a dict that lives
# as long as the report, holding its periods' logs, tallies and journeys; None when a figure
# is counted on its own.
Memo = dict | None


@dataclass(frozen=True)
class Scope:
    """Which entries of an organisation a report counts (see the module docstring)."""

    organisation_id: int
    activity_ids: frozenset | None = None  # None: every activity (and entries with none)
    outcome_ids: frozenset | None = None  # None: every outcome

    @classmethod
    def for_funder(cls, funder: Funder) -> "Scope":
        outcomes = frozenset(o.id for o in funder.outcomes)
        return cls(
            funder.organisation_id, frozenset(a.id for a in funder.activities), outcomes or None
        )

    def conditions(self) -> list:
        """SQL conditions for this scope's effective entries."""
        return [*self.reach(), effective()]

    def reach(self) -> list:
        """SQL conditions for this scope's entries, effective or not (the counting layer adds
        its own definition of effective)."""
        return self._on(Entry, Entry.outcome_id.is_(None))

    def rolled_reach(self) -> list:
        """The same conditions on the daily rollup, whose "none" is 0 (app/models/rollup.py)."""
        return self._on(DailyRollup, DailyRollup.outcome_id == 0)

    def _on(self, table, no_outcome) -> list:
        conditions = [table.organisation_id == self.organisation_id]
        if self.activity_ids is not None:
            conditions.append(table.activity_id.in_(self.activity_ids))
        if self.outcome_ids is not None:
            conditions.append(or_(no_outcome, table.outcome_id.in_(self.outcome_ids)))
        return conditions


def within(start: datetime, end: datetime) -> list:
    """SQL conditions: an entry recorded in [start, end)."""
    return [Entry.recorded_at >= start, Entry.recorded_at < end]


def period_log(scope: Scope, start: datetime, end: datetime, memo: Memo = None):
    """The scope's effective entries in [start, end), read once per period and shared through
    `memo` (a dict that lives as long as one report) by every figure that asks."""
    return counting.period_log(
        scope.reach(), start, end, memo, key=scope, rolled=scope.rolled_reach()
    )


def activity_figures(scope: Scope, start: datetime, end: datetime, memo: Memo = None) -> dict:
    """The counting layer's Figures per activity of the scope's entries in [start, end)."""
    return period_log(scope, start, end, memo).figures_by("activity_id")


def whole(scope: Scope, start: datetime, end: datetime, memo: Memo = None) -> counting.Figures:
    """The scope's Figures over [start, end), every activity together (a visit once)."""
    return period_log(scope, start, end, memo).whole()


def people_supported(scope: Scope, start: datetime, end: datetime, memo: Memo = None) -> int:
    """Distinct people with at least one effective entry in [start, end)."""
    return whole(scope, start, end, memo).people


def people_ids(scope: Scope, start: datetime, end: datetime):
    """SQL: the ids of the people supported in [start, end)."""
    return select(distinct(Entry.person_id)).where(*scope.conditions(), *within(start, end))


def new_people(scope: Scope, start: datetime, end: datetime, memo: Memo = None) -> int:
    """People whose first ever effective entry (within the scope) falls in [start, end)."""
    if memo is not None:
        return _new_among(scope, start, period_log(scope, start, end, memo).people())
    # Per person, through the (person_id, recorded_at) index: someone supported in the period
    # is new when nothing of theirs in the scope comes before it. Grouping the whole log to
    # find first entries reads every entry the organisation ever made.
    supported = (
        select(Entry.person_id).where(*scope.conditions(), *within(start, end)).distinct()
    ).subquery()
    earlier = (
        select(Entry.id)
        .where(
            Entry.person_id == supported.c.person_id,
            Entry.recorded_at < start,
            *scope.conditions(),
        )
        .correlate(supported)
    )
    return db.session.scalar(select(func.count()).select_from(supported).where(~earlier.exists()))


def _new_among(scope: Scope, start: datetime, supported: set) -> int:
    """How many of `supported` (the period log's people) have no effective entry in the
    scope before `start`: the same look back per person as `new_people`, asked of the
    organisation's people in one statement, so the period is not read again to find them."""

    def earlier(person_id):
        return (
            select(Entry.id)
            .where(Entry.person_id == person_id, Entry.recorded_at < start, *scope.conditions())
            .correlate_except(Entry)
            .exists()
        )

    query = select(Person.id, earlier(Person.id)).where(
        Person.organisation_id == scope.organisation_id
    )
    before = {person_id: seen for person_id, seen in plain_rows(query)}
    missing = [person_id for person_id in supported if person_id not in before]
    for chunk in range(0, len(missing), 500):
        # Someone recorded under the organisation but not one of its people.
        part = select(Person.id, earlier(Person.id)).where(
            Person.id.in_(missing[chunk : chunk + 500])
        )
        before.update(plain_rows(part))
    return sum(1 for person_id in supported if not before[person_id])


def contacts(
    scope: Scope, start: datetime, end: datetime, activity_id: int | None = None, memo: Memo = None
) -> int:
    """Contacts delivered: visits (one person on one local day), as the counting layer defines."""
    if activity_id:
        found = activity_figures(scope, start, end, memo).get(activity_id, counting.Figures())
        return found.contacts
    return whole(scope, start, end, memo).contacts


def steps_on_outcome(
    scope: Scope, start: datetime, end: datetime, outcome_id: int, memo: Memo = None
) -> tuple:
    """(steps, distinct people who took one) on one outcome in [start, end)."""
    found = period_log(scope, start, end, memo).figures_by("outcome_id").get(outcome_id)
    return (found.steps, found.step_people) if found else (0, 0)


def people_with_setback(
    scope: Scope, start: datetime, end: datetime, outcome_id: int | None = None, memo: Memo = None
) -> int:
    """Distinct people with at least one effective setback in [start, end)."""
    if not outcome_id:
        return whole(scope, start, end, memo).setback_people
    found = period_log(scope, start, end, memo).figures_by("outcome_id").get(outcome_id)
    return found.setback_people if found else 0


def people_reaching(scope: Scope, start: datetime, end: datetime, rung: Rung) -> int:
    """People with an effective step in [start, end) on `rung` or a rung above it on its ladder."""
    query = (
        select(func.count(distinct(Entry.person_id)))
        .join(Rung, Rung.id == Entry.rung_id)
        .where(
            *scope.conditions(),
            *within(start, end),
            Entry.kind.in_(counting.STEP_KINDS),
            Rung.outcome_id == rung.outcome_id,
            Rung.position >= rung.position,
        )
    )
    return db.session.scalar(query)


def supported_demographics(
    scope: Scope, start: datetime, end: datetime, memo: Memo = None
) -> list[dict]:
    """The demographic answers of each person supported in [start, end), for breakdowns by
    demographic field (the column alone: loading whole people loads their relationships)."""
    if memo is None:
        query = select(Person.demographics).where(Person.id.in_(people_ids(scope, start, end)))
        return [answers or {} for answers in db.session.scalars(query)]
    # The people supported are the period log's (read once for the report), and the
    # organisation's people are read with their answers once for both periods, rather than
    # each period read again, checking every entry against the amends index, to find them.
    supported = period_log(scope, start, end, memo).people()
    key = ("demographics", scope.organisation_id)
    if key not in memo:
        query = select(Person.id, Person.demographics).where(
            Person.organisation_id == scope.organisation_id
        )
        memo[key] = dict(plain_rows(query))
    everyone = memo[key]
    found = {person_id: everyone[person_id] for person_id in supported if person_id in everyone}
    missing = [person_id for person_id in supported if person_id not in everyone]
    for chunk in range(0, len(missing), 500):
        # Someone recorded under the organisation but not one of its people.
        part = select(Person.id, Person.demographics).where(
            Person.id.in_(missing[chunk : chunk + 500])
        )
        found.update(plain_rows(part))
    return [answers or {} for answers in found.values()]
