"""Group sessions: a register saves one entry per person, each with its own UUID, exactly once."""

import re
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.local_time import local_today, to_local
from app.models import Entry, GroupSession
from app.sessions.register import entry_id
from tests.fixtures.factories import make_activity, make_entry, make_group_session, make_person
from tests.fixtures.web import Auth

REPLAY = {"X-Stepladder-Replay": "1"}


def _entries(session_id: int) -> list[Entry]:
    return list(
        db.session.scalars(select(Entry).where(Entry.session_id == session_id).order_by(Entry.kind))
    )


def _post_register(client, token, session, marks, register_id=None, **fields):
    data = {"csrf_token": token, "id": str(register_id or uuid.uuid4()), **fields}
    data.update({f"person-{p.id}": mark for p, mark in marks.items()})
    return client.post(f"/sessions/{session.id}/register", data=data, headers=REPLAY)


@pytest.fixture
def group(w):
    """A session of the worker's activity today with two people on its register."""
    session = make_group_session(w.activity, w.worker, [w.person, w.person2], minutes=90)
    db.session.commit()
    return session


@pytest.fixture
def token(client, auth, w, group):
    auth.sign_in(w.worker)
    return auth.csrf(f"/sessions/{group.id}")


def test_new_session_starts_a_register_of_the_people_chosen(client, auth, w):
    auth.sign_in(w.worker)
    page = client.get("/sessions/new").get_data(as_text=True)
    assert "Start register" in page and ">Activity<" in page
    token = auth.csrf("/sessions/new")
    response = client.post(
        "/sessions/new",
        data={
            "csrf_token": token,
            "activity": w.activity.id,
            "held_on": local_today().isoformat(),
            "minutes": "60",
            "people": [w.person.id],
            "facilitators": [w.worker.id],
        },
    )
    assert response.status_code == 303
    session = db.session.scalar(select(GroupSession))
    assert [p.id for p in session.members] == [w.person.id]
    assert [u.id for u in session.facilitators] == [w.worker.id]
    assert session.minutes == 60 and session.register_id is None
    register = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r"<legend>Ada L\.</legend>", register)
    assert "Attended" in register and "Did not attend" in register and "Save register" in register


def test_a_new_session_with_an_unknown_activity_is_refused_and_nothing_saved(client, auth, w):
    auth.sign_in(w.worker)
    token = auth.csrf("/sessions/new")
    data = {
        "csrf_token": token,
        "activity": w.other_activity.id,
        "held_on": local_today().isoformat(),
    }
    response = client.post("/sessions/new", data=data)
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(GroupSession)) == 0


@pytest.mark.parametrize("days", [-400, 400])
def test_a_session_more_than_a_year_away_is_refused(client, auth, w, days):
    auth.sign_in(w.worker)
    token = auth.csrf("/sessions/new")
    data = {
        "csrf_token": token,
        "activity": w.activity.id,
        "held_on": (local_today() + timedelta(days=days)).isoformat(),
    }
    response = client.post("/sessions/new", data=data)
    assert response.status_code == 422
    assert "within a year of today" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(GroupSession)) == 0


def test_the_regular_members_are_those_on_the_activitys_last_register(client, auth, w, group):
    auth.sign_in(w.supervisor)
    token = auth.csrf("/sessions/new")
    data = {
        "csrf_token": token,
        "activity": w.activity.id,
        "held_on": local_today().isoformat(),
        "regulars": "y",
    }
    response = client.post("/sessions/new", data=data)
    assert response.status_code == 303
    newest = db.session.scalar(select(GroupSession).order_by(GroupSession.id.desc()).limit(1))
    assert newest.id != group.id
    assert {p.id for p in newest.members} == {w.person.id, w.person2.id}


def test_a_register_saves_one_entry_per_person_with_the_session(client, w, group, token):
    register_id = uuid.uuid4()
    marks = {w.person: "attended", w.person2: "dna"}
    response = _post_register(client, token, group, marks, register_id, anonymous="3")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["entries"] == 2
    attended, missed = _entries(group.id)[::-1]
    assert (attended.kind, attended.person_id) == ("seen", w.person.id)
    assert (attended.mode, attended.minutes, attended.activity_id) == (
        "face_to_face",
        90,
        w.activity.id,
    )
    assert (missed.kind, missed.person_id, missed.mode, missed.minutes) == (
        "dna",
        w.person2.id,
        None,
        None,
    )
    assert attended.id == entry_id(register_id, w.person.id) != missed.id
    session = db.session.get(GroupSession, group.id)
    assert (session.register_id, session.anonymous_attendees) == (register_id, 3)


def test_a_replayed_register_is_stored_once(client, w, group, token):
    register_id = uuid.uuid4()
    marks = {w.person: "attended", w.person2: "attended"}
    assert _post_register(client, token, group, marks, register_id).status_code == 201
    again = _post_register(client, token, group, marks, register_id)
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert len(_entries(group.id)) == 2


def test_the_same_register_uuid_with_other_marks_is_a_conflict(client, w, group, token):
    register_id = uuid.uuid4()
    _post_register(client, token, group, {w.person: "attended"}, register_id)
    response = _post_register(client, token, group, {w.person: "dna"}, register_id)
    assert response.status_code == 409
    assert [e.kind for e in _entries(group.id)] == ["seen"]


def test_a_second_register_for_a_saved_session_is_refused(client, w, group, token):
    _post_register(client, token, group, {w.person: "attended"})
    response = _post_register(client, token, group, {w.person2: "attended"})
    assert response.status_code == 409
    assert "already saved" in response.get_json()["error"]
    assert [e.person_id for e in _entries(group.id)] == [w.person.id]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"person-999999": "attended"}, "not on this register"),
        ({"person-x": "attended"}, "not sent as drawn"),
        ({"anonymous": "-2"}, "Drop-in attendees"),
        ({}, "Mark who attended"),
    ],
)
def test_a_bad_register_saves_nothing_and_says_why(client, w, group, token, fields, message):
    marks = {w.person: "attended"} if fields else {}
    response = _post_register(client, token, group, marks, **fields)
    assert response.status_code == 422
    assert message in response.get_json()["error"]
    assert _entries(group.id) == []
    assert db.session.get(GroupSession, group.id).register_id is None


def test_a_mark_other_than_attended_or_not_saves_nothing(client, w, group, token):
    response = _post_register(client, token, group, {w.person: "maybe"})
    assert response.status_code == 422
    assert _entries(group.id) == []


def test_a_future_sessions_register_waits_for_its_day(client, auth, w):
    later = make_group_session(
        w.activity, w.worker, [w.person], held_on=local_today() + timedelta(days=2)
    )
    db.session.commit()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/sessions/{later.id}")
    response = _post_register(client, token, later, {w.person: "attended"})
    assert response.status_code == 422
    assert "on the day" in response.get_json()["error"]


def test_a_past_sessions_entries_are_dated_on_its_day(client, auth, w):
    day = local_today() - timedelta(days=3)
    past = make_group_session(w.activity, w.worker, [w.person], held_on=day)
    db.session.commit()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/sessions/{past.id}")
    assert _post_register(client, token, past, {w.person: "attended"}).status_code == 201
    [entry] = _entries(past.id)

    assert to_local(entry.recorded_at).date() == day


def test_someone_found_by_search_joins_the_register(client, w, group, token):
    newcomer = make_person(w.org, [w.worker], [w.outcome], display_name="Cam P.")
    db.session.commit()
    found = client.get(f"/sessions/{group.id}?q=cam").get_data(as_text=True)
    assert "Add Cam P." in found
    response = client.post(
        f"/sessions/{group.id}/people", data={"csrf_token": token, "person": newcomer.id}
    )
    assert response.status_code == 303
    page = client.get(f"/sessions/{group.id}").get_data(as_text=True)
    assert "<legend>Cam P.</legend>" in page


def test_another_organisations_person_cannot_join_a_register(client, w, group, token):
    response = client.post(
        f"/sessions/{group.id}/people", data={"csrf_token": token, "person": w.other_person.id}
    )
    assert response.status_code == 404
    assert w.other_person.id not in {p.id for p in db.session.get(GroupSession, group.id).members}


def test_a_saved_register_shows_who_attended_and_the_list_counts_them(client, w, group, token):
    _post_register(client, token, group, {w.person: "attended", w.person2: "dna"})
    page = client.get(f"/sessions/{group.id}").get_data(as_text=True)
    assert "Ada L.: Attended" in page and "Bo M.: Did not attend" in page
    assert "Save register" not in page
    listing = client.get("/sessions").get_data(as_text=True)
    assert "1 attended · 1 did not attend" in listing


def test_a_past_register_not_saved_is_marked_overdue(client, auth, w):
    make_group_session(w.activity, w.worker, held_on=local_today() - timedelta(days=1))
    db.session.commit()
    auth.sign_in(w.worker)
    assert "register overdue" in client.get("/sessions").get_data(as_text=True)


def test_workers_reach_group_sessions_from_my_people(client, auth, w):
    auth.sign_in(w.worker)
    page = client.get("/people").get_data(as_text=True)
    assert re.search(r'<a href="/sessions">Group sessions</a>', page)


def test_a_worker_opens_only_sessions_they_started_or_ran(app, client, auth, w, group):
    auth.sign_in(w.colleague)
    assert client.get(f"/sessions/{group.id}").status_code == 404
    assert "Doorstep support" not in client.get("/sessions").get_data(as_text=True)
    office = app.test_client()
    Auth(office).sign_in(w.supervisor)
    assert "<legend>Ada L.</legend>" in office.get(f"/sessions/{group.id}").get_data(as_text=True)


def test_concurrent_posts_of_one_register_store_each_entry_once(app, w, group):
    """Four clients post the same register at once: one saves it, the others hear a repeat."""
    register_id = uuid.uuid4()
    marks = {w.person: "attended", w.person2: "dna"}
    clients = []
    for _ in range(4):
        client = app.test_client()
        auth = Auth(client)
        auth.sign_in(w.worker)
        clients.append((client, auth.csrf(f"/sessions/{group.id}")))
    # The threads read these rows' ids: load them here, since each request refreshes the
    # test's session and that session serves one thread at a time.
    for row in (group, w.person, w.person2):
        db.session.refresh(row)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def post(client, token):
        with app.app_context():
            barrier.wait()
            statuses.append(_post_register(client, token, group, marks, register_id).status_code)
            db.session.remove()

    threads = [threading.Thread(target=post, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert sorted(e.kind for e in _entries(group.id)) == ["dna", "seen"]


def test_left_early_is_offered_where_the_session_wants_it(client, auth, w):
    session = make_group_session(
        w.activity, w.worker, [w.person, w.person2], minutes=60, offers_left_early=True
    )
    plain = make_group_session(w.activity, w.worker, [w.person])
    db.session.commit()
    auth.sign_in(w.worker)
    assert "Left early" in client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Left early" not in client.get(f"/sessions/{plain.id}").get_data(as_text=True)
    token = auth.csrf(f"/sessions/{session.id}")
    marks = {w.person: "left_early", w.person2: "attended"}
    assert _post_register(client, token, session, marks).status_code == 201
    left, stayed = sorted(_entries(session.id), key=lambda e: e.person_id != w.person.id)
    assert (left.kind, left.note, left.minutes, left.mode) == (
        "seen",
        "Left early",
        None,
        "face_to_face",
    )
    assert (stayed.kind, stayed.note, stayed.minutes) == ("seen", "", 60)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Ada L.: Left early" in page and "Bo M.: Attended" in page
    refused = _post_register(client, token, plain, {w.person: "left_early"})
    assert refused.status_code == 422 and _entries(plain.id) == []


def _checked_activity(page: str) -> str | None:
    """The id of the activity ticked on a person's page."""
    for tag in re.findall(r'<input[^>]*name="activity"[^>]*>', page):
        if "checked" in tag:
            return re.search(r'value="(\d+)"', tag).group(1)
    return None


def test_a_saved_register_links_each_attendee_to_a_step_under_the_sessions_activity(
    client, auth, w
):
    group_activity = make_activity(w.org, "Drop-in group", [w.outcome])
    third = make_person(w.org, [w.worker], [w.outcome], display_name="Cas P.")
    session = make_group_session(group_activity, w.worker, [w.person, third])
    db.session.commit()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/sessions/{session.id}")
    marks = {w.person: "attended", third: "dna"}
    assert _post_register(client, token, session, marks).status_code == 201
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    links = re.findall(r'href="(/people/\d+\?activity=\d+)">Record a step', page)
    # Who did not attend took no step at the session: no link for them.
    assert links == [f"/people/{w.person.id}?activity={group_activity.id}"]


def test_a_step_from_the_register_counts_under_the_sessions_activity(client, auth, w):
    group_activity = make_activity(w.org, "Drop-in group", [w.outcome])
    # The person's last contact was doorstep support: their page would tick that by default.
    make_entry(w.person, w.worker, "seen", activity_id=w.activity.id)
    db.session.commit()
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}"
    assert _checked_activity(client.get(path).get_data(as_text=True)) == str(w.activity.id)
    page = client.get(f"{path}?activity={group_activity.id}").get_data(as_text=True)
    assert _checked_activity(page) == str(group_activity.id)
    rung = w.outcome.rungs[0]
    entry = uuid.uuid4()
    data = {
        "csrf_token": auth.csrf(path),
        "id": str(entry),
        "action": f"step:{rung.id}",
        "activity": group_activity.id,
    }
    assert client.post(f"{path}/entries", data=data, headers=REPLAY).status_code == 201
    stored = db.session.get(Entry, entry)
    assert (stored.kind, stored.rung_id, stored.activity_id) == ("step", rung.id, group_activity.id)


@pytest.mark.parametrize("asked", ["other_activity", "nonsense", "huge"])
def test_a_person_page_asked_for_an_activity_not_ours_ticks_the_usual_one(client, auth, w, asked):
    make_entry(w.person, w.worker, "seen", activity_id=w.activity.id)
    db.session.commit()
    auth.sign_in(w.worker)
    value = {"other_activity": w.other_activity.id, "nonsense": "x", "huge": 10**30}[asked]
    response = client.get(f"/people/{w.person.id}?activity={value}")
    assert response.status_code == 200
    assert _checked_activity(response.get_data(as_text=True)) == str(w.activity.id)
