"""GDPR rights: subject access is complete, erasure keeps report totals, consent and retention."""

import io
from datetime import date, timedelta

from sqlalchemy import func, select

from app import local_time
from app.entries import counting
from app.extensions import db
from app.models import AuditEvent, Entry, PendingImport, Person
from app.privacy.subject_access import tables_referencing_person
from tests.fixtures.factories import make_entry, make_person
from tests.fixtures.rows import audit_events


def _sign_in_admin_with_history(auth, w):
    rung = w.outcome.rungs[0]
    make_entry(w.person, w.worker, "step", rung=rung, note="Talked about her sister Maria")
    make_entry(w.person, w.worker, "seen")
    make_entry(w.person2, w.colleague, "seen")
    db.session.commit()
    auth.sign_in(w.admin)


def test_subject_access_includes_every_table_that_refers_to_the_person(client, auth, w):
    _sign_in_admin_with_history(auth, w)
    client.get(f"/people/{w.person.id}")  # leaves an access-log row for the record
    held = client.get(f"/people/{w.person.id}/privacy/access.json").get_json()
    referring = {table.name for table, _ in tables_referencing_person()}
    assert {"entry", "plan", "caseload"} <= referring
    for table in referring:
        assert table in held, f"subject access misses the {table} table"
    assert held["person"]["display_name"] == "Ada L." and held["person"]["reference"] == "RS-1"
    assert len(held["entry"]) == 2 and all(e["person_id"] == w.person.id for e in held["entry"])
    assert {e["note"] for e in held["entry"]} == {"Talked about her sister Maria", ""}
    assert held["plan"][0]["outcome_id"] == w.outcome.id
    assert held["caseload"] == [{"person_id": w.person.id, "user_id": w.worker.id}]
    assert held["key_workers"] == [w.worker.name]
    assert any(e["action"] == "person.view" for e in held["audit_event"])
    assert audit_events(action="export.subject_access")


def test_subject_access_page_is_readable(client, auth, w):
    _sign_in_admin_with_history(auth, w)
    page = client.get(f"/people/{w.person.id}/privacy/access").get_data(as_text=True)
    assert "Everything held about Ada L." in page
    assert "Talked about her sister Maria" in page and "Opened the door" in page


def test_erasure_removes_identifying_data_and_keeps_report_totals(client, auth, w):
    _sign_in_admin_with_history(auth, w)
    start, end = local_time.day_bounds(
        date.today() - timedelta(days=30), date.today() + timedelta(days=1)
    )
    before = counting.counts(w.org.id, start, end)
    token = auth.csrf(f"/people/{w.person.id}/privacy")
    refused = client.post(
        f"/people/{w.person.id}/privacy/erase",
        data={"csrf_token": token, "confirm_reference": "RS-2"},
    )
    assert refused.status_code == 422
    assert db.session.get(Person, w.person.id).display_name == "Ada L."
    response = client.post(
        f"/people/{w.person.id}/privacy/erase",
        data={"csrf_token": token, "confirm_reference": "RS-1"},
    )
    assert response.status_code == 303
    person = db.session.get(Person, w.person.id)
    assert person.display_name == "Erased person" and person.reference.startswith("ERASED-")
    assert person.demographics == {} and person.erased_at is not None
    notes = db.session.scalars(db.select(Entry.note).where(Entry.person_id == person.id)).all()
    assert notes == ["", ""]
    assert counting.counts(w.org.id, start, end) == before
    held = client.get(f"/people/{person.id}/privacy/access.json").get_data(as_text=True)
    assert "Ada" not in held and "RS-1" not in held and "Maria" not in held
    assert audit_events(action="person.erase")


def test_only_admins_erase(client, auth, w):
    auth.sign_in(w.supervisor)
    token = auth.csrf(f"/people/{w.person.id}/privacy")
    response = client.post(
        f"/people/{w.person.id}/privacy/erase",
        data={"csrf_token": token, "confirm_reference": "RS-1"},
    )
    assert response.status_code == 403
    assert db.session.get(Person, w.person.id).display_name == "Ada L."


def test_withdrawing_story_consent_unshares_notes(client, auth, w):
    person = w.person
    person.consent_scope = "records,stories"
    make_entry(person, w.worker, "note", note="A story", shareable=True)
    db.session.commit()
    auth.sign_in(w.supervisor)
    token = auth.csrf(f"/people/{person.id}/privacy")
    response = client.post(
        f"/people/{person.id}/privacy/consent",
        data={"csrf_token": token, "records": "y", "consent_date": "2024-03-01"},
    )
    assert response.status_code == 303
    assert db.session.get(Person, person.id).consent_scope == "records"
    assert db.session.scalars(
        db.select(Entry.shareable).where(Entry.person_id == person.id)
    ).all() == [False]


def test_retention_flags_long_closed_people_and_anonymises_them_in_bulk(client, auth, w):
    org = w.org
    org.retention_months = 12
    old = make_person(
        org,
        display_name="Long Gone",
        reference="OLD-1",
        status="closed",
        closed_on=date.today() - timedelta(days=400),
    )
    recent = make_person(
        org,
        display_name="Just Closed",
        reference="NEW-1",
        status="closed",
        closed_on=date.today() - timedelta(days=30),
    )
    db.session.commit()
    auth.sign_in(w.admin)
    page = client.get("/privacy/retention").get_data(as_text=True)
    assert "Long Gone" in page and "Just Closed" not in page
    token = auth.csrf("/privacy/retention")
    refused = client.post(
        "/privacy/retention", data={"csrf_token": token, "people": [old.id, recent.id]}
    )
    assert refused.status_code == 422
    assert db.session.get(Person, old.id).erased_at is None  # all or nothing
    done = client.post("/privacy/retention", data={"csrf_token": token, "people": [old.id]})
    assert done.status_code == 303
    assert db.session.get(Person, old.id).display_name == "Erased person"
    assert db.session.get(Person, recent.id).display_name == "Just Closed"
    assert "Nobody is due for review." in client.get("/privacy/retention").get_data(as_text=True)


def test_erasure_leaves_no_name_or_reference_in_the_trail_or_pending_imports(client, auth, w):
    person = w.person
    # A row as the set-up pages once wrote them, quoting the reference.
    db.session.add(
        AuditEvent(
            organisation_id=w.org.id,
            action="setup.change",
            target=f"person:{person.id}",
            detail="RS-1",
        )
    )
    db.session.commit()
    auth.sign_in(w.admin)
    path = f"/setup/people/{person.id}"
    saved = client.post(
        path,
        data={
            "csrf_token": auth.csrf(path),
            "display_name": "Ada L.",
            "reference": "RS-1",
            "status": "active",
        },
    )
    assert saved.status_code == 303
    upload = client.post(
        "/people/import/",
        data={
            "csrf_token": auth.csrf("/people/import/"),
            "file": (io.BytesIO(b"Name,Reference\nAda L.,RS-1\n"), "people.csv"),
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 1
    erased = client.post(
        f"/people/{person.id}/privacy/erase",
        data={"csrf_token": auth.csrf(f"/people/{person.id}/privacy"), "confirm_reference": "RS-1"},
    )
    assert erased.status_code == 303
    trail = [(e.target, e.detail) for e in audit_events()]
    assert (f"person:{person.id}", "") in trail
    assert not [row for row in trail if any("Ada" in t or "RS-1" in t for t in row)]
    assert db.session.scalar(select(func.count()).select_from(PendingImport)) == 0
    assert client.get(upload.headers["Location"]).status_code == 404
