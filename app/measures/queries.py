"""Readings from the database for reporting, due prompts and the Overview.

Whose readings a funder's figures count: the people its report covers, that is everyone with
an effective entry in the funder's scope (one of its funded activities, and a funded outcome
where it names outcomes; `entries.scoped.Scope`) recorded before the period's end. A
measure's own entry belongs to no activity, so a reading alone never brings someone in; a
person supported only under another funder's activities, or by none, is not counted.
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.entries.queries import effective
from app.entries.scoped import Scope
from app.extensions import db
from app.measures import catalogue
from app.measures.overview_readings import OrganisationReadings
from app.measures.reporting import FollowUp, Reading, summarise
from app.models import Entry, MeasurePlan, MeasureReading, Person
from app.models.clock import utcnow


def readings(scope: Scope, key: str, end: datetime) -> list[Reading]:
    """Every effective reading of one measure recorded before `end` (voided ones never count),
    of the people `scope` covers by then (see the module docstring)."""
    covered = (
        select(Entry.person_id)
        .where(*scope.conditions(), Entry.recorded_at < end)
        .distinct()
        # Its own look at the log, not the reading's entry joined outside it.
        .correlate(None)
    )
    rows = db.session.execute(
        select(
            MeasureReading.person_id, Entry.recorded_at, MeasureReading.score, MeasureReading.parts
        )  # fmt: skip
        .join(Entry, Entry.id == MeasureReading.entry_id)
        .where(
            MeasureReading.organisation_id == scope.organisation_id,
            MeasureReading.measure_key == key,
            MeasureReading.person_id.in_(covered),
            Entry.recorded_at < end,
            effective(),
        )
    )
    return [Reading(pid, at, score, parts or {}) for pid, at, score, parts in rows]


def summaries(scope: Scope, start: datetime, end: datetime, funder_id: int | None = None):
    """The paired summary (`Summary`) of each measure switched on, over the people `scope`
    covers (for a funder: the measures that report to it, or to no funder in particular), in
    name order."""
    found = []
    for plan, definition in catalogue.plans(scope.organisation_id):
        if funder_id is not None and plan.funders and funder_id not in {f.id for f in plan.funders}:
            continue
        found.append(summarised(plan, definition, scope, start, end))
    return found


def summarised(plan: MeasurePlan, definition, scope: Scope, start: datetime, end: datetime):
    """One measure's `Summary` over the people `scope` covers, with its follow-up rate by the
    plan's rule (when follow-ups fall due: app/measures/reporting.py)."""
    found = readings(scope, definition.key, end)
    people = {r.person_id for r in found}
    discharged = {}
    if plan.at_discharge and people:
        discharged = dict(
            db.session.execute(
                select(Person.id, Person.closed_on).where(
                    Person.id.in_(people), Person.closed_on.is_not(None)
                )
            ).all()
        )
    rule = FollowUp(plan.every_weeks, plan.at_discharge, discharged)
    return summarise(definition, found, start, end, rule)


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
