"""Setting a person's next visit from their page."""

from datetime import timedelta

from flask import Blueprint, abort, redirect, url_for
from flask_login import current_user

from app import audit
from app.access import STAFF, allow, person_or_404, scoped
from app.extensions import db
from app.local_time import local_today
from app.models import Activity, NextVisit
from app.models.clock import utcnow
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
    if not form.validate():
        abort(400, "That next visit could not be read: choose a day, or a date and time.")
    today = local_today()
    if form.when.data == "clear":
        if visit := db.session.get(NextVisit, person.id):
            db.session.delete(visit)
            audit.record("visit.clear", f"person:{person.id}")
            db.session.commit()
        return redirect(url_for("caseload.person", person_id=person.id), code=303)
    if form.when.data in QUICK:
        due_on = today + timedelta(days=QUICK[form.when.data])
    elif form.due_on.data is not None:
        due_on = form.due_on.data
    else:
        abort(400, "Choose a day for the next visit.")
    if not today <= due_on <= today + FURTHEST:
        abort(400, "A next visit is from today to a year ahead.")
    activity = scoped(Activity, form.activity.data) if form.activity.data else None
    visit = db.session.get(NextVisit, person.id) or NextVisit(person_id=person.id)
    visit.organisation_id = person.organisation_id
    visit.worker_id = current_user.id
    visit.due_on = due_on
    visit.at = form.at.data
    visit.activity_id = activity.id if activity else None
    visit.set_at = utcnow()
    db.session.add(visit)
    audit.record("visit.set", f"person:{person.id}", due_on.isoformat())
    db.session.commit()
    return redirect(url_for("caseload.person", person_id=person.id, visit="set"), code=303)
