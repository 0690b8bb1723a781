"""A tap never records a regression as progress: a rung below the current one asks first
("Back to '<rung>'?"), and "Yes" records going back — a setback on that outcome, not a step."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import local_time
from app.entries import counting, queries
from app.extensions import db
from app.models import Entry
from app.models.clock import utcnow
from tests.fixtures.factories import make_entry, make_outcome


def _post(client, person, token, action, headers=None, **fields):
    data = {"csrf_token": token, "id": str(uuid.uuid4()), "action": action, **fields}
    return client.post(f"/people/{person.id}/entries", data=data, headers=headers or {})


def _entries(person):
    return list(db.session.scalars(select(Entry).where(Entry.person_id == person.id)))


@pytest.fixture
def on_the_top_rung(client, auth, w):
    """Ada has climbed to the third rung; the worker is signed in on her page."""
    first, second, third = w.outcome.rungs
    for n, rung in enumerate((first, third)):
        make_entry(
            w.person,
            w.worker,
            "step",
            utcnow() - timedelta(days=3 - n),
            rung=rung,
            rung_id=rung.id,
            activity_id=w.activity.id,
        )
    db.session.commit()
    auth.sign_in(w.worker)
    return auth.csrf(f"/people/{w.person.id}")


def test_tapping_a_lower_rung_asks_first_and_stores_nothing(client, w, on_the_top_rung):
    second = w.outcome.rungs[1]
    before = len(_entries(w.person))
    response = _post(client, w.person, on_the_top_rung, f"back:{second.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Back to ‘Left home with support’?" in html
    assert f'value="goback:{second.id}"' in html and "Yes, back to ‘Left home with support’" in html
    assert "No, keep ‘Took the bus alone’" in html
    assert len(_entries(w.person)) == before


def test_yes_records_going_back_as_a_setback_on_that_rung(client, w, on_the_top_rung):
    first, second, third = w.outcome.rungs
    response = _post(client, w.person, on_the_top_rung, f"goback:{second.id}")
    assert response.status_code == 303
    [back] = [e for e in _entries(w.person) if e.kind != "step"]
    assert (back.kind, back.rung_id, back.outcome_id) == ("setback", second.id, w.outcome.id)
    [ladder] = queries.ladders(w.person)
    assert ladder.current.id == second.id
    assert [r.id for r in ladder.lower_rungs] == [first.id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Went back to Left home with support" in page
    # Counted as a setback, never as a step up: two steps, one setback.
    today = local_time.local_today()
    found = counting.tally(
        [Entry.organisation_id == w.org.id],
        *local_time.day_bounds(today - timedelta(days=7), today),
    )
    assert (found.steps, found.setbacks) == (2, 1)


def test_htmx_gets_the_question_in_the_recorder_and_the_status_region(client, w, on_the_top_rung):
    first = w.outcome.rungs[0]
    response = _post(
        client, w.person, on_the_top_rung, f"back:{first.id}", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<h2 id="confirm-back-question">Back to ‘Opened the door’?</h2>' in html
    assert "<p>Back to ‘Opened the door’? Confirm below.</p>" in html  # the live region
    assert 'id="recorder"' in html and 'hx-swap-oob="innerHTML"' in html


def test_an_offline_replay_of_an_unconfirmed_going_back_is_set_aside(client, w, on_the_top_rung):
    second = w.outcome.rungs[1]
    before = len(_entries(w.person))
    response = _post(
        client, w.person, on_the_top_rung, f"back:{second.id}", {"X-Stepladder-Replay": "1"}
    )
    assert response.status_code == 422
    assert "needs confirming" in response.get_json()["error"]
    assert len(_entries(w.person)) == before


def test_a_rung_that_is_not_below_the_current_one_is_refused(client, w, on_the_top_rung):
    third = w.outcome.rungs[2]
    response = _post(client, w.person, on_the_top_rung, f"back:{third.id}")
    assert response.status_code == 422
    assert "not below where this person stands" in response.get_data(as_text=True)


def test_a_step_posted_to_a_lower_rung_asks_instead_of_recording_progress(
    client, w, on_the_top_rung
):
    """A stale page or a hand-made post says "step:" for a rung below the current one: the
    server asks, as for "back:", and stores nothing."""
    second = w.outcome.rungs[1]
    before = len(_entries(w.person))
    response = _post(client, w.person, on_the_top_rung, f"step:{second.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Back to ‘Left home with support’?" in html and f'value="goback:{second.id}"' in html
    assert len(_entries(w.person)) == before


def test_an_offline_step_to_a_lower_rung_is_set_aside_not_stored(client, w, on_the_top_rung):
    second = w.outcome.rungs[1]
    before = len(_entries(w.person))
    response = _post(
        client, w.person, on_the_top_rung, f"step:{second.id}", {"X-Stepladder-Replay": "1"}
    )
    assert response.status_code == 422
    assert "needs confirming" in response.get_json()["error"]
    assert len(_entries(w.person)) == before


@pytest.mark.parametrize("which", [2, 0])  # the current rung, and a ladder never climbed
def test_going_back_to_a_rung_not_below_the_current_one_is_refused(
    client, w, on_the_top_rung, which
):
    """ "goback:" (the confirmed answer) names the current rung, or a rung on a ladder the
    person has not started: a clear 422, nothing stored."""
    rung = w.outcome.rungs[which]
    if which == 0:
        w.person.plans.append(type(w.person.plans[0])(outcome=make_outcome(w.org)))
        db.session.commit()
        rung = w.person.plans[-1].outcome.rungs[0]
    before = len(_entries(w.person))
    response = _post(client, w.person, on_the_top_rung, f"goback:{rung.id}")
    assert response.status_code == 422
    assert f"‘{rung.text}’ is not below where this person stands now" in response.get_data(
        as_text=True
    )
    assert len(_entries(w.person)) == before


def test_a_replayed_step_is_judged_by_where_the_person_stood_when_it_was_tapped(
    client, w, on_the_top_rung
):
    """The second rung, tapped offline between the first (3 days ago) and someone else's
    third (2 days ago), was a step up when it was made: stored as a step, and a repeat of it
    is still an identical repeat (200), not a going back."""
    second = w.outcome.rungs[1]
    data = {
        "csrf_token": on_the_top_rung,
        "id": str(uuid.uuid4()),
        "action": f"step:{second.id}",
        "recorded_at": (utcnow() - timedelta(days=2, hours=12)).isoformat(),
    }
    path, replay = f"/people/{w.person.id}/entries", {"X-Stepladder-Replay": "1"}
    assert client.post(path, data=data, headers=replay).status_code == 201
    assert client.post(path, data=data, headers=replay).status_code == 200
    stored = db.session.get(Entry, uuid.UUID(data["id"]))
    assert (stored.kind, stored.rung_id) == ("step", second.id)
    # Going back to it now, though, is below the third rung the person stands on.
    now = _post(client, w.person, on_the_top_rung, f"step:{second.id}")
    assert "Back to ‘Left home with support’?" in now.get_data(as_text=True)


def test_lower_rungs_carry_the_question_for_the_offline_layer(client, w, on_the_top_rung):
    first, second, third = w.outcome.rungs
    html = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    buttons = re.findall(r"<button[^>]*rung[^>]*>", html)
    lower = [b for b in buttons if "data-confirm=" in b]
    assert len(lower) == 2
    assert any(f'value="back:{second.id}"' in b and f'"goback:{second.id}"' in b for b in lower)
    assert 'data-confirm="Back to ‘Opened the door’?"' in html
    assert f'value="step:{third.id}"' in html  # the current rung is no going back


def test_going_back_shortens_the_distance_travelled(app, w, on_the_top_rung, client):
    from app.entries import distance_travelled
    from app.entries.scoped import Scope

    second = w.outcome.rungs[1]
    _post(client, w.person, on_the_top_rung, f"goback:{second.id}")
    today = local_time.local_today()
    scope = Scope(w.org.id)
    found = distance_travelled.distance(
        scope, *local_time.day_bounds(today - timedelta(days=7), today)
    )
    assert (found.people, found.total) == (1, 1)  # first rung to the second: one rung


def test_the_journey_counts_steps_visits_and_setbacks_through_the_counting_layer(
    client, auth, w, on_the_top_rung
):
    second = w.outcome.rungs[1]
    _post(client, w.person, on_the_top_rung, f"goback:{second.id}")
    _post(client, w.person, on_the_top_rung, "seen")
    client.post("/sign-out", data={"csrf_token": on_the_top_rung})
    auth.sign_in(w.supervisor)
    html = client.get(f"/journey/{w.person.id}").get_data(as_text=True)
    line = re.search(r'aria-label="Last 90 days">(.*?)</p>', html, re.S).group(1)
    # Two steps on two earlier days; going back and "seen" today: one visit today.
    text = " ".join(re.sub(r"<[^>]+>", " ", line).split())
    assert text == "In the last 90 days: 2 steps · 3 contacts (visits: days seen) · 1 setbacks"
