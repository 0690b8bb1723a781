"""The wording funders may read: shareable notes checked and approved by a worker or supervisor."""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import exists, select
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from app.access import allow, can_see_person
from app.audit import record
from app.entries.queries import effective
from app.extensions import db
from app.models import Entry, Person, Story, caseload
from app.models.clock import utcnow
from app.roles import sees_everyone
from app.stories.check import Known, problems, suggest

bp = Blueprint("stories", __name__, url_prefix="/stories")
APPROVERS = ("worker", "supervisor")
SHOWN = 50


class StoryForm(FlaskForm):
    wording = TextAreaField(
        "Wording funders will see", validators=[DataRequired(), Length(max=2000)]
    )


def _shareable():
    """Effective shareable notes of consenting people this user may see, newest first."""
    query = (
        select(Entry, Person, Story)
        .join(Person, Person.id == Entry.person_id)
        .outerjoin(Story, Story.entry_id == Entry.id)
        .where(
            Entry.organisation_id == current_user.organisation_id,
            Entry.shareable,
            Entry.note != "",
            effective(),
            Person.erased_at.is_(None),
        )
        .order_by(Entry.recorded_at.desc())
        .limit(SHOWN * 4)
    )
    if not sees_everyone(current_user):
        # A worker's own caseload, in the query rather than one check per note.
        query = query.join(
            caseload,
            (caseload.c.person_id == Person.id) & (caseload.c.user_id == current_user.id),
        )
    rows = db.session.execute(query).all()
    return [row for row in rows if row[1].consents_to_stories][:SHOWN]


@bp.get("/")
@allow(*APPROVERS)
def index():
    """Shareable notes waiting for approved wording, and the wording already approved."""
    known = Known.for_organisation(current_user.organisation_id)
    items = []
    for entry, person, story in _shareable():
        wording = story.wording if story else suggest(entry.note, known)
        # One form per note on the page: a prefix keeps their fields' ids apart.
        form = StoryForm(formdata=None, prefix=entry.id.hex, wording=wording)
        items.append(dict(entry=entry, person=person, story=story, form=form))
    record("stories.view", "stories", f"{len(items)} notes")
    return render_template("stories/index.html", items=items)


def _may_share(entry: Entry, person: Person) -> bool:
    """A note may become a story while it is shareable, counts, and its person consents."""
    counts = db.session.scalar(select(exists().where(Entry.id == entry.id, effective())))
    return entry.shareable and counts and person.consents_to_stories and not person.erased_at


@bp.post("/<uuid:entry_id>")
@allow(*APPROVERS)
def approve(entry_id: uuid.UUID):
    """Approve (and perhaps edit) the wording funders see; the note itself never changes."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.organisation_id != current_user.organisation_id:
        abort(404)
    person = entry.person
    if not can_see_person(current_user, person):
        abort(404)
    form = StoryForm(prefix=entry.id.hex)
    if form.validate_on_submit():
        if not _may_share(entry, person):
            form.wording.errors = [
                "This note may not be shared: it is no longer marked shareable, was undone or "
                "corrected, or the person has not agreed to stories."
            ]
        else:
            known = Known.for_organisation(entry.organisation_id)
            form.wording.errors = problems(form.wording.data, known)
    if form.errors or not form.is_submitted() or form.wording.errors:
        page = dict(entry=entry, person=person, story=None, form=form)
        return render_template("stories/index.html", items=[page], refused=True), 422
    story = db.session.scalar(select(Story).where(Story.entry_id == entry.id))
    if story is None:
        story = Story(organisation_id=entry.organisation_id, entry_id=entry.id)
        db.session.add(story)
    story.wording = form.wording.data.strip()
    story.approved_by_id = current_user.id
    story.approved_at = utcnow()
    record("story.approve", f"person:{person.id}", f"entry:{entry.id}")
    db.session.commit()
    flash("Approved: funders will see this wording.", "info")
    return redirect(url_for(".index"), code=303)
