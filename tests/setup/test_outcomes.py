"""Outcomes and their ladders: the ready-made template, blank outcomes, rungs, retiring."""

import csv
import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Activity, Entry, Outcome, Rung
from tests.fixtures.factories import make_entry, make_outcome


def _rungs(outcome, retired=False):
    return list(
        db.session.scalars(
            select(Rung.text)
            .where(Rung.outcome_id == outcome.id, Rung.retired == retired)
            .order_by(Rung.position)
        )
    )


def _outcomes(org):
    return list(
        db.session.scalars(
            select(Outcome.name).where(Outcome.organisation_id == org.id).order_by(Outcome.position)
        )
    )


def test_library_outcomes_are_pre_ticked_for_an_organisation_with_none(newcomer):
    page = newcomer.text("/setup/outcomes")
    boxes = re.findall(r'<input[^>]*name="outcomes"[^>]*>', page)
    assert len(boxes) == 5 and all("checked" in box for box in boxes)


def test_admin_adopts_outcomes_from_the_library_with_their_rungs_and_links(admin, w):
    response = admin.post(
        "/setup/outcomes/library", {"outcomes": ["Connecting with people", "Work and learning"]}
    )
    assert response.status_code == 303
    org = w.org
    names = ["Getting out and about", "Connecting with people", "Work and learning"]
    assert _outcomes(org) == names
    connecting = db.session.scalar(
        select(Outcome).where(Outcome.organisation_id == org.id, Outcome.name == names[1])
    )
    assert _rungs(connecting)[0] == "Answered the phone to us"
    assert len(_rungs(connecting)) == 6
    # The template links its own "Doorstep support" to this outcome; this organisation has it.
    assert [a.name for a in connecting.activities] == ["Doorstep support"]
    # Activities the organisation does not have are not brought in by adopting outcomes.
    activities = select(Activity.name).where(Activity.organisation_id == org.id)
    assert db.session.scalars(activities).all() == ["Doorstep support"]
    page = admin.text("/setup/outcomes")
    assert "Connecting with people" in page and 'value="Connecting with people"' not in page


def test_library_refuses_nothing_ticked_and_unknown_names(admin, w):
    nothing = admin.post("/setup/outcomes/library", {})
    assert nothing.status_code == 422
    assert "Tick at least one outcome to add." in nothing.get_data(as_text=True)
    unknown = admin.post("/setup/outcomes/library", {"outcomes": ["Getting out and about"]})
    assert unknown.status_code == 422
    assert _outcomes(w.org) == ["Getting out and about"]


def test_admin_starts_a_blank_outcome_and_builds_its_ladder(admin, w):
    form = {"name": "Finding a home", "description": "Somewhere safe."}
    response = admin.post("/setup/outcomes", form)
    outcome = db.session.scalar(select(Outcome).where(Outcome.name == "Finding a home"))
    assert response.headers["Location"].endswith(f"/setup/outcomes/{outcome.id}")
    assert outcome.description == "Somewhere safe."
    for text in ("Talked about where I live", "Viewed a flat", "Signed a tenancy"):
        assert admin.post(f"/setup/outcomes/{outcome.id}/rungs", {"text": text}).status_code == 303
    assert _rungs(outcome) == ["Talked about where I live", "Viewed a flat", "Signed a tenancy"]
    empty = admin.post(f"/setup/outcomes/{outcome.id}/rungs", {"text": "  "})
    assert empty.status_code == 422
    assert "Give the step in plain words." in empty.get_data(as_text=True)
    assert len(_rungs(outcome)) == 3


def test_blank_outcome_needs_a_unique_name(admin, w):
    assert admin.post("/setup/outcomes", {"name": ""}).status_code == 422
    taken = admin.post("/setup/outcomes", {"name": "getting out and about"})
    assert taken.status_code == 422
    assert "There is already an outcome called" in taken.get_data(as_text=True)
    assert _outcomes(w.org) == ["Getting out and about"]


def test_admin_renames_and_describes_an_outcome(admin, w):
    outcome = w.outcome
    form = {"name": "Out and about", "description": "Going places."}
    admin.post(f"/setup/outcomes/{outcome.id}", form)
    db.session.refresh(outcome)
    assert (outcome.name, outcome.description) == ("Out and about", "Going places.")
    assert admin.post(f"/setup/outcomes/{outcome.id}", {"name": ""}).status_code == 422
    db.session.refresh(outcome)
    assert outcome.name == "Out and about"


def test_admin_reorders_outcomes(admin, w):
    second = make_outcome(w.org, "Connecting with people")
    second.position = 5
    db.session.commit()
    admin.post(f"/setup/outcomes/{second.id}/move", {"direction": "up"})
    assert _outcomes(w.org) == ["Connecting with people", "Getting out and about"]


def test_admin_rewords_and_reorders_rungs(admin, w):
    outcome = w.outcome
    door, left, bus = outcome.rungs
    base = f"/setup/outcomes/{outcome.id}/rungs"
    admin.post(f"{base}/{door.id}/rename", {"text": "Opened the front door"})
    # "Up" climbs the ladder, as the page's ↑ shows it: towards the top rung.
    admin.post(f"{base}/{bus.id}/move", {"direction": "up"})  # already at the top
    admin.post(f"{base}/{door.id}/move", {"direction": "up"})
    expected = ["Left home with support", "Opened the front door", "Took the bus alone"]
    assert _rungs(outcome) == expected
    refused = admin.post(f"{base}/{left.id}/rename", {"text": ""})
    assert refused.status_code == 422
    assert _rungs(outcome)[0] == "Left home with support"


def test_a_new_top_rung_moves_down_the_ladder(admin, w):
    outcome = w.outcome
    base = f"/setup/outcomes/{outcome.id}/rungs"
    admin.post(base, {"text": "Went to the shop alone"})
    new = next(r for r in outcome.rungs if r.text == "Went to the shop alone")
    assert _rungs(outcome)[-1] == "Went to the shop alone"
    admin.post(f"{base}/{new.id}/move", {"direction": "down"})
    assert _rungs(outcome)[-2:] == ["Went to the shop alone", "Took the bus alone"]


def test_a_rung_of_another_outcome_is_not_found(admin, w):
    other_outcome = make_outcome(w.org, "Connecting with people")
    db.session.commit()
    rung = other_outcome.rungs[0]
    response = admin.post(f"/setup/outcomes/{w.outcome.id}/rungs/{rung.id}/retire")
    assert response.status_code == 404
    assert not db.session.get(Rung, rung.id).retired


def test_retiring_a_rung_keeps_its_entries_and_export_rows_and_removes_its_button(admin, w):
    outcome, person, worker = w.outcome, w.person, w.worker
    door, left, bus = outcome.rungs
    step = make_entry(person, worker, "step", rung=left, activity_id=w.activity.id)
    db.session.commit()
    before = admin.text(f"/people/{person.id}")
    assert f'value="step:{left.id}"' in before

    response = admin.post(f"/setup/outcomes/{outcome.id}/rungs/{left.id}/retire")
    assert response.status_code == 303
    assert _rungs(outcome) == ["Opened the door", "Took the bus alone"]
    assert _rungs(outcome, retired=True) == ["Left home with support"]

    stored = db.session.get(Entry, step.id)
    assert stored is not None and stored.rung_id == left.id
    page = admin.text(f"/people/{person.id}")
    assert f'value="step:{left.id}"' not in page  # no longer offered as a button
    assert f'value="step:{bus.id}"' in page
    assert "Left home with support" in page  # still on the timeline
    export = admin.get("/export/entries.csv?from=2000-01-01&to=2100-01-01").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(export)) if r["entry_id"] == str(step.id)]
    assert [(r["rung"], r["status"]) for r in rows] == [("Left home with support", "")]

    admin.post(f"/setup/outcomes/{outcome.id}/rungs/{left.id}/restore")
    assert _rungs(outcome) == ["Opened the door", "Left home with support", "Took the bus alone"]


def test_retired_outcome_leaves_peoples_pages_and_can_be_restored(admin, w):
    outcome, person = w.outcome, w.person
    admin.post(f"/setup/outcomes/{outcome.id}/retire")
    assert db.session.get(Outcome, outcome.id).retired
    page = admin.text(f"/people/{person.id}")
    assert "Opened the door" not in page
    assert "Choose their outcomes" in page
    admin.post(f"/setup/outcomes/{outcome.id}/restore")
    assert not db.session.get(Outcome, outcome.id).retired
    assert "Opened the door" in admin.text(f"/people/{person.id}")
