"""The Overview's one read of the organisation's readings (app/measures/overview_readings.py):
the same figures as reading them measure by measure, ties of time broken by entry id, history
kept per process while today's readings show at once, and statements that do not grow with
the measures switched on."""

import re

import time_machine

from app.extensions import db
from app.measures import due, overview_readings
from app.measures.overview_readings import OrganisationReadings
from tests.fixtures.dashboard import local_noon
from tests.fixtures.factories import make_entry, make_person
from tests.fixtures.measures import make_reading, switch_on
from tests.fixtures.statements import count_statements


def pairs(client, key: str = "swemwbs") -> dict:
    """The Overview's table of one measure's paired figures: label → value."""
    page = client.get("/overview/").get_data(as_text=True)
    start = page.index(f'<caption id="pairs-{key}">')
    table = page[start : page.index("</table>", start)]
    return dict(re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table))


def rate(client) -> str:
    """The attention list's follow-up line for SWEMWBS."""
    page = client.get("/overview/").get_data(as_text=True)
    return re.search(r"SWEMWBS: [^<]*", page).group(0).strip()


def test_a_reading_taken_today_shows_at_once_and_a_void_on_the_next_load(client, auth, w):
    switch_on(w.org, "swemwbs")
    old = make_reading(w.person, w.worker, "swemwbs", 18.0, days_ago=30)
    db.session.commit()
    auth.sign_in(w.supervisor)
    before = pairs(client)
    assert before["People with a baseline"] == "1"
    assert before["People with a follow-up (a pair)"] == "0"
    assert rate(client) == "SWEMWBS: 0% (0 of 1 people with a baseline have a follow-up)"
    # Taken today, after the history was read and kept: on the next load at once.
    make_reading(w.person, w.worker, "swemwbs", 22.0)
    db.session.commit()
    after = pairs(client)
    assert after["People with a follow-up (a pair)"] == "1"
    assert after["Mean change"] == "4"
    assert rate(client) == "SWEMWBS: 100% (1 of 1 people with a baseline have a follow-up)"
    # The month-old baseline removed today: the kept history is stale and read again.
    make_entry(w.person, w.worker, "void", amends_id=old.id, reason="Wrong person")
    db.session.commit()
    voided = pairs(client)
    assert voided["People with a baseline"] == "1"
    assert voided["People with a follow-up (a pair)"] == "0"
    assert rate(client) == "SWEMWBS: 0% (0 of 1 people with a baseline have a follow-up)"


def _tied(w, days_ago: int) -> tuple[float, float]:
    """Two readings of Ada recorded at the same instant; (score of the smaller entry id, score
    of the larger)."""
    with time_machine.travel(local_noon(days_ago), tick=False):
        a = make_reading(w.person, w.worker, "swemwbs", 10.0 + days_ago)
        b = make_reading(w.person, w.worker, "swemwbs", 20.0 + days_ago)
    db.session.commit()
    low, high = sorted([(a.id, 10.0 + days_ago), (b.id, 20.0 + days_ago)])
    return low[1], high[1]


def test_equal_times_pair_by_entry_id_in_history_and_today(app, w):
    switch_on(w.org, "swemwbs")
    first, _ = _tied(w, 40)
    _, latest = _tied(w, 0)
    for _ in range(2):  # read, then from the kept history
        track = OrganisationReadings.read(w.org.id).tracks["swemwbs"][w.person.id]
        assert (track.first.score, track.latest.score, track.count) == (first, latest, 4)
        db.session.rollback()


def test_a_tie_of_the_only_two_readings_pairs_the_smaller_id_first(app, w):
    switch_on(w.org, "swemwbs")
    first, latest = _tied(w, 40)
    readings = OrganisationReadings.read(w.org.id)
    assert [r.score for r in readings.first_and_latest("swemwbs")] == [first, latest]


def test_latest_times_and_counts_agree_with_the_narrow_queries(app, w):
    switch_on(w.org, "swemwbs")
    switch_on(w.org, "phq9")
    other = make_person(w.org, [w.worker])
    for person, key, days in [
        (w.person, "swemwbs", 90),
        (w.person, "swemwbs", 10),
        (w.person, "phq9", 3),
        (other, "swemwbs", 0),
        (w.person2, "phq9", 50),
    ]:
        make_reading(person, w.worker, key, 12.0, days_ago=days)
    voided = make_reading(other, w.worker, "phq9", 9.0, days_ago=5)
    make_entry(other, w.worker, "void", amends_id=voided.id, reason="Wrong person")
    db.session.commit()
    readings = OrganisationReadings.read(w.org.id)
    assert readings.latest() == due.latest_readings(w.org.id)
    assert readings.counts("swemwbs") == {w.person.id: 2, other.id: 1}
    assert readings.counts("phq9") == {w.person.id: 1, w.person2.id: 1}


def test_overview_statements_do_not_grow_with_measures_switched_on(client, auth, w):
    """The plans and the readings are read once for the page, not once per measure."""
    switch_on(w.org, "swemwbs")
    make_reading(w.person, w.worker, "swemwbs", 18.0, days_ago=40)
    # One today as well, so the day's own figures read the same with more measures on.
    make_reading(w.person2, w.worker, "swemwbs", 20.0)
    db.session.commit()
    auth.sign_in(w.supervisor)

    def statements() -> int:
        client.get("/overview/")
        with count_statements() as seen:
            client.get("/overview/")
        db.session.rollback()
        return len(seen)

    one = statements()
    for key in ("phq9", "gad7"):
        switch_on(w.org, key)
        make_reading(w.person, w.worker, key, 8.0, days_ago=40)
        make_reading(w.person2, w.worker, key, 6.0)
    db.session.commit()
    assert statements() == one


def test_figures_are_worked_again_only_when_a_reading_arrives(client, auth, w, monkeypatch):
    switch_on(w.org, "swemwbs")
    make_reading(w.person, w.worker, "swemwbs", 18.0, days_ago=30)
    db.session.commit()
    worked = []
    real = overview_readings.summarise
    monkeypatch.setattr(
        overview_readings, "summarise", lambda *args: worked.append(1) or real(*args)
    )
    auth.sign_in(w.supervisor)
    pairs(client)
    pairs(client)
    assert len(worked) == 1
    make_reading(w.person2, w.worker, "swemwbs", 20.0)
    db.session.commit()
    assert pairs(client)["People with a baseline"] == "2"
    pairs(client)
    assert len(worked) == 2
