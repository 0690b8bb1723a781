"""The ready-made template's outcome ladders, as an organisation adopts from it."""

from app import ladder_templates
from app.models import Organisation, Outcome
from app.setup import queries


def available_outcomes() -> list[dict]:
    """The template's outcomes that the organisation does not have yet (by name)."""
    have = {o.name for o in queries.outcomes()}
    return [spec for spec in ladder_templates.load()["outcomes"] if spec["name"] not in have]


def adopt_outcomes(org: Organisation, names: list[str]) -> list[Outcome]:
    """Copy the named template outcomes, with their rungs, into the organisation.

    The template's links are made only to activities the organisation already has from the
    template (under its name, or renamed): an activity the admin removed is not brought back.
    """
    template = ladder_templates.load()
    have = {name for a in queries.activities() for name in (a.name, a.template_name) if name}
    chosen = {"outcomes": [o for o in template["outcomes"] if o["name"] in names]}
    chosen["activities"] = [
        {"name": a["name"], "outcomes": [n for n in a.get("outcomes", []) if n in names]}
        for a in template.get("activities", [])
        if a["name"] in have
    ]
    return ladder_templates.adopt(org, chosen)
