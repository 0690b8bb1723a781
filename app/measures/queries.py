"""Readings from the database for reporting, due prompts and the Overview.

Whose readings a funder's figures count: the people its report covers, that is everyone with
an effective entry in the funder's scope (one of its funded activities, and a funded outcome
where it names outcomes; `entries.scoped.Scope`) recorded before the period's end. A
measure's own entry belongs to no activity, so a reading alone never brings someone in; a
person supported only under another funder's activities, or by none, is not counted.
"""

from datetime import datetime, timedelta

from sqlalchemy import literal, select

from app.entries.queries import effective
from app.entries.scoped import Scope
from app.extensions import db, plain_rows
from app.measures import catalogue
from app.measures.definitions import Definition
from app.measures.overview_readings import OrganisationReadings
from app.measures.reporting import FollowUp, Reading, summarise
from app.models import Entry, MeasurePlan, MeasureReading, Person
from app.models.clock import utcnow


def readings(scope: Scope, definition: Definition, end: datetime) -> list[Reading]:
    """Every effective reading of one measure recorded before `end` (voided ones never count),
    of the people `scope` covers by then (see the module docstring)."""
    first = covered_from(scope, [definition.key])
    every = _readings_before(scope.organisation_id, definition, end)
    return [r for r in every if _covered(r, first, end)]


def _readings_before(organisation_id: int, definition: Definition, end: datetime) -> list[Reading]:
    """Every effective reading of one measure recorded before `end`, whoever it is of. Their
    answers item by item (`parts`, JSON) are read only for a measure reported item by item:
    the others' summaries need the scores alone."""
    by_item = definition.scoring["rule"] == "items"
    parts = MeasureReading.parts if by_item else literal(None).label("parts")
    rows = plain_rows(
        select(MeasureReading.person_id, Entry.recorded_at, MeasureReading.score, parts)
        .join(Entry, Entry.id == MeasureReading.entry_id)
        .where(
            MeasureReading.organisation_id == organisation_id,
            MeasureReading.measure_key == definition.key,
            Entry.recorded_at < end,
            effective(),
        )
    )
    return [Reading(pid, at, score, parts or {}) for pid, at, score, parts in rows]


def covered_from(scope: Scope, keys: list[str]) -> dict:
    """person id -> the time of their first effective entry in `scope`, for each person with a
    reading of one of these measures (and some entry in scope): a person is covered by a
    period ending at `end` when that time is before `end`.

    One walk of the (person_id, recorded_at) index per reading person, stopping at their
    first entry in scope, rather than every entry the organisation ever made, per measure
    and per period, to find who is covered."""
    if not keys:
        return {}
    people = (
        select(MeasureReading.person_id)
        .where(
            MeasureReading.organisation_id == scope.organisation_id,
            MeasureReading.measure_key.in_(keys),
        )
        .distinct()
        .subquery()
    )
    first = (
        select(Entry.recorded_at)
        .where(Entry.person_id == people.c.person_id, *scope.conditions())
        .order_by(Entry.recorded_at)
        .limit(1)
        .correlate(people)
        .scalar_subquery()
    )
    rows = plain_rows(select(people.c.person_id, first))
    return {person_id: at for person_id, at in rows if at is not None}


def _covered(reading: Reading, first: dict, end: datetime) -> bool:
    """The reading is before `end` and of a person covered by then."""
    at = first.get(reading.person_id)
    return reading.at < end and at is not None and at < end


def summaries(scope: Scope, start: datetime, end: datetime, funder_id: int | None = None):
    """The paired summary (`Summary`) of each measure switched on, over the people `scope`
    covers (for a funder: the measures that report to it, or to no funder in particular), in
    name order."""
    return [found for (found,) in summaries_over(scope, [(start, end)], funder_id)]


def summaries_over(scope: Scope, periods: list[tuple], funder_id: int | None = None):
    """For each measure switched on (as `summaries`), its `Summary` for each of `periods`
    ([(start, end), ...]): each measure's readings and who is covered are read once for
    every period, not once per period."""
    plans = [
        (plan, definition)
        for plan, definition in catalogue.plans(scope.organisation_id)
        if funder_id is None or not plan.funders or funder_id in {f.id for f in plan.funders}
    ]
    first = covered_from(scope, [definition.key for _plan, definition in plans])
    last_end = max(end for _start, end in periods)
    found = []
    for plan, definition in plans:
        every = _readings_before(scope.organisation_id, definition, last_end)
        per_period = [[r for r in every if _covered(r, first, end)] for _start, end in periods]
        rule = _follow_up_rule(plan, {r.person_id for part in per_period for r in part})
        found.append(
            tuple(
                summarise(definition, part, start, end, rule)
                for part, (start, end) in zip(per_period, periods, strict=True)
            )
        )
    return found


def summarised(plan: MeasurePlan, definition, scope: Scope, start: datetime, end: datetime):
    """One measure's `Summary` over the people `scope` covers, with its follow-up rate by the
    plan's rule (when follow-ups fall due: app/measures/reporting.py)."""
    found = readings(scope, definition, end)
    rule = _follow_up_rule(plan, {r.person_id for r in found})
    return summarise(definition, found, start, end, rule)


def _follow_up_rule(plan: MeasurePlan, people: set) -> FollowUp:
    """The plan's rule for when a follow-up falls due, with the day each of `people` who has
    been discharged was closed (when the plan asks for a follow-up at discharge). The
    organisation's discharged people are read and those of `people` kept, rather than
    `people` (thousands) sent as the parameters of an IN list."""
    discharged = {}
    if plan.at_discharge and people:
        closed = plain_rows(
            select(Person.id, Person.closed_on).where(
                Person.organisation_id == plan.organisation_id, Person.closed_on.is_not(None)
            )
        )
        discharged = {pid: day for pid, day in closed if pid in people}
    return FollowUp(plan.every_weeks, plan.at_discharge, discharged)


def recent_risks(organisation_id: int, days: int = 14, limit: int = 20):
    """Risk answers of the last `days` days, newest first: (person, measure name, entry)."""
    since = utcnow() - timedelta(days=days)
    rows = db.session.execute(
        select(MeasureReading, Entry, Person)
        .join(Entry, Entry.id == MeasureReading.entry_id)
        .join(Person, Person.id == MeasureReading.person_id)
        .where(
            MeasureReading.organisation_id == organisation_id,
            MeasureReading.risk,
            Entry.received_at >= since,
            effective(),
        )
        .order_by(Entry.received_at.desc())
        .limit(limit)
    ).all()
    known = catalogue.available(organisation_id)
    return [
        (person, known[r.measure_key].name if r.measure_key in known else r.measure_key, entry)
        for r, entry, person in rows
    ]


def follow_up_rates(
    organisation_id: int, readings: OrganisationReadings | None = None
) -> list[tuple[str, int, int]]:
    """(measure name, people with a baseline, people with a follow-up) for each measure on,
    over every effective reading so far; from `readings` when the page has read them."""
    if readings is None:
        readings = OrganisationReadings.read(organisation_id)
    found = []
    for _plan, definition in readings.plans:
        counts = readings.counts(definition.key).values()
        found.append((definition.name, len(counts), sum(1 for n in counts if n > 1)))
    return found


def overview_summaries(organisation_id: int, readings: OrganisationReadings | None = None):
    """The paired summary of each measure switched on over everyone in the organisation, first
    reading to latest so far (the supervisor's Overview), in name order; from `readings`
    (each person's first and latest, app/measures/overview_readings.py) when the page has
    read them."""
    if readings is None:
        readings = OrganisationReadings.read(organisation_id)
    return readings.summaries()
