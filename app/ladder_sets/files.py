"""A template as a file: the same shape as the ready-made templates, checked on the way in."""

import json

from sqlalchemy import select

from app.extensions import db
from app.models import Organisation, Outcome, activities_of

# The files already shared carry this name, from before they were called templates.
FORMAT = "stepladder-outcome-set"
MAX_BYTES = 512 * 1024
MAX_OUTCOMES = 100
MAX_RUNGS = 30


class LadderSetError(ValueError):
    """The file is not a template Stepladder can import; the message says why."""


def export(org: Organisation) -> dict:
    """The organisation's live outcomes with their live rungs, and its activities' links."""
    outcomes = db.session.scalars(
        select(Outcome)
        .where(Outcome.organisation_id == org.id, ~Outcome.retired)
        .order_by(Outcome.position)
    )
    activities = activities_of(org.id, live_only=True)
    return {
        "format": FORMAT,
        "version": 1,
        "name": f"{org.name} template",
        "outcomes": [
            {"name": o.name, "description": o.description, "rungs": [r.text for r in o.live_rungs]}
            for o in outcomes
        ],
        "activities": [
            {"name": a.name, "outcomes": [o.name for o in a.outcomes if not o.retired]}
            for a in activities
        ],
    }


def _text(value, what: str, limit: int, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()) or "\x00" in value:
        raise LadderSetError(f"{what} must be some text.")
    if len(value) > limit:
        raise LadderSetError(f"{what} is longer than {limit} characters.")
    return value.strip()


def parse(data: bytes) -> dict:
    """Check an uploaded template and return it in the ready-made shape; refuse anything odd."""
    if not data:
        raise LadderSetError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise LadderSetError("The file is too large to be a template.")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise LadderSetError("The file is not a template exported from Stepladder.") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("outcomes"), list):
        raise LadderSetError("The file is not a template exported from Stepladder.")
    if not raw["outcomes"] or len(raw["outcomes"]) > MAX_OUTCOMES:
        raise LadderSetError(f"A template holds from 1 to {MAX_OUTCOMES} outcomes.")
    outcomes, names = [], set()
    for n, spec in enumerate(raw["outcomes"], start=1):
        if not isinstance(spec, dict):
            raise LadderSetError(f"Outcome {n} is not written as an outcome.")
        name = _text(spec.get("name"), f"Outcome {n}'s name", 120)
        if name in names:
            raise LadderSetError(f"The outcome “{name}” appears twice.")
        names.add(name)
        rungs = spec.get("rungs")
        if not isinstance(rungs, list) or not 1 <= len(rungs) <= MAX_RUNGS:
            raise LadderSetError(f"“{name}” needs from 1 to {MAX_RUNGS} rungs.")
        outcomes.append(
            {
                "name": name,
                "description": _text(
                    spec.get("description", ""), f"“{name}”'s description", 2000, required=False
                ),
                "rungs": [_text(r, f"A rung of “{name}”", 200) for r in rungs],
            }
        )
    activities = []
    for n, spec in enumerate(raw.get("activities") or [], start=1):
        if not isinstance(spec, dict) or not isinstance(spec.get("outcomes", []), list):
            raise LadderSetError(f"Activity {n} is not written as an activity.")
        activities.append(
            {
                "name": _text(spec.get("name"), f"Activity {n}'s name", 120),
                "outcomes": [
                    o for o in spec.get("outcomes", []) if isinstance(o, str) and o in names
                ],
            }
        )
    return {"name": str(raw.get("name", ""))[:200], "outcomes": outcomes, "activities": activities}
