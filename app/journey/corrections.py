"""Void or correct an entry: a new entry that points at the old one, with a required reason.

Nothing is edited in place. Office staff may change any entry of their organisation;
a worker may change only their own, within the undo window, from "My week".
"""

import uuid

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app import audit
from app.access import STAFF, allow
from app.entries import queries
from app.entries.recording import Conflict, EntryError, build_entry, parse_uuid, store
from app.extensions import db
from app.journey.forms import CorrectionForm, VoidForm
from app.journey.routes import bp
from app.journey.rules import changeable_entry
from app.models import Entry, Outcome, activities_of
from app.models.clock import utcnow


def _back(entry: Entry) -> str:
    if current_user.role == "worker":
        return url_for("week.index")
    return url_for("journey.person", person_id=entry.person_id)


def _check_open(entry: Entry, own_id: uuid.UUID) -> None:
    """An entry is changed once: refuse if something else already voids or corrects it."""
    if entry.kind == "void":
        raise EntryError("A removal cannot itself be changed.")
    other = queries.amender_of(entry.id)
    if other is not None and other.id != own_id:
        raise EntryError("That entry has already been removed or corrected.")


def _store_change(change: Entry, action: str) -> Entry:
    """Store the void or correction with its one audit row, in the same commit."""
    # The reason is free text that erasure scrubs from the entry, so the trail names the
    # new entry that holds it rather than copying it.
    audit.record(action, f"entry:{change.amends_id}", f"entry:{change.id}")
    try:
        return store(change, current_user).entry
    except Conflict:
        raise EntryError("This change was already saved with different details.") from None


def _correction_choices(form: CorrectionForm, entry: Entry) -> None:
    """Fill the correction form's menus from the organisation's live ladders and activities."""
    org = current_user.organisation_id
    outcomes = list(
        db.session.scalars(
            select(Outcome)
            .where(Outcome.organisation_id == org, ~Outcome.retired)
            .order_by(Outcome.position, Outcome.name)
        )
    )
    # Rungs grouped by their outcome, so the menu reads like the ladders.
    form.rung.choices = [SelectChoice(0, "—")] + [
        SelectChoice(r.id, r.text, optgroup=o.name) for o in outcomes for r in o.live_rungs
    ]
    form.outcome.choices = [SelectChoice(0, "—")] + [SelectChoice(o.id, o.name) for o in outcomes]
    activities = activities_of(org, live_only=True)
    form.activity.choices = [SelectChoice(0, "No activity")] + [
        SelectChoice(a.id, a.name) for a in activities
    ]


def _page(entry: Entry, void_form: VoidForm, correction_form: CorrectionForm, status=200):
    _correction_choices(correction_form, entry)
    return render_template(
        "journey/change.html",
        entry=entry,
        person=entry.person,
        void_form=void_form,
        correction_form=correction_form,
        back=_back(entry),
    ), status


def _fresh_forms(entry: Entry) -> tuple[VoidForm, CorrectionForm]:
    void_form = VoidForm(formdata=None, id=str(uuid.uuid4()))
    correction = CorrectionForm(
        formdata=None,
        id=str(uuid.uuid4()),
        kind=entry.kind,
        rung=entry.rung_id or 0,
        outcome=entry.outcome_id or 0,
        activity=entry.activity_id or 0,
        note=entry.note,
    )
    return void_form, correction


@bp.get("/entries/<uuid:entry_id>/change")
@allow(*STAFF)
def change(entry_id: uuid.UUID):
    """Remove or correct one entry: both forms, each needing a reason."""
    entry = changeable_entry(entry_id)
    return _page(entry, *_fresh_forms(entry))


def _apply(entry: Entry, form, forms: tuple, action: str, details, done: str):
    """Store a void or a correction of `entry` from `form` (one of the page's `forms`), then
    go back saying `done`; on a problem, the page again with the problem on the form.

    `details(form)` gives the new entry's own fields, or raises EntryError; the person, the
    entry it amends and the reason are the same for both."""
    try:
        if not form.validate():
            raise EntryError(next(iter(form.errors.values()))[0])
        fields = details(form)
        own_id = parse_uuid(form.id.data)
        _check_open(entry, own_id)
        change_entry = build_entry(
            entry_id=own_id,
            person=entry.person,
            amends_id=entry.id,
            reason=form.reason.data,
            **fields,
        )
        _store_change(change_entry, action)
    except EntryError as problem:
        db.session.rollback()
        form.form_errors.append(str(problem))
        return _page(entry, *forms, status=422)
    flash(done, "info")
    return redirect(_back(entry), code=303)


@bp.post("/entries/<uuid:entry_id>/void")
@allow(*STAFF)
def void(entry_id: uuid.UUID):
    """Void an entry: a new 'void' entry pointing at it, with the reason."""
    entry = changeable_entry(entry_id)
    form = VoidForm()
    _, correction = _fresh_forms(entry)

    def details(form: VoidForm) -> dict:
        return dict(worker=current_user, kind="void", recorded_at=utcnow())

    done = "Entry removed. The timeline keeps it, struck through, with your reason."
    return _apply(entry, form, (form, correction), "void", details, done)


@bp.post("/entries/<uuid:entry_id>/correct")
@allow(*STAFF)
def correct(entry_id: uuid.UUID):
    """Correct an entry: a new entry with the right details replaces it, with the reason.
    The correction keeps the original's time and worker (the work was theirs)."""
    entry = changeable_entry(entry_id)
    void_form, _ = _fresh_forms(entry)
    form = CorrectionForm()

    def details(form: CorrectionForm) -> dict:
        if form.kind.data == "step" and not form.rung.data:
            raise EntryError("Choose the step that was reached.")
        if form.kind.data == "setback" and not form.outcome.data:
            raise EntryError("Choose the outcome the setback was on.")
        return dict(
            worker=entry.worker,
            kind=form.kind.data,
            recorded_at=entry.recorded_at,
            rung_id=form.rung.data or None,
            outcome_id=form.outcome.data or None,
            activity_id=form.activity.data or None,
            note=form.note.data or "",
            shareable=entry.shareable,
        )

    done = "Entry corrected. The timeline shows the old and the new, with your reason."
    return _apply(entry, form, (void_form, form), "correct", details, done)
