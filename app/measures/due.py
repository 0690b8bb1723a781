"""When a measure is due: a baseline when someone starts, then every N weeks, and at discharge.

Due dates are local calendar days; a reading counts only while its entry is effective (a
voided reading leaves the measure due again). A measure switched on for some outcomes is due
only for the people whose plan has one of them (a measure for everyone names none).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.entries import queries
from app.entries.queries import effective
from app.extensions import db, plain_rows
from app.local_time import day_bounds, local_today, local_zone, to_local
from app.measures import catalogue
from app.measures.definitions import Definition
from app.measures.overview_readings import OrganisationReadings
from app.models import Entry, MeasurePlan, MeasureReading, Person, Plan

# Due for this long before it counts as overdue (and shows on the attention list).
GRACE = timedelta(days=14)
_NONE: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Due:
    definition: Definition
    what: str  # "baseline", "review" or "discharge"
    due_on: date
    overdue: bool

    @property
    def label(self) -> str:
        state = "overdue" if self.overdue else "due"
        return f"{self.definition.name} {self.what} {state}"


def latest_readings(organisation_id: int, person_ids=None) -> dict[tuple[int, str], datetime]:
    """(person id, measure key) → time of the latest effective reading, in one query."""
    query = (
        select(MeasureReading.person_id, MeasureReading.measure_key, func.max(Entry.recorded_at))
        .join(Entry, Entry.id == MeasureReading.entry_id)
        .where(MeasureReading.organisation_id == organisation_id, effective())
        .group_by(MeasureReading.person_id, MeasureReading.measure_key)
    )
    if person_ids is not None:
        query = query.where(MeasureReading.person_id.in_(list(person_ids)))
    return {(pid, key): at for pid, key, at in plain_rows(query)}


def outcomes_of(plans, person_ids) -> dict[int, set[int]]:
    """person id → the outcomes their plan has, in one query; nothing is read when no measure
    switched on names outcomes (then every measure serves everyone)."""
    if not any(plan.outcomes for plan, _ in plans):
        return {}
    found: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(Plan.person_id, Plan.outcome_id).where(Plan.person_id.in_(list(person_ids)))
    )
    for person_id, outcome_id in rows:
        found.setdefault(person_id, set()).add(outcome_id)
    return found


def serves(plan: MeasurePlan, working_on: set[int]) -> bool:
    """Whether a measure's plan serves someone working on these outcomes."""
    return not plan.outcomes or any(o.id in working_on for o in plan.outcomes)


def _discharge_due(last_day: date | None, closed_on: date) -> bool:
    """A discharge reading is due unless one was taken in the fortnight before closing."""
    return last_day is None or last_day < closed_on - GRACE


@dataclass(frozen=True)
class Rule:
    """One plan's due rule, read off the plan once for many people: the attention list asks it
    of every active person of the organisation."""

    definition: Definition
    measure_key: str
    outcome_ids: frozenset[int]  # the outcomes it serves; none for a measure for everyone
    baseline: bool
    switched_on_at: datetime
    every_weeks: int | None
    at_discharge: bool
    zone: ZoneInfo

    @classmethod
    def of(cls, plan: MeasurePlan, definition: Definition) -> "Rule":
        return cls(
            definition,
            plan.measure_key,
            frozenset(o.id for o in plan.outcomes),
            plan.baseline,
            plan.switched_on_at,
            plan.every_weeks,
            plan.at_discharge,
            local_zone(),
        )

    @cached_property
    def switched_on(self) -> date:
        """The local day the measure was switched on."""
        return to_local(self.switched_on_at, self.zone).date()

    def due(
        self, person, last: datetime | None, today: date, working_on: set[int] = frozenset()
    ) -> Due | None:
        """What is due of this measure for one person today (`working_on`: their plan's
        outcomes), or None."""
        if self.outcome_ids and self.outcome_ids.isdisjoint(working_on):
            return None  # as `serves`
        definition = self.definition
        if last is None:
            if not self.baseline:
                return None
            start = max(to_local(person.created_at, self.zone).date(), self.switched_on)
            return Due(definition, "baseline", start, today > start + GRACE)
        last_day = to_local(last, self.zone).date()
        if person.status == "closed" and self.at_discharge and person.closed_on:
            if _discharge_due(last_day, person.closed_on):
                overdue = today > person.closed_on + GRACE
                return Due(definition, "discharge", person.closed_on, overdue)
            return None
        if self.every_weeks:
            due_on = last_day + timedelta(weeks=self.every_weeks)
            if today >= due_on:
                return Due(definition, "review", due_on, today > due_on + GRACE)
        return None

    def settled_from(self, today: date) -> datetime:
        """The instant (naive UTC) from which an active person's latest reading leaves nothing
        of this measure overdue today. A review falls overdue when today is past its due day
        and the grace, that is when the reading's local day is before today less the interval
        and the grace: a reading at or after that day's local midnight is too recent (and
        with no interval, any reading is). The attention list asks every active person, and
        so works out the local day of none of the many whose reading is recent."""
        if not self.every_weeks:
            return datetime.min
        day = today - timedelta(weeks=self.every_weeks) - GRACE
        return day_bounds(day, day)[0]

    def overdue(
        self, person, last: datetime | None, settled: datetime, today: date, working_on=_NONE
    ) -> Due | None:
        """What is overdue of this measure for one active person today (`settled`: this rule's
        `settled_from(today)`), or None: `due`, asked only when it may be overdue."""
        if last is not None and last >= settled and person.status == "active":
            return None
        found = self.due(person, last, today, working_on)
        return found if found is not None and found.overdue else None


def due_for(
    person: Person,
    plan: MeasurePlan,
    definition: Definition,
    last: datetime | None,
    today: date,
    working_on: set[int] = frozenset(),
) -> Due | None:
    """What is due of one measure for one person today (`working_on`: their plan's outcomes),
    or None."""
    return Rule.of(plan, definition).due(person, last, today, working_on)


def _dues(person, rules: list[Rule], latest: dict, working_on: dict, today: date) -> list[Due]:
    """What is due for one person, from readings and plan outcomes already read for many."""
    own = working_on.get(person.id, _NONE)
    return [
        due
        for rule in rules
        if (due := rule.due(person, latest.get((person.id, rule.measure_key)), today, own))
    ]


def due_by_person(organisation_id: int, people: list[Person], today: date | None = None):
    """person id → what is due for them, overdue first; two queries for any number of people."""
    today = today or local_today()
    plans = catalogue.plans(organisation_id)
    if not plans or not people:
        return {}
    latest = latest_readings(organisation_id, [p.id for p in people])
    working_on = outcomes_of(plans, [p.id for p in people])
    rules = [Rule.of(plan, definition) for plan, definition in plans]
    found = {}
    for person in people:
        dues = _dues(person, rules, latest, working_on, today)
        if dues:
            found[person.id] = sorted(dues, key=lambda d: (not d.overdue, d.due_on))
    return found


def overdue_people(
    organisation_id: int,
    limit: int = 50,
    readings: OrganisationReadings | None = None,
    active: list | None = None,
) -> list[tuple[Person, list[Due]]]:
    """Active people with a measure overdue, longest overdue first (the attention list); from
    `readings` (app/measures/overview_readings.py) and `active` (`queries.active_people`)
    when the page has read them."""
    # Plain columns for everyone (what `due_for` reads), people as rows only for those shown:
    # the attention list looks at every active person of the organisation.
    today = local_today()
    if readings is None:
        readings = OrganisationReadings.read(organisation_id, today)
    plans = readings.plans
    if not plans:
        return []
    people = active if active is not None else queries.active_people(organisation_id)
    latest = readings.latest()
    working_on = outcomes_of(plans, [p.id for p in people])
    rules = [Rule.of(plan, definition) for plan, definition in plans]
    settled = [rule.settled_from(today) for rule in rules]
    rows = []
    for person in people:
        own = working_on.get(person.id, _NONE)
        overdue = [
            found
            for rule, since in zip(rules, settled, strict=True)
            if (found := rule.overdue(person, latest.get((person.id, rule.measure_key)), since,
                                      today, own))
        ]  # fmt: skip
        if overdue:
            rows.append((person.id, sorted(overdue, key=lambda d: d.due_on)))
    rows.sort(key=lambda row: row[1][0].due_on)
    rows = rows[:limit]
    shown = {
        p.id: p
        for p in db.session.scalars(select(Person).where(Person.id.in_([r[0] for r in rows])))
    }
    return [(shown[pid], dues) for pid, dues in rows]


def due_at_discharge(person: Person, today: date | None = None) -> list[Due]:
    """The measures due if this person were closed today (what the close form shows): each one
    switched on with a reading at discharge, serving them, and not taken in the last fortnight."""
    today = today or local_today()
    plans = catalogue.plans(person.organisation_id)
    if not plans:
        return []
    latest = latest_readings(person.organisation_id, [person.id])
    working_on = {p.outcome_id for p in person.plans}
    found = []
    for plan, definition in plans:
        if not plan.at_discharge or not serves(plan, working_on):
            continue
        last = latest.get((person.id, plan.measure_key))
        if _discharge_due(last and to_local(last).date(), today):
            found.append(Due(definition, "discharge", today, False))
    return found
