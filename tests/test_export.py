"""The raw export: one row per entry in the period, voided ones marked."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from tests.fixtures.factories import make_entry


def _rows(client, first, last):
    response = client.get(f"/export/entries.csv?from={first}&to={last}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_export_has_one_row_per_entry_with_its_details(client, auth, w):
    rung = w.outcome.rungs[2]
    step = make_entry(
        w.person, w.worker, "step", rung=rung, rung_id=rung.id, activity_id=w.activity.id
    )
    db.session.commit()
    auth.sign_in(w.supervisor)
    [row] = _rows(client, date.today() - timedelta(days=1), date.today())
    assert row["entry_id"] == str(step.id)
    assert row["person_reference"] == "RS-1"
    assert (row["kind"], row["outcome"], row["rung"]) == (
        "step",
        "Getting out and about",
        "Took the bus alone",
    )
    assert (row["activity"], row["worker"], row["status"]) == (
        "Doorstep support",
        w.worker.name,
        "",
    )
    assert row["recorded_at"].endswith("Z") and row["received_at"].endswith("Z")


def test_voided_and_corrected_entries_are_marked(client, auth, w):
    wrong = make_entry(w.person, w.worker, "seen")
    make_entry(w.person, w.worker, "void", amends_id=wrong.id, reason="Wrong person")
    mistaken = make_entry(w.person, w.worker, "seen")
    fixed = make_entry(
        w.person,
        w.worker,
        "note",
        note="Rang instead",
        amends_id=mistaken.id,
        reason="Was a call",
    )
    db.session.commit()
    auth.sign_in(w.admin)
    rows = {r["entry_id"]: r for r in _rows(client, date.today() - timedelta(days=1), date.today())}
    assert rows[str(wrong.id)]["status"] == "voided"
    assert rows[str(mistaken.id)]["status"] == "corrected"
    assert rows[str(fixed.id)]["status"] == "" and rows[str(fixed.id)]["amends_entry_id"] == str(
        mistaken.id
    )
    assert len(rows) == 4


def test_export_keeps_to_the_period_and_the_organisation(client, auth, w):
    inside = make_entry(
        w.person, w.worker, "seen", at=datetime(2026, 3, 31, 22, 30)
    )  # 23:30 BST, 31 March
    make_entry(
        w.person, w.worker, "seen", at=datetime(2026, 3, 31, 23, 30)
    )  # 00:30 on 1 April, London
    make_entry(w.person, w.worker, "seen", at=datetime(2026, 2, 28, 23, 59))  # before the period
    make_entry(w.other_person, w.other_worker, "seen", at=datetime(2026, 3, 15, 12))
    db.session.commit()
    auth.sign_in(w.supervisor)
    rows = _rows(client, "2026-03-01", "2026-03-31")
    assert [r["entry_id"] for r in rows] == [str(inside.id)]


def test_formula_like_cells_are_neutralised(client, auth, w):
    make_entry(w.person, w.worker, "note", note='=HYPERLINK("http://x")')
    db.session.commit()
    auth.sign_in(w.supervisor)
    [row] = _rows(client, date.today() - timedelta(days=1), date.today())
    assert row["note"].startswith("'=")


@pytest.mark.parametrize(
    "query", ["", "?from=2026-01-01", "?from=nope&to=2026-01-02", "?from=2026-02-01&to=2026-01-01"]
)
def test_a_bad_period_gets_a_clear_400(client, auth, w, query):
    auth.sign_in(w.supervisor)
    response = client.get("/export/entries.csv" + query)
    assert response.status_code == 400
    assert b"YYYY-MM-DD" in response.data or b"before its start" in response.data


def test_workers_cannot_export(client, auth, w):
    auth.sign_in(w.worker)
    assert client.get("/export/entries.csv?from=2026-01-01&to=2026-01-02").status_code == 403


def test_csv_stream_makes_every_cell_safe_and_streams_in_chunks():
    from app.csv_cells import CHUNK, csv_stream

    chunks = list(csv_stream(["a", "b"], ([f"=cmd{i}", i] for i in range(5000))))
    assert len(chunks) > 1 and all(len(c) <= CHUNK + 100 for c in chunks)
    rows = list(csv.reader(io.StringIO("".join(chunks))))
    assert rows[0] == ["a", "b"] and len(rows) == 5001
    assert rows[1] == ["'=cmd0", "0"] and rows[-1] == ["'=cmd4999", "4999"]
