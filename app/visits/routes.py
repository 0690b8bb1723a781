"""Setting a person's next visit from their page."""

from datetime import timedelta

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user

from app import audit
from app.access import STAFF, allow, person_or_404, scoped
from app.entries.recording import EntryError, parse_recorded_at
from app.extensions import db
from app.local_time import local_today, to_local
from app.models import Activity, NextVisit
from app.params import is_replay
from app.visits.forms import NextVisitForm

bp = Blueprint("visits", __name__)

QUICK = {"today": 0, "tomorrow": 1, "week": 7}
FURTHEST = timedelta(days=366)


@bp.post("/people/<int:person_id>/next-visit")
@allow(*STAFF)
def set_next_visit(person_id: int):
    """Set (or replace) when the worker next expects to see this person."""
    person = person_or_404(person_id)
    form = NextVisitForm()
    form.activity.choices = []
    form.activity.validate_choice = False
    replay = is_replay()
    try:
        if not form.validate():
            raise EntryError("That next visit could not be read: choose a day, or a date and time.")
        tapped = parse_recorded_at(form.recorded_at.data)
        changed = _set(person, form, tapped)
    except EntryError as problem:
        if replay:
            return {"error": str(problem)}, 422
        abort(400, str(problem))
    if replay:
        # Sent from the phone's outbox: a plain answer, and 200 for a plan already overtaken.
        return {"person": person.id, "changed": changed}, 200
    if form.when.data == "clear":
        return redirect(url_for("caseload.person", person_id=person.id), code=303)
    return redirect(url_for("caseload.person", person_id=person.id, visit="set"), code=303)


def _set(person, form: NextVisitForm, tapped) -> bool:
    """Set, replace or clear the person's visit as tapped at `tapped` (naive UTC, the phone's
    time). A plan made after this one is kept: a tap replayed late from a phone without
    signal never overwrites what was set since; replaying the same tap changes nothing."""
    visit = db.session.get(NextVisit, person.id)
    if visit is not None and visit.set_at > tapped:
        return False
    day = to_local(tapped).date()
    if form.when.data == "clear":
        if visit is not None:
            db.session.delete(visit)
            audit.record("visit.clear", f"person:{person.id}")
            db.session.commit()
        return visit is not None
    if form.when.data in QUICK:
        due_on = day + timedelta(days=QUICK[form.when.data])
    elif form.due_on.data is not None:
        due_on = form.due_on.data
    else:
        raise EntryError("Choose a day for the next visit.")
    if not day <= due_on <= day + FURTHEST or due_on > local_today() + FURTHEST:
        raise EntryError("A next visit is from today to a year ahead.")
    activity = scoped(Activity, form.activity.data) if form.activity.data else None
    if visit is not None and (visit.due_on, visit.at, visit.activity_id, visit.set_at) == (
        due_on,
        form.at.data,
        activity.id if activity else None,
        tapped,
    ):
        return False  # the same tap again
    visit = visit or NextVisit(person_id=person.id)
    visit.organisation_id = person.organisation_id
    visit.worker_id = current_user.id
    visit.due_on = due_on
    visit.at = form.at.data
    visit.activity_id = activity.id if activity else None
    visit.set_at = tapped
    db.session.add(visit)
    audit.record("visit.set", f"person:{person.id}", due_on.isoformat())
    db.session.commit()
    return True
