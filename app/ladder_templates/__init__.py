"""Ready-made activities and outcome ladders that an organisation starts from and edits."""

import json
from importlib import resources

from sqlalchemy import func, select

from app.extensions import db
from app.models import Activity, Organisation, Outcome, Rung


def load(name: str = "standard") -> dict:
    return json.loads(resources.files(__package__).joinpath(f"{name}.json").read_text("utf-8"))


def adopt(
    org: Organisation, template: dict, outcome_names: list[str] | None = None
) -> list[Outcome]:
    """Copy a template's outcomes (all, or those named) and its activities into `org`.

    Outcomes and activities the organisation already has, by name, are left as they are.
    """
    existing = {
        o.name: o
        for o in db.session.scalars(select(Outcome).where(Outcome.organisation_id == org.id))
    }
    position = db.session.scalar(
        select(func.coalesce(func.max(Outcome.position), 0)).where(
            Outcome.organisation_id == org.id
        )
    )
    created = []
    for spec in template["outcomes"]:
        if (outcome_names is not None and spec["name"] not in outcome_names) or spec[
            "name"
        ] in existing:
            continue
        position += 1
        outcome = Outcome(
            organisation_id=org.id,
            name=spec["name"],
            description=spec.get("description", ""),
            position=position,
        )
        outcome.rungs = [
            Rung(organisation_id=org.id, text=text, position=i + 1)
            for i, text in enumerate(spec["rungs"])
        ]
        db.session.add(outcome)
        existing[outcome.name] = outcome
        created.append(outcome)
    activities = {}
    for a in db.session.scalars(select(Activity).where(Activity.organisation_id == org.id)):
        # A template activity the admin renamed is still found by its template name.
        activities.setdefault(a.template_name or a.name, a)
        activities.setdefault(a.name, a)
    for i, spec in enumerate(template.get("activities", [])):
        activity = activities.get(spec["name"])
        if activity is None:
            if outcome_names is not None and not set(spec.get("outcomes", [])) & set(outcome_names):
                continue
            activity = Activity(
                organisation_id=org.id,
                name=spec["name"],
                template_name=spec["name"],
                position=i + 1,
            )
            db.session.add(activity)
            activities[activity.name] = activity
        for outcome_name in spec.get("outcomes", []):
            outcome = existing.get(outcome_name)
            if outcome is not None and outcome not in activity.outcomes:
                activity.outcomes.append(outcome)
    db.session.flush()
    return created
