"""Voiding and correcting entries: a new entry with a reason, never an edit in place;
counts follow the corrected state and agree with the export; workers only their own, recent."""

import csv
import io
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import local_time
from app.entries import counting, queries
from app.extensions import db
from app.models import AuditEvent, Entry
from app.models.clock import utcnow
from tests.fixtures.factories import make_entry


def change_page(client, entry) -> str:
    response = client.get(f"/entries/{entry.id}/change")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def hidden(html: str, action: str) -> dict:
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    found = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            found[name.group(1)] = value.group(1) if value else ""
    return found


def today_counts(org_id):
    today = local_time.local_today()
    return counting.counts(org_id, *local_time.day_bounds(today, today))


def export(client) -> dict:
    today = local_time.local_today().isoformat()
    text = client.get(f"/export/entries.csv?from={today}&to={today}").get_data(as_text=True)
    return {r["entry_id"]: r for r in csv.DictReader(io.StringIO(text))}


def test_supervisor_voids_an_entry_with_a_reason(client, auth, w):
    rung = w.outcome.rungs[0]
    step = make_entry(w.person, w.worker, "step", rung=rung, rung_id=rung.id)
    db.session.commit()
    auth.sign_in(w.supervisor)
    assert today_counts(w.org.id).steps == 1
    action = f"/entries/{step.id}/void"
    fields = hidden(change_page(client, step), action)
    response = client.post(action, data={**fields, "reason": "Recorded for the wrong person"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/journey/{w.person.id}")
    void = db.session.scalar(select(Entry).where(Entry.amends_id == step.id))
    assert (void.kind, void.reason, void.worker_id) == (
        "void",
        "Recorded for the wrong person",
        w.supervisor.id,
    )
    assert str(void.id) == fields["id"]
    assert db.session.get(Entry, step.id) is not None  # nothing deleted
    assert today_counts(w.org.id).steps == 0
    rows = export(client)
    assert rows[str(step.id)]["status"] == "voided"
    assert rows[str(void.id)]["kind"] == "void"
    html = client.get(f"/journey/{w.person.id}").get_data(as_text=True)
    assert "<del>Opened the door</del>" in html and "Reason: Recorded for the wrong person" in html
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.target == f"entry:{step.id}"))
    assert audit.action == "void" and audit.user_id == w.supervisor.id


def test_a_void_needs_a_reason_and_stores_nothing_without_one(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    auth.sign_in(w.supervisor)
    action = f"/entries/{seen.id}/void"
    fields = hidden(change_page(client, seen), action)
    response = client.post(action, data={**fields, "reason": "   "})
    assert response.status_code == 422
    assert "Give a reason for removing this entry." in response.get_data(as_text=True)
    assert db.session.scalar(select(Entry).where(Entry.amends_id == seen.id)) is None


def test_a_correction_replaces_the_entry_in_every_count(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen", activity_id=w.activity.id)
    db.session.commit()
    auth.sign_in(w.supervisor)
    assert (today_counts(w.org.id).steps, today_counts(w.org.id).contacts) == (0, 1)
    action = f"/entries/{seen.id}/correct"
    fields = hidden(change_page(client, seen), action)
    rung = w.outcome.rungs[1]
    response = client.post(
        action,
        data={
            **fields,
            "kind": "step",
            "rung": rung.id,
            "outcome": 0,
            "activity": w.activity.id,
            "note": "",
            "reason": "It was a step, not just a visit",
        },
    )
    assert response.status_code == 303
    fixed = db.session.scalar(select(Entry).where(Entry.amends_id == seen.id))
    assert (fixed.kind, fixed.rung_id, fixed.outcome_id) == ("step", rung.id, w.outcome.id)
    # The work was the worker's, at the time it happened.
    assert (fixed.worker_id, fixed.recorded_at) == (w.worker.id, seen.recorded_at)
    counts = today_counts(w.org.id)
    assert (counts.steps, counts.contacts, counts.people) == (1, 1, 1)
    rows = export(client)
    assert rows[str(seen.id)]["status"] == "corrected"
    assert rows[str(fixed.id)]["status"] == "" and rows[str(fixed.id)]["rung"] == rung.text
    html = client.get("/overview/").get_data(as_text=True)
    assert re.search(r'aria-label="Steps today"><span class="number">1<', html)
    journey = client.get(f"/journey/{w.person.id}").get_data(as_text=True)
    assert "<del>Seen</del>" in journey and '<span class="tag">correction</span>' in journey
    assert "Reason: It was a step, not just a visit" in journey


def test_a_change_leaves_one_audit_row_with_its_own_action(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen")
    step = make_entry(w.person, w.worker, "step", rung_id=w.outcome.rungs[0].id)
    db.session.commit()
    auth.sign_in(w.supervisor)
    action = f"/entries/{seen.id}/correct"
    fields = hidden(change_page(client, seen), action)
    client.post(
        action,
        data={
            **fields,
            "kind": "note",
            "rung": 0,
            "outcome": 0,
            "activity": 0,
            "note": "Phoned",
            "reason": "Ada only phoned",
        },
    )
    action = f"/entries/{step.id}/void"
    client.post(action, data={**hidden(change_page(client, step), action), "reason": "Ada"})
    since = select(AuditEvent).where(
        AuditEvent.user_id == w.supervisor.id,
        AuditEvent.action.in_(["correct", "void", "journey.correct", "journey.void"]),
    )
    events = db.session.scalars(since.order_by(AuditEvent.id)).all()
    fixed = db.session.scalar(select(Entry).where(Entry.amends_id == seen.id))
    void = db.session.scalar(select(Entry).where(Entry.amends_id == step.id))
    assert [(e.action, e.target, e.detail) for e in events] == [
        ("correct", f"entry:{seen.id}", f"entry:{fixed.id}"),
        ("void", f"entry:{step.id}", f"entry:{void.id}"),
    ]
    # The reason is free text the entry keeps (and erasure scrubs); the trail never copies it.
    assert not db.session.scalar(select(AuditEvent.id).where(AuditEvent.detail.contains("Ada")))


def test_a_correction_to_a_step_needs_the_step(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    auth.sign_in(w.supervisor)
    action = f"/entries/{seen.id}/correct"
    fields = hidden(change_page(client, seen), action)
    response = client.post(
        action,
        data={**fields, "kind": "step", "rung": 0, "outcome": 0, "activity": 0, "reason": "A step"},
    )
    assert response.status_code == 422
    assert "Choose the step that was reached." in response.get_data(as_text=True)
    assert db.session.scalar(select(Entry).where(Entry.amends_id == seen.id)) is None


def test_an_entry_is_changed_once(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    auth.sign_in(w.supervisor)
    action = f"/entries/{seen.id}/void"
    first = hidden(change_page(client, seen), action)
    second = hidden(change_page(client, seen), action)
    assert client.post(action, data={**first, "reason": "Duplicate"}).status_code == 303
    # The same form sent twice (a double tap) is stored once.
    assert client.post(action, data={**first, "reason": "Duplicate"}).status_code == 303
    again = client.post(action, data={**second, "reason": "Duplicate again"})
    assert again.status_code == 422
    assert "already been removed or corrected" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(Entry).where(Entry.amends_id == seen.id)).all()) == 1


def test_a_void_cannot_be_changed(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen")
    void = make_entry(w.person, w.worker, "void", amends_id=seen.id, reason="Oops")
    db.session.commit()
    auth.sign_in(w.supervisor)
    action = f"/entries/{void.id}/void"
    fields = hidden(change_page(client, void), action)
    response = client.post(action, data={**fields, "reason": "Undo the undo"})
    assert response.status_code == 422
    assert "A removal cannot itself be changed." in response.get_data(as_text=True)


def test_worker_undoes_their_own_recent_entry_from_my_week(client, auth, w):
    rung = w.outcome.rungs[0]
    mine = make_entry(w.person, w.worker, "step", rung=rung, rung_id=rung.id)
    db.session.commit()
    auth.sign_in(w.worker)
    week = client.get("/week").get_data(as_text=True)
    assert "Opened the door" in week and "Undo or correct" in week
    action = f"/entries/{mine.id}/void"
    fields = hidden(week, action)
    response = client.post(action, data={**fields, "reason": "Tapped the wrong rung"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/week")
    assert today_counts(w.org.id).steps == 0
    week = client.get("/week").get_data(as_text=True)
    assert "<del>Opened the door</del>" in week and "Undo or correct" not in week


def test_worker_corrects_their_own_entry(client, auth, w):
    seen = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    auth.sign_in(w.worker)
    action = f"/entries/{seen.id}/correct"
    fields = hidden(change_page(client, seen), action)
    response = client.post(
        action,
        data={
            **fields,
            "kind": "note",
            "rung": 0,
            "outcome": 0,
            "activity": 0,
            "note": "Only a phone call",
            "reason": "Did not visit",
        },
    )
    assert response.status_code == 303
    counts = today_counts(w.org.id)
    assert counts.contacts == 0


def test_worker_cannot_change_a_colleagues_entry(client, auth, w, app):
    app.config["UNDO_WINDOW"] = timedelta(hours=24)
    w.org.workers_see_everyone = True
    theirs = make_entry(w.person2, w.colleague, "seen")
    db.session.commit()
    auth.sign_in(w.worker)
    assert client.get(f"/entries/{theirs.id}/change").status_code == 403
    token = auth.csrf("/week")
    response = client.post(
        f"/entries/{theirs.id}/void",
        data={"csrf_token": token, "id": str(uuid.uuid4()), "reason": "x"},
    )
    assert response.status_code == 403
    assert db.session.scalar(select(Entry).where(Entry.amends_id == theirs.id)) is None


def test_worker_cannot_change_an_entry_after_the_window(client, auth, w, app):
    old = make_entry(
        w.person,
        w.worker,
        "seen",
        at=utcnow() - timedelta(hours=30),
        received_at=utcnow() - timedelta(hours=25),
    )
    db.session.commit()
    auth.sign_in(w.worker)
    week = client.get("/week").get_data(as_text=True)
    assert "Seen" in week and "Undo or correct" not in week
    token = auth.csrf("/week")
    response = client.post(
        f"/entries/{old.id}/void",
        data={"csrf_token": token, "id": str(uuid.uuid4()), "reason": "late"},
    )
    assert response.status_code == 403
    assert db.session.scalar(select(Entry).where(Entry.amends_id == old.id)) is None


def test_my_week_lists_only_my_entries_and_my_counts(client, auth, w):
    make_entry(w.person, w.worker, "seen")
    make_entry(w.person2, w.colleague, "note", note="Colleague's note")
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(days=8))
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get("/week").get_data(as_text=True)
    assert "Colleague&#39;s note" not in html and "Bo M." not in html
    assert "<strong>1</strong> contacts" in html
    assert html.count('<li class="kind-seen') == 1
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    assert ">My week</a>" in nav


@pytest.mark.parametrize("path", ["change", "void", "correct"])
def test_another_organisation_cannot_change_entries(client, auth, w, path):
    seen = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    auth.sign_in(w.other_admin)
    if path == "change":
        response = client.get(f"/entries/{seen.id}/change")
    else:
        token = auth.csrf(f"/journey/{w.other_person.id}")
        response = client.post(
            f"/entries/{seen.id}/{path}",
            data={
                "csrf_token": token,
                "id": str(uuid.uuid4()),
                "reason": "x",
                "kind": "seen",
                "rung": 0,
                "outcome": 0,
                "activity": 0,
            },
        )
    assert response.status_code == 404
    assert "Ada" not in response.get_data(as_text=True)
    assert db.session.scalar(select(Entry).where(Entry.amends_id == seen.id)) is None


def test_removing_a_correction_removes_the_event_it_described(app, w):
    """A chain original → correction → void counts for nothing."""
    from tests.fixtures.factories import make_entry

    first, second, _ = w.outcome.rungs
    original = make_entry(w.person, w.worker, "step", rung=first, rung_id=first.id)
    correction = make_entry(
        w.person,
        w.worker,
        "step",
        rung=second,
        rung_id=second.id,
        amends_id=original.id,
        reason="Was the second rung",
    )
    make_entry(w.person, w.worker, "void", amends_id=correction.id, reason="Never happened")
    db.session.commit()
    start, end = local_time.day_bounds(local_time.local_today(), local_time.local_today())
    assert counting.counts(w.org.id, start, end).steps == 0
    assert [e for e in queries.ladder_entries(w.person.id) if e.kind == "step"] == []
