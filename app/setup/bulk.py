"""Give ladders and key workers to many people at once, from the admin's list of people.

Adds and never removes: a person keeps the outcomes and key workers they already have. All or
nothing: if the form names anyone or anything outside the organisation, nothing changes.
"""

from flask import flash, request, url_for
from sqlalchemy import insert, select

from app.access import allow
from app.audit import record
from app.extensions import db
from app.form_fields import STALE_PAGE
from app.models import Person, Plan, caseload
from app.setup import bp, queries
from app.setup.forms import ButtonForm
from app.setup.people import choices, people_page
from app.setup.saving import saved


def _ids(name: str) -> list[int]:
    """The ids ticked in the checkboxes called `name`; a value that is no id is dropped."""
    return [int(v) for v in request.form.getlist(name) if v.isdigit() and len(v) < 10]


@bp.post("/people/give")
@allow("admin")
def give_to_people():
    """Give the ticked outcomes and key workers to every ticked person."""
    form = ButtonForm()
    people_ids, outcome_ids = _ids("people"), _ids("give_outcome")
    worker_ids = _ids("give_worker")
    offered = choices()
    problem = None
    if not form.validate():
        problem = STALE_PAGE
    elif not people_ids:
        problem = "Tick the people to give outcomes or a key worker to."
    elif not outcome_ids and not worker_ids:
        problem = "Tick at least one outcome or key worker to give them."
    people = list(
        db.session.scalars(
            select(Person).where(
                Person.id.in_(people_ids), Person.organisation_id == queries.organisation().id
            )
        )
    )
    if problem is None and (
        len(people) != len(set(people_ids))
        or not set(outcome_ids) <= {o.id for o in offered["give_outcomes"]}
        or not set(worker_ids) <= {u.id for u in offered["give_workers"]}
    ):
        problem = (
            "The list named someone or something that is not in use in this organisation. "
            "Nothing was changed; please tick them again."
        )
    if problem:
        flash(problem, "error")
        return people_page(status=422)
    plans = [
        {"person_id": p.id, "outcome_id": o, "own_words": ""}
        for p in people
        for o in dict.fromkeys(outcome_ids)
        if o not in {plan.outcome_id for plan in p.plans}
    ]
    links = [
        {"person_id": p.id, "user_id": u}
        for p in people
        for u in dict.fromkeys(worker_ids)
        if u not in {k.id for k in p.key_workers}
    ]
    if plans:
        db.session.execute(insert(Plan), plans)
    if links:
        db.session.execute(insert(caseload), links)
    detail = f"gave {len(set(outcome_ids))} outcomes and {len(set(worker_ids))} key workers"
    for person in people:
        record("setup.change", f"person:{person.id}", detail)
    return saved(f"Gave {len(people)} people their outcomes and key workers.", url_for(".people"))
