"""The dashboard's cached history: late arrivals and voids of old entries reach the figures
on the next refresh, today's entries at once, and an unchanged history is not counted again."""

import re
from datetime import timedelta

from app import local_time
from app.entries import dashboard
from app.extensions import db
from app.models.clock import utcnow
from tests.fixtures.dashboard import LIVE, local_noon, region_number
from tests.fixtures.factories import make_entry, make_person
from tests.fixtures.statements import count_statements


def range_figures(client) -> tuple[int, int, int]:
    """Steps, contacts and people in the chosen range (the last four local days)."""
    today = local_time.local_today()
    html = client.get(
        f"/overview/?from={today - timedelta(days=3)}&to={today}", headers=LIVE
    ).get_data(as_text=True)
    match = re.search(r"(\d+) steps · (\d+) contacts · (\d+) people seen", html)
    assert match, "no range summary"
    return tuple(int(n) for n in match.groups())


def history(w):
    """Two steps recorded two days ago, for two people."""
    other = make_person(w.org, [w.worker], [w.outcome], reference="RS-9")
    rung = w.outcome.rungs[0]
    old = make_entry(w.person, w.worker, "step", at=local_noon(2), rung=rung)
    make_entry(other, w.worker, "step", at=local_noon(2), rung=rung)
    db.session.commit()
    return old, other


def test_a_late_arrival_recorded_yesterday_reaches_the_figures(client, auth, w):
    history(w)
    auth.sign_in(w.supervisor)
    assert range_figures(client) == (2, 2, 2)
    late = make_person(w.org, [w.worker], [w.outcome], reference="RS-10")
    make_entry(late, w.worker, "step", at=local_noon(1), rung=w.outcome.rungs[0])
    db.session.commit()
    assert range_figures(client) == (3, 3, 3)


def test_a_void_of_an_old_entry_reaches_the_figures(client, auth, w):
    old, _ = history(w)
    auth.sign_in(w.supervisor)
    assert range_figures(client) == (2, 2, 2)
    make_entry(w.person, w.worker, "void", amends_id=old.id, reason="wrong person")
    db.session.commit()
    assert range_figures(client) == (1, 1, 1)


def test_todays_entry_counts_at_once_and_people_stay_distinct(client, auth, w):
    _, other = history(w)
    auth.sign_in(w.supervisor)
    before = client.get("/overview/", headers=LIVE).get_data(as_text=True)
    assert range_figures(client) == (2, 2, 2)
    # A person already seen in the history is not counted twice; a new person is.
    make_entry(other, w.worker, "step", rung=w.outcome.rungs[0])
    db.session.commit()
    assert range_figures(client) == (3, 3, 2)
    newcomer = make_person(w.org, [w.worker], [w.outcome], reference="RS-11")
    make_entry(newcomer, w.worker, "seen")
    db.session.commit()
    assert range_figures(client) == (3, 4, 3)
    after = client.get("/overview/", headers=LIVE).get_data(as_text=True)
    assert region_number(after, "Steps this month") == region_number(before, "Steps this month") + 1
    assert region_number(after, "Steps today") == region_number(before, "Steps today") + 1


def test_an_unchanged_history_is_not_counted_again(client, auth, w):
    history(w)
    auth.sign_in(w.supervisor)
    with count_statements() as first:
        client.get("/overview/", headers=LIVE)
    make_entry(w.person, w.worker, "seen", at=utcnow() - timedelta(seconds=5))
    db.session.commit()
    with count_statements() as second:
        html = client.get("/overview/", headers=LIVE).get_data(as_text=True)
    assert region_number(html, "Contacts today") == 1
    grouped = [sql for sql in second.sql if "GROUP BY" in sql.upper()]
    assert grouped == [], second
    assert any("GROUP BY" in sql.upper() for sql in first.sql), first
    assert len(second) < len(first)


def attention_lists(w) -> tuple[set, list]:
    """Names not seen for the organisation's days, and names whose latest entry is a setback."""
    found = dashboard.attention(w.org, local_time.local_today())
    return {p.display_name for p, _ in found.not_seen}, [p.display_name for p, _ in found.setbacks]


def test_the_attention_list_follows_the_log_while_its_history_is_kept(app, w):
    w.org.not_seen_days = 14
    quiet = make_person(w.org, [w.worker], display_name="Quiet")
    slipped = make_person(w.org, [w.worker], display_name="Slipped")
    make_entry(quiet, w.worker, "seen", at=local_noon(20))
    make_entry(slipped, w.worker, "setback", outcome_id=w.outcome.id, at=local_noon(3))
    db.session.commit()
    assert attention_lists(w) == ({"Quiet"}, ["Slipped"])

    # Nothing changed: the newest entry of each person before today is not looked up again.
    with count_statements() as again:
        assert attention_lists(w) == ({"Quiet"}, ["Slipped"])
    with count_statements() as fresh:
        dashboard.attention(w.org, local_time.local_today() + timedelta(days=1))
    assert len(again) < len(fresh), again

    # Seen today: off the list at once.
    seen = make_entry(quiet, w.worker, "seen")
    db.session.commit()
    assert attention_lists(w) == (set(), ["Slipped"])
    # A step recorded yesterday that arrives late comes after the setback.
    rung = w.outcome.rungs[0]
    late = make_entry(slipped, w.worker, "step", rung=rung, rung_id=rung.id, at=local_noon(1))
    db.session.commit()
    assert attention_lists(w) == (set(), [])
    # Voiding that old entry makes the setback the latest again; voiding today's visit puts
    # the quiet person back on the list.
    make_entry(slipped, w.supervisor, "void", amends_id=late.id, reason="Wrong person")
    make_entry(quiet, w.supervisor, "void", amends_id=seen.id, reason="Wrong person")
    db.session.commit()
    assert attention_lists(w) == ({"Quiet"}, ["Slipped"])
    # A person closed leaves the list; one added long ago and never seen joins it.
    slipped.status = "closed"
    make_person(w.org, [w.worker], display_name="Never seen", created_at=local_noon(30))
    db.session.commit()
    assert attention_lists(w) == ({"Quiet", "Never seen"}, [])
