"""Pages send a fixed number of SQL statements, however many people, plans or entries there are.

Each test measures a page on a small world, grows the world, and measures again: the count
must not move (no query per row), and it must stay within the budget the page was tuned to
(the session look-up and, for a person, the caseload check and the audit row included).
"""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Entry
from app.models.clock import utcnow
from tests.fixtures.factories import make_activity, make_entry, make_outcome, make_person
from tests.fixtures.statements import count_statements

LIVE = {"HX-Request": "true", "HX-Target": "live"}


def _statements(client, method: str, path: str, **kwargs) -> int:
    """How many statements one request sends (after a first request warms the session)."""
    with count_statements() as seen:
        response = getattr(client, method)(path, **kwargs)
    assert response.status_code < 400, response.status_code
    return len(seen)


def _seen_once(w):
    """One entry for the first person, so the small world already has a timeline to check."""
    make_entry(w.person, w.worker, "step", rung=w.outcome.rungs[0])
    db.session.commit()


def _grow_person(w, person, outcomes: int = 3, steps: int = 3):
    """Give a person more outcomes to work on, with steps, setbacks and notes on each."""
    worker = w.worker
    for _ in range(outcomes):
        outcome = make_outcome(w.org)
        person.plans.append(type(person.plans[0])(outcome=outcome))
        db.session.flush()
        for n, rung in enumerate(outcome.rungs[:steps]):
            make_entry(person, worker, "step", at=utcnow() - timedelta(days=10 - n), rung=rung)
        make_entry(
            person, worker, "setback", at=utcnow() - timedelta(days=2), outcome_id=outcome.id
        )
        make_entry(person, worker, "note", at=utcnow() - timedelta(days=1), note="Went well")
    db.session.commit()


def _grow_caseload(w, people: int = 5):
    """More people on the worker's caseload, each seen a few times, one never seen."""
    for n in range(people):
        person = make_person(w.org, [w.worker], [w.outcome])
        for days in range(n % 3):
            make_entry(person, w.worker, "seen", at=utcnow() - timedelta(days=days + 1))
    db.session.commit()


def test_person_page_statements_do_not_grow_with_plans_or_entries(client, auth, w):
    _seen_once(w)
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}"
    client.get(path)
    small = _statements(client, "get", path)
    assert small <= 11
    _grow_person(w, w.person)
    assert _statements(client, "get", path) == small


def test_htmx_record_statements_do_not_grow_with_plans_or_entries(client, auth, w):
    _seen_once(w)
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}"
    token = auth.csrf(path)
    rung = w.outcome.rungs[0]

    def record():
        data = {"csrf_token": token, "id": str(uuid.uuid4()), "action": f"step:{rung.id}"}
        headers = {"HX-Request": "true", "HX-Target": "recorder"}
        return _statements(client, "post", f"{path}/entries", data=data, headers=headers)

    small = record()
    # Session, person, caseload check, rung, where the person stands, two inserts, the daily
    # rollup's one upsert (app/entries/rollup.py), the ladder.
    assert small <= 11
    _grow_person(w, w.person)
    assert record() == small


def test_a_recorded_entry_and_its_audit_row_are_one_commit(client, auth, w):
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}"
    token = auth.csrf(path)
    entry_id = uuid.uuid4()
    data = {"csrf_token": token, "id": str(entry_id), "action": "seen"}
    with count_statements() as seen:
        response = client.post(
            f"{path}/entries", data=data, headers={"HX-Request": "true", "HX-Target": "recorder"}
        )
    assert response.status_code == 201
    assert seen.commits == 1
    assert db.session.get(Entry, entry_id) is not None
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.detail == f"entry:{entry_id}")
    ).all()
    assert actions == ["entry.create"]


def test_a_repeated_entry_is_audited_as_a_repeat(client, auth, w):
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}"
    data = {"csrf_token": auth.csrf(path), "id": str(uuid.uuid4()), "action": "seen"}
    replay = {"X-Stepladder-Replay": "1"}
    assert client.post(f"{path}/entries", data=data, headers=replay).status_code == 201
    assert client.post(f"{path}/entries", data=data, headers=replay).status_code == 200
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.detail == f"entry:{data['id']}")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["entry.create", "entry.repeat"]


@pytest.mark.parametrize("role", ["worker", "supervisor"])
def test_my_people_statements_do_not_grow_with_people(client, auth, w, role):
    auth.sign_in(getattr(w, role))
    client.get("/people")
    small = _statements(client, "get", "/people")
    assert small <= 3
    _grow_caseload(w)
    assert _statements(client, "get", "/people") == small


def test_an_unchanged_dashboard_poll_costs_two_statements(client, auth, w):
    auth.sign_in(w.supervisor)
    make_entry(w.person, w.worker)
    db.session.commit()
    version = client.get("/overview/", headers=LIVE).headers["X-Stepladder-Version"]
    headers = {**LIVE, "X-Stepladder-Version": version}
    with count_statements() as seen:
        response = client.get("/overview/", headers=headers)
    assert response.status_code == 204
    assert len(seen) == 2, seen


def test_journey_statements_do_not_grow_with_plans_or_entries(client, auth, w):
    _seen_once(w)
    auth.sign_in(w.supervisor)
    path = f"/journey/{w.person.id}"
    client.get(path)
    small = _statements(client, "get", path)
    assert small <= 11  # one of them the audit row of the read
    _grow_person(w, w.person)
    assert _statements(client, "get", path) == small


def test_setup_outcomes_statements_do_not_grow_with_outcomes(client, auth, w):
    auth.sign_in(w.admin)
    client.get("/setup/outcomes")
    small = _statements(client, "get", "/setup/outcomes")
    assert small <= 6
    for _ in range(4):
        make_outcome(w.org)
    db.session.commit()
    assert _statements(client, "get", "/setup/outcomes") == small


def test_setup_links_statements_do_not_grow_with_activities(client, auth, w):
    auth.sign_in(w.admin)
    client.get("/setup/links")
    small = _statements(client, "get", "/setup/links")
    assert small <= 5
    for _ in range(4):
        make_activity(w.org, outcomes=[make_outcome(w.org), w.outcome])
    db.session.commit()
    assert _statements(client, "get", "/setup/links") == small


@pytest.mark.parametrize("action", ["step", "seen"])
def test_how_and_how_long_add_no_statement_to_recording(client, auth, w, action):
    """The two-tap step, and a contact ("Seen today"), cost the same with a mode and minutes
    as without, however much history the person has; only a change of mode updates the
    worker's default (one UPDATE, shared with a change of last activity)."""
    _seen_once(w)
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}"
    token = auth.csrf(path)
    rung = w.outcome.rungs[0]
    headers = {"HX-Request": "true", "HX-Target": "recorder"}
    made = []

    def record(**detail):
        made.append(uuid.uuid4())
        data = {"csrf_token": token, "id": str(made[-1])}
        data["action"] = f"step:{rung.id}" if action == "step" else "seen"
        data["activity"] = w.activity.id
        return _statements(
            client, "post", f"{path}/entries", data={**data, **detail}, headers=headers
        )

    record()  # the activity becomes the worker's last: later posts change nothing on the user
    plain = record()
    assert record(mode="phone", minutes="20") == plain + 1  # a new mode updates the user once
    assert record(mode="phone", minutes="15") == plain
    _grow_person(w, w.person)
    assert record(mode="phone", minutes="45") == plain
    stored = db.session.get(Entry, made[-1])
    assert (stored.kind, stored.mode, stored.minutes) == (action, "phone", 45)
