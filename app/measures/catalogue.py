"""Which measures an organisation can use (shipped and imported) and which it has switched on."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.measures.definitions import Definition, DefinitionError, parse, shipped
from app.models import MeasurePlan, MeasureSettings, OrganisationMeasure


def available(organisation_id: int) -> dict[str, Definition]:
    """Every definition this organisation may switch on: the shipped ones and its own imports."""
    found = dict(shipped())
    for row in db.session.scalars(
        select(OrganisationMeasure).where(OrganisationMeasure.organisation_id == organisation_id)
    ):
        try:
            found[row.key] = parse(row.body)
        except DefinitionError:
            # Checked when imported; a file that no longer parses (a rule since renamed) is
            # left out rather than breaking every page that lists measures.
            continue
    return found


def definition(organisation_id: int, key: str) -> Definition | None:
    """One definition by key, shipped or imported by this organisation."""
    if key in shipped():
        return shipped()[key]
    row = db.session.scalar(
        select(OrganisationMeasure).where(
            OrganisationMeasure.organisation_id == organisation_id, OrganisationMeasure.key == key
        )
    )
    if row is None:
        return None
    try:
        return parse(row.body)
    except DefinitionError:
        return None


def plans(organisation_id: int) -> list[tuple[MeasurePlan, Definition]]:
    """The measures switched on, with their definitions, in name order."""
    known = available(organisation_id)
    # The outcomes each plan serves come with it (one statement), since due prompts ask.
    rows = db.session.scalars(
        select(MeasurePlan)
        .where(MeasurePlan.organisation_id == organisation_id, MeasurePlan.active)
        .options(selectinload(MeasurePlan.outcomes))
    )
    pairs = [(plan, known[plan.measure_key]) for plan in rows if plan.measure_key in known]
    return sorted(pairs, key=lambda pair: pair[1].name.lower())


def plan_for(organisation_id: int, key: str) -> MeasurePlan | None:
    """The organisation's plan for one measure, switched on or not."""
    return db.session.scalar(
        select(MeasurePlan).where(
            MeasurePlan.organisation_id == organisation_id, MeasurePlan.measure_key == key
        )
    )


def settings(organisation_id: int) -> MeasureSettings:
    """The organisation's measure settings, made (unsaved) with defaults if it has none."""
    row = db.session.get(MeasureSettings, organisation_id)
    return row or MeasureSettings(organisation_id=organisation_id, safeguarding_procedure="")
