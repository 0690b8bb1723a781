"""Recording entries: one tap stores one entry, exactly once, whatever the replays."""

import re
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Entry
from app.models.clock import utcnow
from tests.fixtures.factories import make_entry


def _post(client, person, token, action, entry_id=None, replay=True, **fields):
    headers = {"X-Stepladder-Replay": "1"} if replay else {}
    data = {"csrf_token": token, "id": str(entry_id or uuid.uuid4()), "action": action, **fields}
    return client.post(f"/people/{person.id}/entries", data=data, headers=headers)


def _entries(**where):
    return list(db.session.scalars(select(Entry).filter_by(**where)))


@pytest.fixture
def signed_in_worker(client, auth, w):
    auth.sign_in(w.worker)
    return auth.csrf(f"/people/{w.person.id}")


def test_a_step_is_stored_with_its_person_rung_activity_and_worker(client, w, signed_in_worker):
    rung = w.outcome.rungs[1]
    response = _post(client, w.person, signed_in_worker, f"step:{rung.id}", activity=w.activity.id)
    assert response.status_code == 201
    [entry] = _entries(person_id=w.person.id)
    assert (entry.kind, entry.rung_id, entry.outcome_id) == ("step", rung.id, w.outcome.id)
    assert (entry.activity_id, entry.worker_id) == (w.activity.id, w.worker.id)
    assert str(entry.id) == response.get_json()["id"]


def test_replayed_entry_is_stored_once(client, w, signed_in_worker):
    entry_id = uuid.uuid4()
    first = _post(client, w.person, signed_in_worker, "seen", entry_id)
    again = _post(client, w.person, signed_in_worker, "seen", entry_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == {"id": str(entry_id), "created": False}
    # Counted by person, not by id (the table's key, which cannot repeat): a repeat stored
    # under a new id would show here.
    assert len(_entries(person_id=w.person.id)) == 1


def test_same_uuid_with_a_different_body_is_a_conflict(client, w, signed_in_worker):
    entry_id = uuid.uuid4()
    assert _post(client, w.person, signed_in_worker, "seen", entry_id).status_code == 201
    conflict = _post(client, w.person, signed_in_worker, "note", entry_id, note="Different")
    assert conflict.status_code == 409
    assert "different details" in conflict.get_json()["error"]
    [stored] = _entries(id=entry_id)
    assert stored.kind == "seen"


def _race(app, w, clients: int, action: str, entry_id=None, **fields) -> list[tuple]:
    """Sign in `clients` test clients as the worker, then post the same entry from all of
    them at once; returns each answer as (status code, JSON body)."""
    from tests.fixtures.web import Auth

    signed_in = []
    for _ in range(clients):
        client = app.test_client()
        auth = Auth(client)
        auth.sign_in(w.worker)
        signed_in.append((client, auth.csrf(f"/people/{w.person.id}")))
    # The threads read the person's id: load it here, since each request refreshes the
    # test's session and that session serves one thread at a time.
    db.session.refresh(w.person)
    barrier = threading.Barrier(clients)
    answers = []

    def post(client, token):
        with app.app_context():
            barrier.wait()
            response = _post(client, w.person, token, action, entry_id, **fields)
            answers.append((response.status_code, response.get_json()))
            db.session.remove()

    threads = [threading.Thread(target=post, args=pair) for pair in signed_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_posts_of_one_uuid_store_one_row(app, w):
    """Two clients race with the same UUID: the database's key decides, not a look-up."""
    entry_id = uuid.uuid4()
    statuses = [status for status, _ in _race(app, w, 4, "seen", entry_id)]
    assert sorted(statuses) == [200, 200, 200, 201]
    # The person's entries, not the rows with this id (the key, which cannot repeat).
    assert len(_entries(person_id=w.person.id)) == 1


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("step:999999", {}, "not part of this organisation"),
        ("setback:999999", {}, "not part of this organisation"),
        ("note", {"note": "   "}, "Write the note"),
        ("dance", {}, "not a kind of entry"),
        ("step:abc", {}, "did not say what to record"),
        ("seen", {"recorded_at": "yesterday-ish"}, "not a valid date"),
        ("seen", {"note": "x" * 2001}, "2000"),
    ],
)
def test_bad_entries_get_a_clear_message_and_store_nothing(
    client, w, signed_in_worker, action, fields, message
):
    response = _post(client, w.person, signed_in_worker, action, **fields)
    assert response.status_code == 422
    assert message in response.get_json()["error"]
    assert _entries() == []


def test_an_entry_without_a_valid_uuid_is_refused(client, w, signed_in_worker):
    response = _post(client, w.person, signed_in_worker, "seen", entry_id="not-a-uuid")
    assert response.status_code == 422
    assert _entries() == []


def test_a_rung_of_another_organisation_is_refused(client, w, signed_in_worker):
    foreign = w.other_outcome.rungs[0]
    response = _post(client, w.person, signed_in_worker, f"step:{foreign.id}")
    assert response.status_code == 422
    assert _entries() == []


def test_a_retired_rung_cannot_be_recorded(client, w, signed_in_worker):
    rung = w.outcome.rungs[0]
    rung.retired = True
    db.session.commit()
    response = _post(client, w.person, signed_in_worker, f"step:{rung.id}")
    assert response.status_code == 422
    assert "retired" in response.get_json()["error"]


def test_undo_is_a_void_entry_pointing_at_the_original(client, w, signed_in_worker):
    original = uuid.uuid4()
    _post(client, w.person, signed_in_worker, "seen", original)
    undo = _post(client, w.person, signed_in_worker, f"void:{original}", reason="Wrong person")
    assert undo.status_code == 201
    void = db.session.get(Entry, uuid.UUID(undo.get_json()["id"]))
    assert (void.kind, void.amends_id, void.reason) == ("void", original, "Wrong person")
    assert db.session.get(Entry, original) is not None  # nothing is deleted
    twice = _post(client, w.person, signed_in_worker, f"void:{original}")
    assert twice.status_code == 422
    assert "already been undone" in twice.get_json()["error"]


def test_a_worker_cannot_undo_a_colleagues_entry(client, w, signed_in_worker):
    from tests.fixtures.factories import make_entry

    theirs = make_entry(w.person, w.colleague, "seen")
    db.session.commit()
    response = _post(client, w.person, signed_in_worker, f"void:{theirs.id}")
    assert response.status_code == 422
    assert "Only the worker who made an entry" in response.get_json()["error"]


def test_undo_and_the_journey_refuse_an_old_entry_for_the_same_reason(client, auth, w, app):
    """One rule for changing entries: the phone's Undo (422, for the outbox to show) and a
    page's void (403) refuse a worker's entry past the undo window with the same words."""
    old = make_entry(
        w.person, w.worker, "seen", received_at=utcnow() - app.config["UNDO_WINDOW"] * 2
    )
    db.session.commit()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}")
    undo = _post(client, w.person, token, f"void:{old.id}")
    page = client.post(
        f"/entries/{old.id}/void",
        data={"csrf_token": token, "id": str(uuid.uuid4()), "reason": "x"},
    )
    assert (undo.status_code, page.status_code) == (422, 403)
    reason = "This entry is too old to change here. Ask a supervisor to correct it."
    assert undo.get_json()["error"] == reason
    assert reason in page.get_data(as_text=True)
    assert _entries(amends_id=old.id) == []


def test_the_activity_defaults_to_the_last_one_used(client, w, signed_in_worker):
    from tests.fixtures.factories import make_activity

    travel = make_activity(w.org, "Travel training", [w.outcome])
    db.session.commit()
    _post(client, w.person, signed_in_worker, "seen", activity=travel.id)
    page = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert f'checked id="activity-1" name="activity" type="radio" value="{travel.id}"' in page


def test_the_activity_of_one_person_does_not_carry_over_to_the_next(client, w, signed_in_worker):
    from tests.fixtures.factories import make_activity, make_person

    travel = make_activity(w.org, "Travel training", [w.outcome])
    travel.position = 99
    other = make_person(w.org, [w.worker], display_name="Next person")
    db.session.commit()
    _post(client, w.person, signed_in_worker, "seen", activity=travel.id)
    page = client.get(f"/people/{other.id}").get_data(as_text=True)
    checked = re.findall(
        r'checked id="activity-\d+" name="activity" type="radio" value="(\d+)"', page
    )
    # Not the previous person's activity: the first in the organisation's list.
    assert checked == [str(w.activity.id)] != [str(travel.id)]


def test_a_future_phone_clock_is_not_trusted(client, w, signed_in_worker):
    _post(client, w.person, signed_in_worker, "seen", recorded_at="2999-01-01T00:00:00Z")
    [entry] = _entries()
    assert entry.recorded_at <= entry.received_at


def test_an_offline_entry_keeps_the_time_it_happened(client, w, signed_in_worker):
    from datetime import timedelta

    from app.models.clock import utcnow

    happened = (utcnow() - timedelta(hours=5)).replace(microsecond=0)
    _post(client, w.person, signed_in_worker, "seen", recorded_at=happened.isoformat() + "Z")
    [entry] = _entries()
    assert entry.recorded_at == happened
    assert entry.received_at - entry.recorded_at >= timedelta(hours=5)


def test_without_javascript_a_step_posts_redirects_and_shows_saved_with_undo(
    client, w, signed_in_worker
):
    rung = w.outcome.rungs[0]
    response = _post(client, w.person, signed_in_worker, f"step:{rung.id}", replay=False)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>Saved</strong> · Opened the door" in page
    assert 'value="void:' in page


def test_htmx_gets_the_status_out_of_band_and_no_whole_page(client, w, signed_in_worker):
    """What else the answer holds is in tests/test_tap_answer.py."""
    rung = w.outcome.rungs[0]
    response = client.post(
        f"/people/{w.person.id}/entries",
        data={"csrf_token": signed_in_worker, "id": str(uuid.uuid4()), "action": f"step:{rung.id}"},
        headers={"HX-Request": "true", "HX-Target": "recorder"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 201
    assert '<div id="status"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "<html" not in html


def test_two_undos_of_one_entry_racing_store_one(app, w):
    """An entry is amended at most once: the database's unique key decides a race."""
    from tests.fixtures.factories import make_entry

    original = make_entry(w.person, w.worker, "seen")
    db.session.commit()
    answers = _race(app, w, 3, f"void:{original.id}", reason="Wrong person")
    assert sorted(status for status, _ in answers) == [201, 422, 422]
    assert all("already been undone" in body["error"] for status, body in answers if status == 422)
    assert len(_entries(amends_id=original.id)) == 1


def test_a_replayed_undo_is_an_identical_repeat(client, w, signed_in_worker):
    """The outbox may send an undo twice (a lost response): the second is 200, not a refusal."""
    original = uuid.uuid4()
    _post(client, w.person, signed_in_worker, "seen", original)
    undo_id = uuid.uuid4()
    first = _post(
        client, w.person, signed_in_worker, f"void:{original}", undo_id, reason="Wrong person"
    )
    again = _post(
        client, w.person, signed_in_worker, f"void:{original}", undo_id, reason="Wrong person"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(_entries(amends_id=original)) == 1


def test_an_entry_voided_from_outside_the_recent_list_shows_as_removed(client, w, signed_in_worker):
    # A void made offline can carry a phone time older than the thirty entries shown; the
    # page must still strike the voided entry through, not only when both are on the list.
    target = make_entry(
        w.person, w.worker, "note", at=utcnow() - timedelta(minutes=1), note="Call the GP"
    )
    for minutes in range(2, 33):
        make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(minutes=minutes))
    make_entry(
        w.person,
        w.worker,
        "void",
        at=utcnow() - timedelta(days=1),
        amends_id=target.id,
        reason="Wrong person",
    )
    db.session.commit()
    page = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert '<del>Note</del> <span class="tag">removed</span>' in page


def _ticked_activity(page: str) -> list[str]:
    return re.findall(r'checked id="activity-\d+" name="activity" type="radio" value="(\d+)"', page)


def test_a_worker_who_asks_keeps_their_activity_for_the_next_person(client, w, signed_in_worker):
    from tests.fixtures.factories import make_activity, make_person

    travel = make_activity(w.org, "Travel training", [w.outcome])
    travel.position = 99
    other = make_person(w.org, [w.worker], display_name="Next person")
    db.session.commit()
    page = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    # Off until the worker asks.
    assert '<input id="keep_activity" name="keep_activity" type="checkbox" value="y">' in page

    _post(
        client,
        w.person,
        signed_in_worker,
        "seen",
        activity=travel.id,
        keep_activity="y",
        keep_activity_drawn="",
    )
    db.session.refresh(w.worker)
    assert w.worker.carries_activity is True
    page = client.get(f"/people/{other.id}").get_data(as_text=True)
    assert _ticked_activity(page) == [str(travel.id)]
    assert '<input checked id="keep_activity" name="keep_activity" type="checkbox"' in page


@pytest.mark.parametrize(
    ("drawn", "box", "after"),
    [
        # A page (or a kept offline copy) drawn before the worker opted in, box untouched.
        ("", None, True),
        # Drawn ticked and left ticked.
        ("1", "y", True),
        # Drawn ticked and unticked by the worker: the activity stops carrying over.
        ("1", None, False),
    ],
)
def test_only_a_change_made_on_the_page_changes_the_keep_activity_choice(
    client, w, signed_in_worker, drawn, box, after
):
    w.worker.carries_activity = True
    db.session.commit()
    fields = {"keep_activity_drawn": drawn} | ({"keep_activity": box} if box else {})
    response = _post(client, w.person, signed_in_worker, "seen", **fields)
    assert response.status_code == 201
    db.session.refresh(w.worker)
    assert w.worker.carries_activity is after


def test_an_undo_leaves_the_keep_activity_choice_as_it_was(client, w, signed_in_worker):
    w.worker.carries_activity = True
    db.session.commit()
    saved = _post(client, w.person, signed_in_worker, "seen").get_json()
    response = _post(client, w.person, signed_in_worker, f"void:{saved['id']}")
    assert response.status_code == 201
    db.session.refresh(w.worker)
    assert w.worker.carries_activity is True
