"""My people, a person's page, and recording an entry from it."""

import uuid

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block, render_blocks

from app import audit, local_time, params
from app.access import STAFF, allow, just_saved, person_or_404
from app.caseload import lists
from app.caseload.forms import EntryForm
from app.entries import positions, queries
from app.entries.changes import refusal
from app.entries.recording import (
    Conflict,
    EntryError,
    build_entry,
    parse_recorded_at,
    parse_uuid,
    store,
)
from app.extensions import db
from app.models import Activity, Entry, Person, activities_of
from app.models.clock import utcnow
from app.params import is_replay
from app.roles import OFFICE, sees_everyone
from app.visits import queries as visit_queries

bp = Blueprint("caseload", __name__)


@bp.get("/people")
@allow(*STAFF)
def my_people():
    """My people: the caseload, most recently seen first (or not seen longest), searchable by
    name or reference, and for the office filtered by key worker, ladder, days unseen, status."""
    office = current_user.role in OFFICE
    everyone = sees_everyone(current_user)
    filters = lists.parse(request.args, current_user.organisation_id, office)
    now = utcnow()
    people = lists.people(current_user, filters, everyone, now)
    today = local_time.local_today()
    visits = {person.id: person.next_visit for person, _ in people if person.next_visit}
    if filters.order == "recent":
        # A worker's day starts with who they said they would see today.
        people = visit_queries.today_first(people, visits, today)
    context = dict(
        people=people,
        search=filters.search,
        filters=filters,
        office=office,
        everyone=everyone,
        now=now,
        orders=lists.ORDERS,
        statuses=lists.STATUSES,
        not_seen_choices=lists.NOT_SEEN_CHOICES,
        visits=visits,
        today=today,
    )
    # The ladder and key-worker choices cost two look-ups, so they are drawn only when asked
    # for (or in use): the page a worker's phone fetches ahead stays at its few statements.
    if filters.narrowed or request.args.get("choose"):
        context.update(lists.choices(current_user.organisation_id), choosing=True)
    if request.headers.get("HX-Target") == "people-list":
        return render_block("caseload/my_people.html", "people_list", **context)
    return render_template("caseload/my_people.html", **context)


def _activities() -> list[Activity]:
    return activities_of(current_user.organisation_id, live_only=True)


def _person_context(
    person: Person,
    form: EntryForm | None = None,
    saved: Entry | None = None,
    activity: int | None = None,
) -> dict:
    """What a person's page draws; `activity` is ticked in place of the default if it is one
    of the organisation's live activities (a group register's "Record a step" asks for its
    session's activity, so the step counts under it)."""
    activities = _activities()
    form = form or EntryForm(formdata=None)
    form.id.data = str(uuid.uuid4())
    form.action.data = ""
    form.activity.choices = [(a.id, a.name) for a in activities]
    form.mode.data = current_user.last_mode
    form.minutes.data = None
    timeline = queries.person_entries(person.id, limit=30)
    live = {a.id for a in activities}
    form.activity.data = activity if activity in live else _default_activity(timeline, activities)
    form.keep_activity.data = current_user.carries_activity
    form.keep_activity_drawn.data = "1" if current_user.carries_activity else ""
    climbing, finished = _fold(queries.ladders(person))
    return dict(
        person=person,
        form=form,
        # Ladders still being climbed first; finished ones (top rung reached) fold below them.
        ladders=climbing,
        finished=finished,
        # An undo shows as one quiet line: the entry struck through and marked "removed",
        # without a second line for the removal itself (the full journey keeps both).
        timeline=[e for e in timeline if e.kind != "void"],
        # Looked up in the log, not among the 30 shown: the amending entry may be older.
        amended=queries.amended_map(person.organisation_id, [e.id for e in timeline]),
        saved=saved,
        last_seen=queries.last_seen_at(person.id),
        now=utcnow(),
    )


def _fold(ladders: list[queries.Ladder]) -> tuple[list, list]:
    """The ladders still being climbed, and the finished ones that fold below them."""
    climbing = [ladder for ladder in ladders if not _finished(ladder)]
    finished = [ladder for ladder in ladders if _finished(ladder)]
    if not climbing:
        # Everything finished: nothing to make room for, so the ladders stay open.
        return finished, []
    return climbing, finished


def _finished(ladder: queries.Ladder) -> bool:
    """A ladder whose top rung is the person's current one: nothing left to climb."""
    return ladder.current is not None and not ladder.next_rungs


def _default_activity(timeline: list[Entry], activities: list[Activity]) -> int | None:
    """The activity ticked on a person's page: the one last used with this person (by this
    worker if they have recorded here, else by anyone), else the first in the list.

    Not the activity of the worker's previous person, unless the worker asked for that ("Keep
    this activity for the next person"): a travel-training chip carried over unasked to a
    doorstep visit would be recorded, unseen, against the wrong funder's activity.
    """
    live = {a.id for a in activities}
    if current_user.carries_activity and current_user.last_activity_id in live:
        return current_user.last_activity_id
    used = [e for e in timeline if e.activity_id in live]
    mine = [e for e in used if e.worker_id == current_user.id]
    if mine or used:
        return (mine or used)[0].activity_id
    return activities[0].id if activities else None


@bp.get("/people/<int:person_id>")
@allow(*STAFF)
def person(person_id: int):
    """A person's page: their ladders with the next steps as big buttons, and their timeline."""
    person = person_or_404(person_id)
    saved = just_saved(Entry, person)
    # The service worker fetches the caseload's pages ahead for offline use: that is a copy
    # sent to the worker's phone, not a person opening the page, and the trail says so.
    prefetch = request.headers.get("X-Stepladder-Prefetch") == "1"
    audit.record("person.offline_copy" if prefetch else "person.view", f"person:{person.id}")
    context = _person_context(person, saved=saved, activity=request.args.get("activity", type=int))
    context.update(next_visit=person.next_visit, today=local_time.local_today())
    return render_template("caseload/person.html", **context)


@bp.post("/people/<int:person_id>/entries")
@allow(*STAFF)
def record(person_id: int):
    """Record one entry. Idempotent on the entry's UUID: 201 new, 200 repeat, 409 different."""
    person = person_or_404(person_id)
    form = EntryForm()
    form.activity.choices = []
    replay = is_replay()
    try:
        if not form.validate():
            raise EntryError(_first_error(form))
        if form.parsed_action()[0] == "back":
            return _ask_going_back(person, form, replay)
        entry = _entry_from_form(form, person)
        if _is_lower_step(form, person, entry):
            return _ask_going_back(person, form, replay)
        _keep_activity_choice(form)
        # Noted before storing, so the audit row commits with the entry; a repeat inserts
        # nothing and its note goes with the failed insert (the repeat is noted below).
        audit.record(_entry_action(entry), f"person:{person.id}", f"entry:{entry.id}")
        recorded = store(entry, current_user)
    except EntryError as problem:
        return _answer_problem(person, str(problem), 422, replay)
    except Conflict:
        return _answer_problem(
            person, "This entry was already saved with different details.", 409, replay
        )
    status = 201 if recorded.created else 200
    if not recorded.created:
        audit.record("entry.repeat", f"person:{person.id}", f"entry:{recorded.entry.id}")
    if replay:
        return {"id": str(recorded.entry.id), "created": recorded.created}, status
    if request.headers.get("HX-Request"):
        if recorded.entry.kind in SHORT_ANSWER_KINDS:
            return _tap_answer(person, recorded.entry), status
        context = _person_context(person, saved=recorded.entry)
        return _recorder_fragment(context), status
    return redirect(url_for(".person", person_id=person.id, saved=recorded.entry.id), code=303)


def _is_lower_step(form: EntryForm, person: Person, entry: Entry) -> bool:
    """Check a step or a going back against where the person stood when it was tapped
    (app/entries/positions.py): True for a "step" to a lower rung, which is asked about like a
    tap on "back"; a going back to a rung not below is refused."""
    kind = form.parsed_action()[0]
    if kind not in ("step", "goback"):
        return False
    found = positions.position(person, entry.rung_id, entry.recorded_at, entry.id)
    if kind == "goback":
        positions.check_going_back(found)
        return False
    return found.below


def _keep_activity_choice(form: EntryForm) -> None:
    """Remember the worker's "keep this activity" choice when they changed it on this page;
    stored with the entry, in its commit."""
    if "keep_activity_drawn" not in request.form:
        return  # a form without the box: an undo, or a page drawn before the box existed
    if form.keep_activity.data != (form.keep_activity_drawn.data == "1"):
        current_user.carries_activity = form.keep_activity.data


def _ask_going_back(person: Person, form: EntryForm, replay: bool):
    """A tap on a rung below the current one stores nothing yet: it asks "Back to '<rung>'?",
    and only "Yes" (action goback:<rung>) records going back, as a setback."""
    rung_id = params.parse_id(form.parsed_action()[1] or "")
    ladder = next(
        (lad for lad in queries.ladders(person) for r in lad.lower_rungs if r.id == rung_id), None
    )
    if ladder is None:
        raise EntryError("That step is not below where this person stands now. Please reload.")
    if replay:
        # An offline phone cannot ask; set the entry aside visibly rather than guess.
        return {"error": "Going back to a lower step needs confirming on the person's page."}, 422
    context = _person_context(person)
    rung = next(r for r in ladder.lower_rungs if r.id == rung_id)
    context["going_back"] = dict(rung=rung, current=ladder.current)
    if request.headers.get("HX-Request"):
        return _recorder_fragment(context), 200
    return render_template("caseload/person.html", **context), 200


def _entry_action(entry: Entry) -> str:
    """The audit action for a new entry: created, voided or corrected."""
    if entry.kind == "void":
        return "entry.void"
    return "entry.correct" if entry.amends_id else "entry.create"


# A tap that changes at most one ladder and adds one line is answered with just those: the
# recorder's other parts (activities, the other ladders, the next visit) stay as they are, so
# the answer costs no timeline, activity or last-seen look-up. A note is answered in full: its
# box is emptied and closed.
SHORT_ANSWER_KINDS = frozenset({"step", "setback", "seen", "dna", "void"})


def _tap_answer(person: Person, entry: Entry) -> Response:
    """The status message, the tapped ladder and the entry's timeline line, swapped in by id."""
    struck = db.session.get(Entry, entry.amends_id) if entry.kind == "void" else None
    outcome_id = (struck or entry).outcome_id
    ladder, folded = None, False
    if outcome_id is not None:
        climbing, finished = _fold(queries.ladders(person))
        ladder = next((lad for lad in climbing + finished if lad.outcome.id == outcome_id), None)
        folded = ladder in finished
    status = render_block("caseload/person.html", "status", oob=True, person=person, saved=entry)
    changed = render_template(
        "caseload/tap_answer.html",
        ladder=ladder,
        folded=folded,
        keep_box="keep_activity_drawn" in request.form,
        struck=struck,
        line=None if struck else entry,
    )
    response = make_response(status + changed)
    response.headers["HX-Reswap"] = "none"  # everything in the answer is swapped in by id
    return response


def _recorder_fragment(context: dict) -> str:
    """The recorder (ladders, buttons, timeline) plus the status message, swapped out of band
    into the page's one live region so that screen readers announce it."""
    return render_blocks("caseload/person.html", ["recorder", "status"], oob=True, **context)


def _entry_from_form(form: EntryForm, person: Person) -> Entry:
    kind, arg = form.parsed_action()
    fields = dict(
        entry_id=parse_uuid(form.id.data),
        person=person,
        worker=current_user,
        kind=kind,
        recorded_at=parse_recorded_at(form.recorded_at.data),
        activity_id=form.activity.data or None,
        note=form.note.data or "",
        shareable=form.shareable.data and person.consents_to_stories,
        mode=form.mode.data or None,
        minutes=form.minutes.data,
    )
    try:
        if kind == "step":
            fields["rung_id"] = int(arg or "")
        elif kind == "setback":
            fields["outcome_id"] = int(arg or "")
        elif kind == "goback":
            # Confirmed going back to a lower rung: a setback that names the rung.
            fields.update(kind="setback", rung_id=int(arg or ""))
        elif kind == "void":
            target = db.session.get(Entry, parse_uuid(arg))
            _check_may_void(target, person)
            fields.update(amends_id=target.id, reason=form.reason.data or "Undone straight away")
            fields.update(activity_id=None, note="", mode=None, minutes=None)
    except EntryError:
        raise
    except ValueError:
        raise EntryError(
            "That button did not say what to record. Please reload the page."
        ) from None
    return build_entry(**fields)


def _check_may_void(target: Entry | None, person: Person) -> None:
    """Undo follows the one rule for changing entries (app/entries/changes.py).

    Whether the entry was already undone is left to the database (an entry is amended at
    most once, a unique key), so a replayed undo is an identical repeat, not a refusal.
    """
    if target is None or target.person_id != person.id:
        raise EntryError("The entry to undo was not found for this person.")
    if reason := refusal(target, current_user, utcnow()):
        raise EntryError(reason)


def _first_error(form: EntryForm) -> str:
    for name, errors in form.errors.items():
        if name == "id":
            return "This entry has no id. Please reload the page and try again."
        if name == "action":
            return "Choose what to record."
        return f"{getattr(form, name).label.text}: {errors[0]}"
    return "Please check the entry."


def _answer_problem(person: Person, message: str, status: int, replay: bool):
    """A clear message, nothing stored: JSON for the outbox, a fragment for htmx, else the page."""
    if replay:
        return {"error": message}, status
    context = _person_context(person)
    context["problem"] = message
    if request.headers.get("HX-Request"):
        return _recorder_fragment(context), status
    return render_template("caseload/person.html", **context), status
