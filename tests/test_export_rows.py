"""The raw export's rows come from one streamed statement, and amended entries are marked."""

import csv
import io
import uuid
from datetime import datetime, timedelta

from sqlalchemy import insert

from app.extensions import db
from app.models import Entry
from tests.fixtures.factories import make_entry
from tests.fixtures.statements import count_statements

FIRST, LAST = "2026-03-01", "2026-03-31"
IN_MARCH = datetime(2026, 3, 10, 9)


def _export(client):
    """The export of March 2026 as a list of dict rows, and the statements it sent."""
    with count_statements() as seen:
        response = client.get(f"/export/entries.csv?from={FIRST}&to={LAST}")
        text = response.get_data(as_text=True)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(text))), seen


def _add_entries(w, how_many: int, amend_every: int = 7):
    """Add `how_many` entries in March across both people, with every `amend_every`-th one
    corrected or voided by the next, in one insert."""
    rung = w.outcome.rungs[0]
    rows = []
    for n in range(how_many):
        person, worker = (w.person, w.worker) if n % 2 else (w.person2, w.colleague)
        row = dict(
            id=uuid.uuid4(),
            organisation_id=w.org.id,
            person_id=person.id,
            worker_id=worker.id,
            kind="step" if n % 3 else "seen",
            outcome_id=rung.outcome_id if n % 3 else None,
            rung_id=rung.id if n % 3 else None,
            activity_id=w.activity.id if n % 4 else None,
            note=f"visit {n}",
            reason="",
            shareable=False,
            amends_id=None,
            recorded_at=IN_MARCH + timedelta(minutes=n),
            received_at=IN_MARCH + timedelta(minutes=n),
        )
        if n % amend_every == 1:
            row.update(
                kind="void" if n % 2 else "note",
                outcome_id=None,
                rung_id=None,
                amends_id=rows[-1]["id"],
                reason="Mistake",
            )
        rows.append(row)
    db.session.execute(insert(Entry), rows)
    db.session.commit()


def test_the_export_sends_the_same_statements_for_few_entries_as_for_thousands(client, auth, w):
    _add_entries(w, 3)
    auth.sign_in(w.supervisor)
    few, few_seen = _export(client)
    _add_entries(w, 2500)
    many, many_seen = _export(client)
    assert (len(few), len(many)) == (3, 2503)
    assert len(many_seen) == len(few_seen), many_seen
    statuses = {r["status"] for r in many}
    assert statuses == {"", "voided", "corrected"}


def test_a_corrected_entry_and_its_correction_both_appear_with_their_status(client, auth, w):
    rung = w.outcome.rungs[1]
    mistaken = make_entry(
        w.person,
        w.worker,
        "step",
        at=IN_MARCH,
        rung=rung,
        rung_id=rung.id,
        activity_id=w.activity.id,
    )
    correction = make_entry(
        w.person,
        w.worker,
        "setback",
        at=IN_MARCH + timedelta(hours=1),
        outcome_id=w.outcome.id,
        amends_id=mistaken.id,
        reason="It went the other way",
    )
    # Corrected in April: the March entry is still marked, though its correction is not in
    # the period.
    later = make_entry(w.person, w.worker, "seen", at=IN_MARCH + timedelta(hours=2))
    make_entry(w.person, w.worker, "note", at=datetime(2026, 4, 2, 9), amends_id=later.id)
    untouched = make_entry(w.person2, w.colleague, "seen", at=IN_MARCH + timedelta(hours=3))
    db.session.commit()
    auth.sign_in(w.supervisor)
    rows, _ = _export(client)
    assert [r["entry_id"] for r in rows] == [
        str(e.id) for e in (mistaken, correction, later, untouched)
    ]
    first, second, third, fourth = rows
    assert first == {
        "entry_id": str(mistaken.id),
        "person_reference": "RS-1",
        "kind": "step",
        "outcome": "Getting out and about",
        "rung": "Left home with support",
        "activity": "Doorstep support",
        "worker": w.worker.name,
        "recorded_at": "2026-03-10T09:00:00Z",
        "received_at": mistaken.received_at.isoformat(timespec="seconds") + "Z",
        "status": "corrected",
        "amends_entry_id": "",
        "reason": "",
        "note": "",
        "session": "",
        "mode": "",
        "minutes": "",
    }
    assert (second["kind"], second["status"], second["amends_entry_id"], second["reason"]) == (
        "setback",
        "",
        str(mistaken.id),
        "It went the other way",
    )
    assert (second["outcome"], second["rung"], second["activity"]) == (
        "Getting out and about",
        "",
        "",
    )
    assert third["status"] == "corrected"
    assert (fourth["person_reference"], fourth["worker"], fourth["status"]) == (
        "RS-2",
        w.colleague.name,
        "",
    )
