"""When a measure is due: a baseline when someone starts, then every N weeks, and at discharge.

Due dates are local calendar days; a reading counts only while its entry is effective (a
voided reading leaves the measure due again).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app.entries.queries import effective
from app.extensions import db
from app.local_time import local_today, to_local
from app.measures import catalogue
from app.measures.definitions import Definition
from app.models import Entry, MeasurePlan, MeasureReading, Person

# Due for this long before it counts as overdue (and shows on the attention list).
GRACE = timedelta(days=14)


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
    return {(pid, key): at for pid, key, at in db.session.execute(query)}


def due_for(
    person: Person, plan: MeasurePlan, definition: Definition, last: datetime | None, today: date
) -> Due | None:
    """What is due of one measure for one person today, or None."""
    if last is None:
        if not plan.baseline:
            return None
        start = max(to_local(person.created_at).date(), to_local(plan.switched_on_at).date())
        return Due(definition, "baseline", start, today > start + GRACE)
    last_day = to_local(last).date()
    if person.status == "closed" and plan.at_discharge and person.closed_on:
        if last_day < person.closed_on - GRACE:
            return Due(definition, "discharge", person.closed_on, today > person.closed_on + GRACE)
        return None
    if plan.every_weeks:
        due_on = last_day + timedelta(weeks=plan.every_weeks)
        if today >= due_on:
            return Due(definition, "review", due_on, today > due_on + GRACE)
    return None


def due_by_person(organisation_id: int, people: list[Person], today: date | None = None):
    """person id → what is due for them, overdue first; two queries for any number of people."""
    today = today or local_today()
    plans = catalogue.plans(organisation_id)
    if not plans or not people:
        return {}
    latest = latest_readings(organisation_id, [p.id for p in people])
    found = {}
    for person in people:
        dues = [
            due
            for plan, definition in plans
            if (
                due := due_for(
                    person, plan, definition, latest.get((person.id, plan.measure_key)), today
                )
            )
        ]
        if dues:
            found[person.id] = sorted(dues, key=lambda d: (not d.overdue, d.due_on))
    return found


def overdue_people(organisation_id: int, limit: int = 50) -> list[tuple[Person, list[Due]]]:
    """Active people with a measure overdue, longest overdue first (the attention list)."""
    # Plain columns for everyone (what `due_for` reads), people as rows only for those shown:
    # the attention list looks at every active person of the organisation.
    today = local_today()
    plans = catalogue.plans(organisation_id)
    if not plans:
        return []
    people = db.session.execute(
        select(Person.id, Person.created_at, Person.status, Person.closed_on).where(
            Person.organisation_id == organisation_id, Person.status == "active"
        )
    ).all()
    latest = latest_readings(organisation_id)
    rows = []
    for person in people:
        overdue = [
            due
            for plan, definition in plans
            if (
                due := due_for(
                    person, plan, definition, latest.get((person.id, plan.measure_key)), today
                )
            )
            and due.overdue
        ]
        if overdue:
            rows.append((person.id, sorted(overdue, key=lambda d: d.due_on)))
    rows.sort(key=lambda row: row[1][0].due_on)
    rows = rows[:limit]
    shown = {
        p.id: p
        for p in db.session.scalars(select(Person).where(Person.id.in_([r[0] for r in rows])))
    }
    return [(shown[pid], dues) for pid, dues in rows]
