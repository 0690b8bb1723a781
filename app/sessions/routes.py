"""Group sessions: the list, starting a session, and its register."""

import uuid
from datetime import timedelta

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_blocks
from sqlalchemy import select

from app import audit, local_time
from app.access import STAFF, allow, can_see_person, organisation_row, scoped
from app.entries import queries
from app.entries.recording import Conflict, EntryError, parse_recorded_at, parse_uuid
from app.extensions import db
from app.models import Activity, Entry, GroupSession, Person, User, activities_of, caseload
from app.params import MAX_ID, is_replay
from app.roles import sees_everyone
from app.sessions import register
from app.sessions.forms import AddPersonForm, NewSessionForm, RegisterForm

bp = Blueprint("sessions", __name__, url_prefix="/sessions")

# A register may be saved late (the phone was offline, the paperwork waited), not forever.
OLDEST = timedelta(days=365)


def _org_sessions():
    return select(GroupSession).where(GroupSession.organisation_id == current_user.organisation_id)


def _sees_every_session() -> bool:
    return sees_everyone(current_user)


def _my_sessions():
    """The sessions the user may open: a worker's own (run or started by them), unless the
    service lets workers see everyone; office staff see the organisation's."""
    query = _org_sessions()
    if not _sees_every_session():
        query = query.where(
            (GroupSession.created_by_id == current_user.id)
            | GroupSession.facilitators.any(User.id == current_user.id)
        )
    return query


def _session_or_404(group_session_id: int) -> GroupSession:
    """A session the signed-in user may open, or 404 (another organisation's, or for a
    worker, one they neither started nor ran: its register names people off their caseload)."""
    if not 0 < group_session_id <= MAX_ID:
        abort(404)
    session = db.session.scalar(_my_sessions().where(GroupSession.id == group_session_id))
    if session is None:
        abort(404)
    return session


def _visible_ids(people: list[Person]) -> set[int]:
    """Which of these people the user may open (for "Record a step"), in one query."""
    ids = {p.id for p in people}
    if _sees_every_session() or not ids:
        return ids
    return set(
        db.session.scalars(
            select(caseload.c.person_id).where(
                caseload.c.user_id == current_user.id, caseload.c.person_id.in_(ids)
            )
        )
    )


@bp.get("")
@allow(*STAFF)
def index():
    """Recent and coming group sessions, with registers not yet saved marked as overdue."""
    sessions = db.session.scalars(
        _my_sessions()
        .order_by(GroupSession.held_on.desc(), GroupSession.starts_at.desc(), GroupSession.id)
        .limit(60)
    ).all()
    counts = _attendance_counts([s.id for s in sessions])
    return render_template(
        "sessions/index.html", sessions=sessions, counts=counts, today=local_time.local_today()
    )


def _attendance_counts(session_ids: list[int]) -> dict[int, dict[str, int]]:
    """For each session, how many attended and how many did not, in one grouped query."""
    counts = {sid: {"seen": 0, "dna": 0} for sid in session_ids}
    if session_ids:
        rows = db.session.execute(
            select(Entry.session_id, Entry.kind, db.func.count())
            .where(Entry.session_id.in_(session_ids), queries.effective())
            .group_by(Entry.session_id, Entry.kind)
        )
        for session_id, kind, n in rows:
            counts[session_id][kind] = n
    return counts


def _activities() -> list[Activity]:
    return activities_of(current_user.organisation_id, live_only=True)


def _new_form() -> NewSessionForm:
    form = NewSessionForm()
    everyone = sees_everyone(current_user)
    form.activity.choices = [(a.id, a.name) for a in _activities()]
    staff = db.session.scalars(
        select(User)
        .where(
            User.organisation_id == current_user.organisation_id,
            User.active,
            User.role.in_(STAFF),
        )
        .order_by(User.name)
    )
    form.facilitators.choices = [(u.id, u.name) for u in staff]
    people = queries.caseload_people(current_user, everyone=everyone)
    form.people.choices = sorted(
        ((p.id, p.display_name) for p, _ in people), key=lambda c: c[1].lower()
    )
    return form


@bp.route("/new", methods=["GET", "POST"])
@allow(*STAFF)
def new():
    """Start a session of an activity: its day, time, facilitators and the people expected."""
    form = _new_form()
    if request.method == "GET":
        form.held_on.data = local_time.local_today()
        form.facilitators.data = [current_user.id]
        form.regulars.data = True
        if activity := request.args.get("activity", type=int):
            form.activity.data = activity
        return render_template("sessions/new.html", form=form)
    if not form.validate():
        return render_template("sessions/new.html", form=form), 422
    today = local_time.local_today()
    if not today - OLDEST <= form.held_on.data <= today + OLDEST:
        form.held_on.errors.append("Choose a day within a year of today.")
        return render_template("sessions/new.html", form=form), 422
    activity = scoped(Activity, form.activity.data)
    chosen = set(form.people.data or [])
    members = [p for p, _ in _visible(chosen)]
    if form.regulars.data:
        members += [p for p in _last_members(activity.id) if p.id not in chosen]
    facilitator_ids = set(form.facilitators.data or []) or {current_user.id}
    session = GroupSession(
        organisation_id=current_user.organisation_id,
        activity_id=activity.id,
        held_on=form.held_on.data,
        starts_at=form.starts_at.data,
        minutes=form.minutes.data,
        offers_left_early=form.left_early.data,
        created_by_id=current_user.id,
        members=members,
        facilitators=list(
            db.session.scalars(
                select(User).where(
                    User.id.in_(facilitator_ids),
                    User.organisation_id == current_user.organisation_id,
                )
            )
        ),
    )
    db.session.add(session)
    db.session.flush()
    audit.record("session.create", f"session:{session.id}")
    db.session.commit()
    return redirect(url_for(".show", group_session_id=session.id), code=303)


def _visible(person_ids: set[int]):
    """Of these people, those the signed-in user may put on a register (id-checked)."""
    if not person_ids:
        return []
    everyone = sees_everyone(current_user)
    return [
        row
        for row in queries.caseload_people(current_user, everyone=everyone)
        if row[0].id in person_ids
    ]


def _last_members(activity_id: int) -> list[Person]:
    """The regular members: the people on this activity's most recent register."""
    last = db.session.scalar(
        _org_sessions()
        .where(GroupSession.activity_id == activity_id)
        .order_by(GroupSession.held_on.desc(), GroupSession.id.desc())
        .limit(1)
    )
    return [p for p in last.members if p.status == "active"] if last else []


def _register_context(session: GroupSession, form: RegisterForm | None = None, **extra) -> dict:
    form = form or RegisterForm(formdata=None)
    form.id.data = str(uuid.uuid4())
    marks, attended = {}, set()
    if session.register_id:
        saved = db.session.scalars(
            select(Entry).where(Entry.session_id == session.id, queries.effective())
        ).all()
        marks = {e.person_id: _mark_words(e) for e in saved}
        attended = {e.person_id for e in saved if e.kind == "seen"}
    search = request.args.get("q", "")[:100].strip()
    matches = []
    if search and not session.register_id:
        everyone = sees_everyone(current_user)
        on_register = {p.id for p in session.members}
        matches = [
            p
            for p, _ in queries.caseload_people(current_user, search, everyone=everyone)
            if p.id not in on_register
        ][:10]
    return dict(
        session=session,
        form=form,
        marks=marks,
        search=search,
        matches=matches,
        add_form=AddPersonForm(formdata=None),
        # Only someone who came took a step at the session.
        step_links=_visible_ids([p for p in session.members if p.id in attended]),
        today=local_time.local_today(),
        **extra,
    )


@bp.get("/<int:group_session_id>")
@allow(*STAFF)
def show(group_session_id: int):
    """A session's register: one fieldset per person, Attended or Did not attend."""
    session = _session_or_404(group_session_id)
    audit.record("session.view", f"session:{session.id}")
    return render_template("sessions/register.html", **_register_context(session))


@bp.post("/<int:group_session_id>/people")
@allow(*STAFF)
def add_person(group_session_id: int):
    """Add someone found by search to a register not yet saved."""
    session = _session_or_404(group_session_id)
    form = AddPersonForm()
    if not form.validate():
        abort(400, "Choose who to add to the register.")
    person = organisation_row(Person, form.person.data, current_user.organisation_id)
    if person is None or not can_see_person(current_user, person):
        abort(404)
    if session.register_id:
        abort(409, "This register is already saved.")
    if person not in session.members:
        session.members.append(person)
        audit.record("session.add_person", f"session:{session.id}", f"person:{person.id}")
        db.session.commit()
    return redirect(url_for(".show", group_session_id=session.id), code=303)


@bp.post("/<int:group_session_id>/register")
@allow(*STAFF)
def save_register(group_session_id: int):
    """Save the register: one entry per person marked, exactly once however often replayed."""
    session = _session_or_404(group_session_id)
    form = RegisterForm()
    replay = is_replay()
    try:
        if not form.validate():
            raise EntryError(_first_error(form))
        register_id = parse_uuid(form.id.data)
        marks = _marks(request.form)
        anonymous = form.anonymous.data or 0
        entries = register.build(
            session,
            current_user,
            register_id,
            marks,
            anonymous,
            parse_recorded_at(form.recorded_at.data),
        )
        audit.record("session.register", f"session:{session.id}", f"register:{register_id}")
        saved = register.save(session, register_id, entries, anonymous)
    except EntryError as problem:
        return _answer(session, str(problem), 422, replay)
    except Conflict as conflict:
        return _answer(session, str(conflict), 409, replay)
    status = 201 if saved.created else 200
    if replay:
        return {"id": str(register_id), "created": saved.created, "entries": len(entries)}, status
    session = db.session.get(GroupSession, group_session_id)
    if request.headers.get("HX-Request"):
        return _fragment(_register_context(session, saved=saved)), status
    return redirect(url_for(".show", group_session_id=session.id), code=303)


def _mark_words(entry: Entry) -> str:
    """How a saved register reads one person's entry."""
    if entry.kind == "dna":
        return "Did not attend"
    return "Left early" if entry.note == register.LEFT_EARLY_NOTE else "Attended"


def _marks(data) -> dict[int, str]:
    """The register's marks from fields named person-<id>; a bad name is a clear refusal."""
    marks = {}
    for name, value in data.items():
        if name.startswith("person-"):
            try:
                person_id = int(name.removeprefix("person-"))
            except ValueError:
                raise EntryError("The register was not sent as drawn. Please reload.") from None
            if value:
                marks[person_id] = value
    return marks


def _first_error(form: RegisterForm) -> str:
    for name, errors in form.errors.items():
        if name == "id":
            return "This register has no id. Please reload the page and try again."
        return f"{getattr(form, name).label.text}: {errors[0]}"
    return "Please check the register."


def _fragment(context: dict) -> str:
    """The register plus the status message, swapped out of band into the live region."""
    return render_blocks("sessions/register.html", ["register", "status"], oob=True, **context)


def _answer(session: GroupSession, message: str, status: int, replay: bool):
    """A clear message, nothing stored: JSON for the outbox, a fragment for htmx, else the page."""
    if replay:
        return {"error": message}, status
    db.session.rollback()
    context = _register_context(session, problem=message)
    if request.headers.get("HX-Request"):
        return _fragment(context), status
    return render_template("sessions/register.html", **context), status
