"""Outcomes and their ladders: adopt from the ready-made template or start blank, then edit.

A rung is retired, never deleted: entries that reached it keep showing it, and it is only
no longer offered as a button on a person's page.
"""

from flask import redirect, render_template, request, url_for

from app.access import allow, scoped, scoped_under
from app.audit import record
from app.extensions import db
from app.models import Outcome, Rung
from app.setup import bp, queries
from app.setup.forms import (
    ButtonForm,
    LibraryForm,
    OutcomeForm,
    RungForm,
    named_uniquely,
    offered,
    options,
)
from app.setup.library import adopt_outcomes, available_outcomes
from app.setup.ordering import add_list_routes, move, next_position, set_retired
from app.setup.saving import saved


def _library_form(formdata=True) -> LibraryForm:
    """The ready-made template's outcomes as checkboxes, all ticked where there are none yet."""
    available = available_outcomes()
    form = LibraryForm() if formdata else LibraryForm(formdata=None)
    form.outcomes.choices = options((o["name"], o["name"]) for o in available)
    if not formdata and not queries.outcomes():
        form.outcomes.data = [o["name"] for o in available]
    form.descriptions = {o["name"]: o for o in available}
    return form


def _list_page(
    status: int = 200, add: OutcomeForm | None = None, library: LibraryForm | None = None
):
    rows = queries.outcomes(with_rungs=True)
    return render_template(
        "setup/outcomes.html",
        live=[o for o in rows if not o.retired],
        retired=[o for o in rows if o.retired],
        add=add or OutcomeForm(formdata=None),
        library=library or _library_form(formdata=False),
        button=ButtonForm(),
    ), status


@bp.get("/outcomes")
@allow("admin")
def outcomes():
    """The outcomes that matter: the organisation's ladders, and the ready-made template."""
    return _list_page()


@bp.post("/outcomes")
@allow("admin")
def add_outcome():
    """Start a blank outcome; its rungs are added on its own page."""
    form = OutcomeForm()
    if not named_uniquely(form, queries.outcomes, "an outcome"):
        return _list_page(422, add=form)
    org = queries.organisation()
    outcome = Outcome(
        organisation_id=org.id,
        name=form.name.data,
        description=form.description.data or "",
        position=next_position(queries.outcomes()),
    )
    db.session.add(outcome)
    db.session.flush()
    record("setup.create", f"outcome:{outcome.id}", outcome.name)
    return saved(
        f"Added “{outcome.name}”. Now add the steps of its ladder.",
        url_for(".outcome", outcome_id=outcome.id),
    )


@bp.post("/outcomes/library")
@allow("admin")
def adopt_library_outcomes():
    """Adopt the ticked outcomes from the ready-made template, rungs and links included."""
    form = _library_form()
    names = form.outcomes.data or []
    unknown = set(names) - offered(form.outcomes)
    if unknown or not names:
        form.outcomes.errors = (
            ["Tick at least one outcome to add."]
            if not names
            else [
                "That outcome is not in the ready-made template, "
                "or this organisation already has it."
            ]
        )
        return _list_page(422, library=form)
    org = queries.organisation()
    created = adopt_outcomes(org, names)
    record(
        "setup.create",
        f"organisation:{org.id}",
        "outcomes from the ready-made template: " + ", ".join(names),
    )
    return saved(f"Added {len(created)} outcomes with their ladders.", url_for(".outcomes"))


def _outcome_page(
    outcome: Outcome,
    status: int = 200,
    details: OutcomeForm | None = None,
    add: RungForm | None = None,
    editing=None,
):
    """One outcome's page; `editing` is (rung id, form) when a rung's new text needs fixing."""
    return render_template(
        "setup/outcome.html",
        outcome=outcome,
        live=[r for r in outcome.rungs if not r.retired],
        retired=[r for r in outcome.rungs if r.retired],
        details=details or OutcomeForm(obj=outcome, formdata=None),
        add=add or RungForm(formdata=None),
        editing=editing or (None, None),
        button=ButtonForm(),
    ), status


@bp.get("/outcomes/<int:outcome_id>")
@allow("admin")
def outcome(outcome_id: int):
    """One outcome: its name, description, and its ladder of rungs."""
    return _outcome_page(scoped(Outcome, outcome_id))


@bp.post("/outcomes/<int:outcome_id>")
@allow("admin")
def edit_outcome(outcome_id: int):
    """Rename or describe an outcome."""
    outcome = scoped(Outcome, outcome_id)
    form = OutcomeForm()
    if not named_uniquely(form, queries.outcomes, "an outcome", outcome.id):
        return _outcome_page(outcome, 422, details=form)
    record("setup.change", f"outcome:{outcome.id}", f"name “{form.name.data}”; description updated")
    outcome.name = form.name.data
    outcome.description = form.description.data or ""
    return saved("Saved.", url_for(".outcome", outcome_id=outcome.id))


# Moving, retiring and restoring an outcome: the same views as for activities.
add_list_routes(Outcome, "outcome", "outcomes", queries.outcomes)


# --- rungs -----------------------------------------------------------------------------------


def _rung(outcome: Outcome, rung_id: int) -> Rung:
    """A rung of this outcome; 404 for another outcome's rung or another organisation's."""
    return scoped_under(Rung, rung_id, outcome_id=outcome.id)


@bp.post("/outcomes/<int:outcome_id>/rungs")
@allow("admin")
def add_rung(outcome_id: int):
    """Add a rung at the top of the ladder."""
    outcome = scoped(Outcome, outcome_id)
    form = RungForm()
    if not form.validate():
        return _outcome_page(outcome, 422, add=form)
    rung = Rung(
        organisation_id=outcome.organisation_id,
        outcome_id=outcome.id,
        text=form.text.data,
        position=next_position(outcome.rungs),
    )
    db.session.add(rung)
    db.session.flush()
    record("setup.create", f"rung:{rung.id}", f"{outcome.name}: {rung.text}")
    return saved(f"Added “{rung.text}”.", url_for(".outcome", outcome_id=outcome.id))


@bp.post("/outcomes/<int:outcome_id>/rungs/<int:rung_id>/rename")
@allow("admin")
def rename_rung(outcome_id: int, rung_id: int):
    """Reword a rung; entries that reached it show the new words."""
    outcome = scoped(Outcome, outcome_id)
    rung = _rung(outcome, rung_id)
    form = RungForm()
    if not form.validate():
        return _outcome_page(outcome, 422, editing=(rung.id, form))
    record("setup.change", f"rung:{rung.id}", f"reworded from “{rung.text}” to “{form.text.data}”")
    rung.text = form.text.data
    return saved("Saved.", url_for(".outcome", outcome_id=outcome.id))


@bp.post("/outcomes/<int:outcome_id>/rungs/<int:rung_id>/move")
@allow("admin")
def move_rung(outcome_id: int, rung_id: int):
    """Move a rung one place up or down its ladder."""
    outcome = scoped(Outcome, outcome_id)
    rung = _rung(outcome, rung_id)
    direction = request.form.get("direction", "")
    # The ladder is drawn top rung first, so "up" climbs: towards a higher position, which
    # is "down" the list of positions that `move` walks.
    towards = {"up": "down", "down": "up"}.get(direction, "")
    if move(outcome.rungs, rung, towards):
        record("setup.change", f"rung:{rung.id}", f"moved {direction}")
        db.session.commit()
    return redirect(url_for(".outcome", outcome_id=outcome.id), code=303)


@bp.post("/outcomes/<int:outcome_id>/rungs/<int:rung_id>/retire")
@allow("admin")
def retire_rung(outcome_id: int, rung_id: int):
    """Retire a rung: no longer a button on anyone's ladder; its entries keep showing it."""
    outcome = scoped(Outcome, outcome_id)
    return _set_rung_retired(outcome, _rung(outcome, rung_id), True)


@bp.post("/outcomes/<int:outcome_id>/rungs/<int:rung_id>/restore")
@allow("admin")
def restore_rung(outcome_id: int, rung_id: int):
    """Put a retired rung back on its ladder, in its old place."""
    outcome = scoped(Outcome, outcome_id)
    return _set_rung_retired(outcome, _rung(outcome, rung_id), False)


def _set_rung_retired(outcome: Outcome, rung: Rung, retired: bool):
    """Retire or restore a rung and go back to its ladder."""
    back = url_for(".outcome", outcome_id=outcome.id)
    return set_retired(rung, retired, f"rung:{rung.id}", rung.text, back)
