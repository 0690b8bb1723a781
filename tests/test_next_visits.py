"""Next visits: set in two taps, today's first on My people, overdue ones on the attention list."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.local_time import local_today
from app.models import NextVisit
from app.models.clock import utcnow
from app.visits import queries as visits
from tests.fixtures.factories import make_entry, make_person
from tests.fixtures.web import Auth


def _set(client, token, person, **data):
    return client.post(f"/people/{person.id}/next-visit", data={"csrf_token": token, **data})


def _visit(person) -> NextVisit | None:
    return db.session.scalar(select(NextVisit).where(NextVisit.person_id == person.id))


def _names_in_order(html: str) -> list[str]:
    return re.findall(r'<span class="name">([^<]+)</span>', html)


@pytest.fixture
def worker(client, auth, w):
    auth.sign_in(w.worker)
    return auth.csrf(f"/people/{w.person.id}")


def test_a_next_visit_is_set_with_one_tap_on_a_day(client, w, worker):
    response = _set(client, worker, w.person, when="tomorrow")
    assert response.status_code == 303
    visit = _visit(w.person)
    assert (visit.due_on, visit.worker_id) == (local_today() + timedelta(days=1), w.worker.id)
    page = client.get(f"/people/{w.person.id}").get_data(as_text=True)
    expected = (local_today() + timedelta(days=1)).strftime("%a %-d %b")
    assert f"Next visit {expected}" in page


def test_setting_a_visit_again_replaces_it_with_the_chosen_date_and_time(client, w, worker):
    _set(client, worker, w.person, when="today")
    day = local_today() + timedelta(days=10)
    _set(client, worker, w.person, when="date", due_on=day.isoformat(), at="14:30")
    visit = _visit(w.person)
    assert (visit.due_on, visit.at.strftime("%H:%M")) == (day, "14:30")
    assert db.session.scalar(select(db.func.count()).select_from(NextVisit)) == 1


@pytest.mark.parametrize(
    "data",
    [
        {"when": "date", "due_on": "2020-01-01"},
        {"when": "date", "due_on": "not a date"},
        {"when": "date"},
        {"when": "date", "due_on": "2099-01-01"},
    ],
)
def test_a_visit_in_the_past_or_unreadable_is_refused_and_nothing_set(client, w, worker, data):
    response = _set(client, worker, w.person, **data)
    assert response.status_code == 400
    assert "next visit" in response.get_data(as_text=True).lower()
    assert _visit(w.person) is None


def test_todays_visits_come_first_on_my_people(client, w, worker):
    recent = make_person(w.org, [w.worker], [w.outcome], display_name="Cy R.")
    make_entry(recent, w.worker, "seen", at=utcnow() - timedelta(minutes=5))
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(days=3))
    db.session.commit()
    assert _names_in_order(client.get("/people").get_data(as_text=True)) == ["Cy R.", "Ada L."]
    _set(client, worker, w.person, when="today")
    page = client.get("/people").get_data(as_text=True)
    assert _names_in_order(page) == ["Ada L.", "Cy R."]
    assert "Visit today" in page


def test_a_visit_whose_day_passed_unseen_is_overdue_on_my_people_and_the_attention_list(
    app, client, w, worker
):
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(days=5))
    yesterday = local_today() - timedelta(days=1)
    db.session.add(
        NextVisit(
            person_id=w.person.id,
            organisation_id=w.org.id,
            worker_id=w.worker.id,
            due_on=yesterday,
        )
    )
    db.session.commit()
    page = client.get("/people").get_data(as_text=True)
    assert f"Visit overdue since {yesterday.strftime('%a %-d %b')}" in page
    office = app.test_client()
    Auth(office).sign_in(w.supervisor)
    overview = office.get("/overview/").get_data(as_text=True)
    section = overview.split('id="overdue-visits-heading"')[1].split("</ul>")[0]
    assert "Ada L." in section and w.worker.name in section


def test_an_entry_on_or_after_the_visits_day_keeps_it(client, w, worker):
    yesterday = local_today() - timedelta(days=1)
    db.session.add(
        NextVisit(
            person_id=w.person.id,
            organisation_id=w.org.id,
            worker_id=w.worker.id,
            due_on=yesterday,
        )
    )
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(minutes=2))
    db.session.commit()
    assert visits.overdue(w.org.id, local_today()) == []
    assert "overdue" not in client.get("/people").get_data(as_text=True)


def test_visit_states_follow_the_log(app):
    visit = NextVisit(due_on=local_today())
    today = local_today()
    assert visits.state(visit, None, today) == visits.TODAY
    assert visits.state(visit, None, today + timedelta(days=1)) == visits.OVERDUE
    assert visits.state(visit, None, today - timedelta(days=1)) == visits.UPCOMING
    assert visits.state(None, None, today) is None


def test_a_visit_cannot_be_set_for_someone_off_the_caseload(client, w, worker):
    assert _set(client, worker, w.person2, when="today").status_code == 404
    assert _set(client, worker, w.other_person, when="today").status_code == 404
    assert _visit(w.person2) is None


def test_a_visit_with_another_organisations_activity_is_refused(client, w, worker):
    response = _set(client, worker, w.person, when="today", activity=w.other_activity.id)
    assert response.status_code == 404
    assert _visit(w.person) is None


def test_a_visit_keeps_its_chosen_activity(client, w, worker):
    _set(client, worker, w.person, when="week", activity=w.activity.id)
    visit = _visit(w.person)
    assert (visit.activity_id, visit.due_on) == (
        w.activity.id,
        local_today() + timedelta(days=7),
    )


REPLAY = {"X-Stepladder-Replay": "1"}


def _replay(client, token, person, tapped, **data):
    """A next visit sent from the phone's outbox, tapped at `tapped` (naive UTC)."""
    body = {"csrf_token": token, "recorded_at": tapped.isoformat() + "Z", **data}
    return client.post(f"/people/{person.id}/next-visit", data=body, headers=REPLAY)


def test_a_replayed_visit_is_set_for_the_day_it_was_tapped_and_answered_plainly(client, w, worker):
    yesterday = utcnow() - timedelta(days=1)
    response = _replay(client, worker, w.person, yesterday, when="today")
    assert (response.status_code, response.json) == (
        200,
        {"person": w.person.id, "changed": True},
    )
    # Tapped "Today" yesterday, sent this morning: a visit of yesterday, now overdue.
    assert _visit(w.person).due_on == local_today() - timedelta(days=1)
    again = _replay(client, worker, w.person, yesterday, when="today")
    assert (again.status_code, again.json["changed"]) == (200, False)


def test_a_late_replay_never_overwrites_a_visit_set_since(client, w, worker):
    assert _set(client, worker, w.person, when="week").status_code == 303
    late = _replay(client, worker, w.person, utcnow() - timedelta(hours=3), when="today")
    assert (late.status_code, late.json["changed"]) == (200, False)
    assert _visit(w.person).due_on == local_today() + timedelta(days=7)


def test_a_replayed_visit_that_cannot_be_read_is_refused_in_words_and_nothing_set(
    client, w, worker
):
    response = _replay(client, worker, w.person, utcnow(), when="date", due_on="2000-01-01")
    assert response.status_code == 422
    assert "from today to a year ahead" in response.json["error"]
    assert _visit(w.person) is None
