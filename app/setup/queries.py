"""The signed-in admin's organisation as set-up sees it: its activities, outcomes, staff, people."""

from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Activity,
    Organisation,
    Outcome,
    Person,
    User,
    activities_of,
    activity_outcome,
)


def organisation() -> Organisation:
    return current_user.organisation


def activities(live_only: bool = False, with_outcomes: bool = False) -> list[Activity]:
    """The organisation's activities in their order (retired ones too, unless `live_only`);
    `with_outcomes` loads every activity's outcomes in one more query, not one each."""
    return activities_of(current_user.organisation_id, live_only, with_outcomes)


def outcomes(live_only: bool = False, with_rungs: bool = False) -> list[Outcome]:
    """The organisation's outcomes in their order (retired ones too, unless `live_only`);
    `with_rungs` loads every ladder's rungs in one more query, not one each."""
    query = select(Outcome).where(Outcome.organisation_id == current_user.organisation_id)
    if live_only:
        query = query.where(~Outcome.retired)
    if with_rungs:
        query = query.options(selectinload(Outcome.rungs))
    return list(db.session.scalars(query.order_by(Outcome.position, Outcome.id)))


def staff() -> list[User]:
    """Everyone who signs in for the organisation, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == current_user.organisation_id)
            .order_by(User.name)
        )
    )


def people(search: str = "", limit: int = 200) -> list[Person]:
    """The organisation's people by name, optionally matching a name or reference."""
    query = select(Person).where(Person.organisation_id == current_user.organisation_id)
    if search := search.strip():
        pattern = f"%{search.lower()}%"
        query = query.where(
            func.lower(Person.display_name).like(pattern)
            | func.lower(Person.reference).like(pattern)
        )
    return list(db.session.scalars(query.order_by(Person.display_name, Person.id).limit(limit)))


def count(model, *conditions) -> int:
    """How many rows of `model` the organisation has (matching `conditions`)."""
    return db.session.scalar(
        select(func.count())
        .select_from(model)
        .where(model.organisation_id == current_user.organisation_id, *conditions)
    )


def every_activity_linked() -> bool:
    """True when the organisation has activities in use and each serves at least one outcome."""
    live = activities(live_only=True, with_outcomes=True)
    return bool(live) and all(a.outcomes for a in live)


def link_count() -> int:
    """How many activity–outcome links the organisation has."""
    return db.session.scalar(
        select(func.count())
        .select_from(activity_outcome)
        .join(Activity, Activity.id == activity_outcome.c.activity_id)
        .where(Activity.organisation_id == current_user.organisation_id)
    )
