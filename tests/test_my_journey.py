"""My journey: the person's own ladders, with nothing about anyone else and no staff notes."""

from datetime import datetime

from app.extensions import db
from tests.fixtures.factories import make_entry


def test_my_journey_shows_the_rungs_reached_and_when(client, auth, w):
    rungs = w.outcome.rungs
    make_entry(
        w.person,
        w.worker,
        "step",
        datetime(2025, 3, 2, 10),
        rung=rungs[0],
        rung_id=rungs[0].id,
    )
    make_entry(
        w.person,
        w.worker,
        "step",
        datetime(2025, 4, 9, 10),
        rung=rungs[1],
        rung_id=rungs[1].id,
    )
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people/{w.person.id}/journey").get_data(as_text=True)
    assert "Ada L.&#39;s journey" in html or "Ada L.'s journey" in html
    assert "Reached on 2 Mar 2025" in html and "Reached on 9 Apr 2025" in html
    assert "You have reached 2 of 3 steps" in html
    assert "Next: Took the bus alone" in html
    assert "Certificate of progress" in html


def test_my_journey_leaves_out_voided_steps(client, auth, w):
    rung = w.outcome.rungs[2]
    step = make_entry(w.person, w.worker, "step", rung=rung, rung_id=rung.id)
    make_entry(w.person, w.worker, "void", amends_id=step.id, reason="Wrong person")
    db.session.commit()
    auth.sign_in(w.worker)
    html = client.get(f"/people/{w.person.id}/journey").get_data(as_text=True)
    assert "Reached on" not in html
    assert "Your first step is waiting for you" in html


def test_my_journey_shows_no_other_person_and_no_staff_notes(client, auth, w):
    rungs = w.outcome.rungs
    make_entry(
        w.person,
        w.worker,
        "step",
        rung=rungs[0],
        rung_id=rungs[0].id,
        note="Staff only: worried about housing",
    )
    make_entry(w.person, w.worker, "note", note="Private note about a risk")
    make_entry(
        w.person2,
        w.colleague,
        "step",
        datetime(2025, 5, 5, 10),
        rung=rungs[2],
        rung_id=rungs[2].id,
    )
    db.session.commit()
    auth.sign_in(w.supervisor)
    html = client.get(f"/people/{w.person.id}/journey").get_data(as_text=True)
    assert "Ada L." in html
    for hidden in ("Bo M.", "RS-2", "housing", "Private note", w.worker.name, "5 May 2025"):
        assert hidden not in html


def test_my_journey_follows_the_caseload_rules(client, auth, w):
    auth.sign_in(w.worker)
    assert client.get(f"/people/{w.person2.id}/journey").status_code == 404  # not my caseload
    assert client.get(f"/people/{w.other_person.id}/journey").status_code == 404


def test_the_person_page_links_to_my_journey(client, auth, w):
    auth.sign_in(w.worker)
    html = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    assert f'href="/people/{w.person.id}/journey">My journey</a>' in html
