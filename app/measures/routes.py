"""A person's measures: what is due, past readings, and taking one (one question per screen)."""

import uuid

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_blocks
from sqlalchemy import select

from app import audit
from app.access import STAFF, allow, just_saved, person_or_404
from app.entries.queries import effective
from app.entries.recording import Conflict, EntryError, parse_recorded_at, parse_uuid
from app.extensions import db
from app.measures import bp, catalogue, due, recording
from app.measures.safeguarding import may_read_concerns
from app.models import Entry, MeasureReading, SafeguardingConcern
from app.params import is_replay
from app.roles import sees_everyone


def _readings(person_id: int) -> list[tuple[MeasureReading, Entry]]:
    """A person's effective readings with their entries, newest first."""
    return list(
        db.session.execute(
            select(MeasureReading, Entry)
            .join(Entry, Entry.id == MeasureReading.entry_id)
            .where(MeasureReading.person_id == person_id, effective())
            .order_by(Entry.recorded_at.desc())
        ).all()
    )


@bp.get("/people/<int:person_id>/measures")
@allow(*STAFF)
def person_measures(person_id: int):
    """A person's measures: each one switched on with its "Start" control, what is due, history."""
    person = person_or_404(person_id)
    org_id = person.organisation_id
    plans = catalogue.plans(org_id)
    saved = just_saved(MeasureReading, person)
    audit.record("measures.view", f"person:{person.id}")
    concerns = db.session.scalar(
        select(db.func.count())
        .select_from(SafeguardingConcern)
        .where(SafeguardingConcern.person_id == person.id)
    )
    return render_template(
        "measures/person.html",
        person=person,
        plans=plans,
        dues=due.due_by_person(org_id, [person]).get(person.id, []),
        readings=_readings(person.id),
        definitions=catalogue.available(org_id),
        saved=saved,
        saved_definition=catalogue.definition(org_id, saved.measure_key) if saved else None,
        concerns=concerns,
        may_read=may_read_concerns(current_user),
        may_correct=may_correct,
        switched_on={d.key for _, d in plans},
        settings=catalogue.settings(org_id),
    )


def _switched_on(person, key: str):
    """The plan and definition of a measure this organisation has switched on, or 404."""
    for plan, definition in catalogue.plans(person.organisation_id):
        if definition.key == key:
            return plan, definition
    abort(404)


def _take_context(person, plan, definition, **extra) -> dict:
    return dict(
        person=person,
        plan=plan,
        definition=definition,
        asked=recording.questions(definition, person),
        settings=catalogue.settings(person.organisation_id),
        entry_id=str(uuid.uuid4()),
        **extra,
    )


@bp.get("/people/<int:person_id>/measures/<key>")
@allow(*STAFF)
def take(person_id: int, key: str):
    """The questionnaire: each question a fieldset, shown one per screen where JavaScript runs."""
    person = person_or_404(person_id)
    plan, definition = _switched_on(person, key)
    prefetch = request.headers.get("X-Stepladder-Prefetch") == "1"
    audit.record("measure.offline_copy" if prefetch else "measure.open", f"person:{person.id}")
    extra = {}
    if corrects := request.args.get("corrects"):
        reading = _correctable(person, definition, corrects)
        extra = dict(
            corrects=reading, answered={f"q_{k}": str(v) for k, v in reading.answers.items()}
        )
    return render_template("measures/take.html", **_take_context(person, plan, definition, **extra))


def may_correct(entry: Entry) -> bool:
    """Office staff may correct any reading; a worker, the readings they took."""
    return current_user.role != "worker" or entry.worker_id == current_user.id


def _correctable(person, definition, entry_id: str) -> MeasureReading:
    """The reading of this measure and person that the user may correct, or 404."""
    try:
        reading = db.session.get(MeasureReading, uuid.UUID(entry_id))
    except ValueError:
        abort(404)
    if reading is None or reading.person_id != person.id or reading.measure_key != definition.key:
        abort(404)
    if not may_correct(db.session.get(Entry, reading.entry_id)):
        abort(404)
    return reading


@bp.post("/people/<int:person_id>/measures/<key>")
@allow(*STAFF)
def record(person_id: int, key: str):
    """Store a completed measure once: 201 new, 200 identical repeat, 409 same id other answers."""
    person = person_or_404(person_id)
    plan, definition = _switched_on(person, key)
    replay = is_replay()
    try:
        entry_id = parse_uuid(request.form.get("id"))
        amends_id = None
        if request.form.get("amends"):
            amends_id = _correctable(person, definition, request.form["amends"]).entry_id
        done = recording.record(
            definition=definition,
            person=person,
            worker=current_user,
            entry_id=entry_id,
            recorded_at=parse_recorded_at(request.form.get("recorded_at")),
            form=request.form,
            amends_id=amends_id,
            reason=(request.form.get("reason") or "")[:2000],
        )
    except EntryError as problem:
        db.session.rollback()
        return _problem(person, plan, definition, str(problem), 422, replay)
    except Conflict:
        return _problem(
            person, plan, definition, "These answers were already saved differently.", 409, replay
        )
    status = 201 if done.created else 200
    if not done.created:
        audit.record("entry.repeat", f"person:{person.id}", f"entry:{entry_id}")
        db.session.commit()
    if replay:
        return {"id": str(entry_id), "created": done.created}, status
    if request.headers.get("HX-Request"):
        context = _take_context(person, plan, definition, finished=done.reading, risks=done.risks)
        return render_blocks(
            "measures/take.html", ["measure", "status"], oob=True, **context
        ), status
    return redirect(url_for(".person_measures", person_id=person.id, saved=entry_id), code=303)


def _problem(person, plan, definition, message: str, status: int, replay: bool):
    """A clear message, nothing stored: JSON for the outbox, the form again otherwise."""
    if replay:
        return {"error": message}, status
    corrects = None
    if amends := request.form.get("amends"):
        corrects = _correctable(person, definition, amends)
    context = _take_context(
        person, plan, definition, problem=message, answered=request.form, corrects=corrects
    )
    if request.headers.get("HX-Request"):
        return render_blocks(
            "measures/take.html", ["measure", "status"], oob=True, **context
        ), status
    return render_template("measures/take.html", **context), status


@bp.get("/people/measures-due")
@allow(*STAFF)
def due_on_my_people():
    """What is due or overdue for the people on My people (a fragment My people loads)."""
    from app.entries import queries as entry_queries

    everyone = sees_everyone(current_user)
    people = [p for p, _ in entry_queries.caseload_people(current_user, everyone=everyone)]
    found = due.due_by_person(current_user.organisation_id, people)
    due_people = [(p, found[p.id]) for p in people if p.id in found]
    return render_template("measures/_my_people_due.html", due_people=due_people)


@bp.get("/people/<int:person_id>/measures-due")
@allow(*STAFF)
def due_on_person(person_id: int):
    """What is due or overdue for one person (a fragment their page loads, so the page keeps
    its statement budget)."""
    person = person_or_404(person_id)
    dues = due.due_by_person(person.organisation_id, [person]).get(person.id, [])
    return render_template("measures/_person_due.html", person=person, dues=dues)
