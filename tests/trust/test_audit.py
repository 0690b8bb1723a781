"""The audit trail: views, entries, exports and failed access leave rows; admins can search it."""

import csv
import io
import uuid

import pytest

from app.extensions import db
from app.models import AuditEvent
from tests.fixtures.rows import audit_events


def test_viewing_a_person_leaves_an_audit_row(client, auth, w):
    auth.sign_in(w.worker)
    assert client.get(f"/people/{w.person.id}").status_code == 200
    [event] = audit_events(action="person.view")
    assert (event.user_id, event.organisation_id) == (w.worker.id, w.org.id)
    assert event.target == f"person:{w.person.id}"
    assert event.address == "127.0.0.1"


def test_an_offline_copy_fetched_ahead_is_not_logged_as_a_view(client, auth, w):
    auth.sign_in(w.worker)
    client.get(f"/people/{w.person.id}", headers={"X-Stepladder-Prefetch": "1"})
    assert audit_events(action="person.view") == []
    [event] = audit_events(action="person.offline_copy")
    assert (event.user_id, event.target) == (w.worker.id, f"person:{w.person.id}")


def test_entries_created_and_voided_leave_audit_rows(client, auth, w):
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}/entries"
    token = auth.csrf(f"/people/{w.person.id}")
    first = str(uuid.uuid4())
    headers = {"X-Stepladder-Replay": "1"}
    assert (
        client.post(
            path, data={"csrf_token": token, "id": first, "action": "seen"}, headers=headers
        ).status_code
        == 201
    )
    assert (
        client.post(
            path, data={"csrf_token": token, "id": first, "action": "seen"}, headers=headers
        ).status_code
        == 200
    )
    undo = {
        "csrf_token": token,
        "id": str(uuid.uuid4()),
        "action": f"void:{first}",
        "reason": "Wrong person",
    }
    assert client.post(path, data=undo, headers=headers).status_code == 201
    actions = [e.action for e in audit_events(target=f"person:{w.person.id}")]
    assert actions.count("entry.create") == 1
    assert actions.count("entry.repeat") == 1
    assert actions.count("entry.void") == 1
    assert any(e.detail == f"entry:{first}" for e in audit_events(action="entry.create"))


def test_export_leaves_an_audit_row(client, auth, w):
    auth.sign_in(w.supervisor)
    response = client.get("/export/entries.csv?from=2024-01-01&to=2024-01-31")
    assert response.status_code == 200
    [event] = audit_events(action="export.entries")
    assert event.user_id == w.supervisor.id
    assert event.detail == "2024-01-01 to 2024-01-31"


@pytest.mark.parametrize(
    "path", ["/people/{other}", "/people/{other}/privacy", "/people/{other}/privacy/access.json"]
)
def test_another_organisations_person_is_404_and_audited(client, auth, w, path):
    auth.sign_in(w.admin)
    url = path.format(other=w.other_person.id)
    assert client.get(url).status_code == 404
    [event] = audit_events(action="not_found")
    assert event.user_id == w.admin.id and event.target == url
    assert event.organisation_id == w.org.id


def test_wrong_role_is_403_and_audited(client, auth, w):
    auth.sign_in(w.worker)
    assert client.get("/audit/").status_code == 403
    [event] = audit_events(action="denied")
    assert event.user_id == w.worker.id and event.target == "/audit/"


def test_failed_sign_in_is_audited_naming_the_account_outside_any_organisation_s_trail(
    client, auth, w
):
    assert auth.sign_in(w.worker, password="not the password").status_code == 401
    [event] = audit_events(action="sign_in.failed")
    assert event.target == f"account:{w.worker.email}"
    # A stranger typing an organisation's staff emails must not fill its trail.
    assert event.organisation_id is None and event.user_id is None


def test_state_changes_are_audited_without_the_view_asking(client, auth, w):
    auth.sign_in(w.worker)
    token = auth.csrf()
    client.post("/sign-out", data={"csrf_token": token})
    [event] = audit_events(action="auth.sign_out")
    assert event.user_id == w.worker.id
    assert event.detail == "POST 303"


def test_audit_rows_cannot_be_changed_or_deleted(app, w):
    event = AuditEvent(organisation_id=w.org.id, action="person.view", target="person:1")
    db.session.add(event)
    db.session.commit()
    event.action = "nothing to see"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()


def test_admin_filters_and_exports_the_trail_of_their_organisation_only(client, auth, w):
    auth.sign_in(w.worker)
    client.get(f"/people/{w.person.id}")
    client.post("/sign-out", data={"csrf_token": auth.csrf("/people")})
    auth.sign_in(w.other_admin)  # another organisation's activity must never show
    client.get(f"/people/{w.other_person.id}")
    client.post("/sign-out", data={"csrf_token": auth.csrf("/audit/")})
    auth.sign_in(w.admin)
    page = client.get(f"/audit/?action=person.view&user={w.worker.id}").get_data(as_text=True)
    assert f"person:{w.person.id}" in page
    assert f"person:{w.other_person.id}" not in page
    response = client.get("/audit/events.csv?action=person.")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["user"], r["action"], r["target"]) for r in rows] == [
        (w.worker.email, "person.view", f"person:{w.person.id}")
    ]
    assert audit_events(action="export.audit")


def test_bad_audit_filters_get_a_clear_message(client, auth, w):
    auth.sign_in(w.admin)
    response = client.get("/audit/?from=yesterday&user=x")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "is not a date: use YYYY-MM-DD" in html
    assert "Choose a user from the list." in html
