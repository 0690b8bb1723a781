"""Contacts in the exports: the entries CSV's session, mode and minutes, and the MHSDS shape."""

import csv
import io
import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.local_time import local_today
from app.models import Entry
from app.models.clock import utcnow
from tests.fixtures.factories import make_entry, make_group_session


def _csv(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _period():
    return f"from={local_today() - timedelta(days=1)}&to={local_today()}"


def test_the_entries_export_has_session_mode_and_minutes(client, auth, w):
    session = make_group_session(w.activity, w.worker, [w.person, w.person2])
    make_entry(w.person, w.worker, "seen", mode="face_to_face", minutes=60, session_id=session.id)
    make_entry(w.person2, w.worker, "dna", session_id=session.id)
    make_entry(w.person, w.worker, "note", note="Plain note", at=utcnow() - timedelta(hours=2))
    db.session.commit()
    auth.sign_in(w.supervisor)
    rows = _csv(client, f"/export/entries.csv?{_period()}")
    by_kind = {r["kind"]: r for r in rows}
    assert (by_kind["seen"]["session"], by_kind["seen"]["mode"], by_kind["seen"]["minutes"]) == (
        str(session.id),
        "face_to_face",
        "60",
    )
    assert (by_kind["dna"]["session"], by_kind["dna"]["mode"], by_kind["dna"]["minutes"]) == (
        str(session.id),
        "",
        "",
    )
    assert (by_kind["note"]["session"], by_kind["note"]["mode"]) == ("", "")


def test_the_mhsds_export_has_one_row_per_person_per_day(client, auth, w):
    now = utcnow() - timedelta(minutes=30)
    make_entry(w.person, w.worker, "seen", at=now - timedelta(minutes=20), mode="phone", minutes=15)
    make_entry(w.person, w.worker, "step", at=now, rung=w.outcome.rungs[0], minutes=10)
    make_entry(w.person2, w.worker, "dna", at=now)
    make_entry(w.other_person, w.other_worker, "seen", at=now, mode="video")
    db.session.commit()
    auth.sign_in(w.supervisor)
    rows = _csv(client, f"/export/mhsds-contacts.csv?{_period()}")
    assert [(r["person_reference"], r["attended"]) for r in rows] == [
        ("RS-1", "yes"),
        ("RS-2", "no"),
    ]
    ada, bo = rows
    assert (ada["consultation_mechanism"], ada["minutes"], ada["attend_or_dna_code"]) == (
        "02",
        "25",
        "5",
    )
    assert (bo["consultation_mechanism"], bo["minutes"], bo["attend_or_dna_code"]) == ("", "", "3")
    assert ada["contact_date"] == local_today().isoformat()


def test_workers_cannot_export_contacts(client, auth, w):
    auth.sign_in(w.worker)
    assert client.get(f"/export/mhsds-contacts.csv?{_period()}").status_code == 403


def test_the_mhsds_export_needs_a_period(client, auth, w):
    auth.sign_in(w.supervisor)
    response = client.get("/export/mhsds-contacts.csv?from=2026-01-01")
    assert response.status_code == 400
    assert "from=YYYY-MM-DD" in response.get_data(as_text=True)


def _record(client, person, token, action, **fields):
    data = {"csrf_token": token, "id": str(uuid.uuid4()), "action": action, **fields}
    return client.post(
        f"/people/{person.id}/entries", data=data, headers={"X-Stepladder-Replay": "1"}
    )


def _entries(person):
    return list(db.session.scalars(select(Entry).where(Entry.person_id == person.id)))


def test_how_and_how_long_are_stored_and_the_mode_becomes_the_default(client, auth, w):
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}"
    token = auth.csrf(path)
    assert _record(client, w.person, token, "seen", mode="phone", minutes="25").status_code == 201
    [entry] = _entries(w.person)
    assert (entry.kind, entry.mode, entry.minutes) == ("seen", "phone", 25)
    page = client.get(path).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="mode"[^>]*value="phone"', page)
    assert "How and how long: Phone" in page and "· Phone · 25 min" in re.sub(r"\s+", " ", page)


def test_a_step_without_how_or_how_long_is_saved_as_before(client, auth, w):
    auth.sign_in(w.worker)
    path = f"/people/{w.person.id}"
    token = auth.csrf(path)
    assert not re.search(r'<input checked[^>]*name="mode"', client.get(path).get_data(as_text=True))
    rung = w.outcome.rungs[0]
    assert _record(client, w.person, token, f"step:{rung.id}").status_code == 201
    [entry] = _entries(w.person)
    assert (entry.kind, entry.mode, entry.minutes) == ("step", None, None)


def test_did_not_attend_is_an_entry_kind_with_an_optional_reason(client, auth, w):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}")
    response = _record(client, w.person, token, "dna", note="Not in when I called", mode="phone")
    assert response.status_code == 201
    [entry] = _entries(w.person)
    assert (entry.kind, entry.note, entry.mode) == ("dna", "Not in when I called", None)
    page = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert "Did not attend" in page


def test_bad_contact_details_are_refused_plainly(client, auth, w):
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}")
    bad_mode = _record(client, w.person, token, "seen", mode="pigeon")
    assert bad_mode.status_code == 422 and "way of making contact" in bad_mode.get_json()["error"]
    too_long = _record(client, w.person, token, "seen", minutes="5000")
    assert too_long.status_code == 422 and "Minutes must be" in too_long.get_json()["error"]
    not_a_number = _record(client, w.person, token, "seen", minutes="ten")
    assert not_a_number.status_code == 422 and "Minutes" in not_a_number.get_json()["error"]
    assert _entries(w.person) == []
