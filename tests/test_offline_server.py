"""The server's side of working offline: the session the outbox replays under, the pages the
service worker may keep, the offline page and the service worker itself."""

import re
import uuid
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Entry

JSON = {"Accept": "application/json"}


def _replay(client, w, token: str, entry_id: str | None = None):
    """Post one step the way the outbox replays it: JSON answer, token in X-CSRFToken."""
    rung = w.outcome.rungs[0]
    return client.post(
        f"/people/{w.person.id}/entries",
        data={
            "id": entry_id or str(uuid.uuid4()),
            "action": f"step:{rung.id}",
            "csrf_token": token,
            "recorded_at": "2026-01-01T10:00:00Z",
        },
        headers={"X-Stepladder-Replay": "1", "X-CSRFToken": token, **JSON},
    )


def test_session_answers_401_when_signed_out(client, w):
    response = client.get("/session", headers=JSON)
    assert response.status_code == 401
    assert "sign in" in response.get_json()["error"].lower()


def test_session_names_the_signed_in_user_with_a_working_csrf_token(client, auth, w):
    auth.sign_in(w.worker)
    state = client.get("/session", headers=JSON).get_json()
    assert state["user_id"] == w.worker.id
    entry_id = str(uuid.uuid4())
    assert _replay(client, w, state["csrf_token"], entry_id).status_code == 201
    assert _replay(client, w, state["csrf_token"], entry_id).status_code == 200
    assert db.session.query(Entry).filter_by(id=uuid.UUID(entry_id)).count() == 1


def test_replay_after_signing_in_again_needs_the_new_sessions_token(client, auth, w):
    auth.sign_in(w.worker)
    old = client.get("/session", headers=JSON).get_json()["csrf_token"]
    client.post("/sign-out", data={"csrf_token": old})
    assert client.get("/session", headers=JSON).status_code == 401
    auth.sign_in(w.worker)
    entry_id = str(uuid.uuid4())
    assert _replay(client, w, old, entry_id).status_code == 400
    new = client.get("/session", headers=JSON).get_json()["csrf_token"]
    assert _replay(client, w, new, entry_id).status_code == 201
    stored = db.session.get(Entry, uuid.UUID(entry_id))
    assert stored.worker_id == w.worker.id


def test_workers_own_pages_are_marked_for_keeping_offline(client, auth, w):
    auth.sign_in(w.worker)
    for path in ("/people", f"/people/{w.person.id}"):
        response = client.get(path)
        assert response.headers["X-Stepladder-Offline"] == str(3 * 24 * 3600)
        assert response.headers["X-Stepladder-User"] == str(w.worker.id)
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path, headers",
    [
        ("/people?q=Ada", {}),
        ("/people", {"HX-Request": "true", "HX-Target": "people-list"}),
        ("/people/{person}?saved={saved}", {}),
    ],
)
def test_searches_fragments_and_one_off_pages_are_not_kept(client, auth, w, path, headers):
    auth.sign_in(w.worker)
    url = path.format(person=w.person.id, saved=uuid.uuid4())
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert "X-Stepladder-Offline" not in response.headers


def test_office_pages_are_never_kept_offline(client, auth, w):
    auth.sign_in(w.supervisor)
    response = client.get(f"/people/{w.person.id}")
    assert response.status_code == 200
    assert "X-Stepladder-Offline" not in response.headers


def test_another_workers_person_is_not_kept(client, auth, w):
    auth.sign_in(w.worker)
    response = client.get(f"/people/{w.person2.id}")
    assert response.status_code == 404
    assert "X-Stepladder-Offline" not in response.headers


def test_offline_page_holds_no_personal_data(client, auth, w):
    response = client.get("/offline")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No signal" in page
    assert "Sign out" not in page
    assert 'data-user=""' in page


def test_service_worker_is_served_from_the_root_and_always_revalidated(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["Service-Worker-Allowed"] == "/"
        assert response.mimetype in ("text/javascript", "application/javascript")
        assert b"importScripts" in response.data


def test_every_page_carries_the_sync_indicator_and_the_outbox_scripts(client, auth, w):
    auth.sign_in(w.worker)
    page = client.get("/people").get_data(as_text=True)
    assert 'aria-label="Sync"' in page
    assert f'data-user="{w.worker.id}"' in page
    for script in ("outbox.js", "sync.js", "offline.js"):
        assert f"/static/js/{script}" in page


def test_the_workers_javascript_stays_under_30_kb_gzipped(client, auth, w):
    """PRODUCT.md: what a worker's phone downloads to run My people and a person's page."""
    auth.sign_in(w.worker)
    scripts = {"/sw.js"}
    for page in ("/people", f"/people/{w.person.id}"):
        html = client.get(page).get_data(as_text=True)
        scripts |= set(re.findall(r'<script src="([^"]+)"', html))
    assert len(scripts) >= 7  # htmx, the app's five scripts and the service worker
    total = 0
    for url in sorted(scripts):
        with client.get(url, headers={"Accept-Encoding": "gzip"}) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            total += len(response.data)
    assert total < 30 * 1024


def test_our_scripts_go_out_minified_and_still_say_the_same(client):
    """Comments stay in the source for readers; the phone gets the code without them."""
    source = Path(client.application.static_folder, "js", "offline.js").read_text()
    with client.get("/static/js/offline.js") as response:
        served = response.get_data(as_text=True)
    assert "/* The phone side of working without signal" in source
    assert "The phone side of working without signal" not in served
    assert len(served) < len(source) * 0.8
    assert 'BroadcastChannel("stepladder-outbox")' in served
    with client.get("/sw.js") as response:
        worker = response.get_data(as_text=True)
    assert worker.startswith("self.STEPLADDER_BUILD = ")
    assert "importScripts" in worker and "\n  //" not in worker
