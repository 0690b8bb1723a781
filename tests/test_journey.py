"""A person's journey for supervisors: ladders, days since last seen, chart, filtered timeline."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app import charts, local_time
from app.extensions import db
from app.models.clock import utcnow
from tests.fixtures.factories import make_entry, make_user


def local_noon(days_ago: int) -> datetime:
    day = local_time.local_today() - timedelta(days=days_ago)
    return (
        datetime.combine(day, time(12), local_time.local_zone())
        .astimezone(ZoneInfo("UTC"))
        .replace(tzinfo=None)
    )


@pytest.fixture
def history(w):
    """Ada: door, then out with support, a setback, a wrong bus step (voided), a note."""
    door, out, bus = w.outcome.rungs
    make_entry(
        w.person,
        w.worker,
        "step",
        rung=door,
        rung_id=door.id,
        at=local_noon(30),
        activity_id=w.activity.id,
    )
    make_entry(w.person, w.worker, "step", rung=out, rung_id=out.id, at=local_noon(20))
    make_entry(w.person, w.worker, "setback", outcome_id=w.outcome.id, at=local_noon(10))
    wrong = make_entry(w.person, w.worker, "step", rung=bus, rung_id=bus.id, at=local_noon(4))
    make_entry(
        w.person, w.supervisor, "void", amends_id=wrong.id, reason="Wrong person", at=utcnow()
    )
    make_entry(w.person, w.colleague, "note", note="Talked about buses", at=local_noon(3))
    db.session.commit()
    return dict(wrong=wrong)


def test_journey_shows_rungs_and_days_since_last_seen(client, auth, w, history):
    auth.sign_in(w.supervisor)
    html = client.get(f"/journey/{w.person.id}").get_data(as_text=True)
    assert "Last seen 3 days ago" in html
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html))
    assert facts["Current rung"] == "Left home with support"
    assert facts["First rung"] == "Opened the door"
    assert facts["Highest rung reached"] == "Left home with support"
    assert facts["Rungs climbed"] == "1"
    assert facts["Setbacks"] == "1"


def test_journey_chart_has_a_text_alternative_and_marks_setbacks(client, auth, w, history):
    auth.sign_in(w.supervisor)
    html = client.get(f"/journey/{w.person.id}").get_data(as_text=True)
    chart = html[html.index('<svg class="chart"') : html.index("</svg>")]
    assert '<title id="ladder-' in chart and "Progress on Getting out and about" in chart
    assert "first step “Opened the door”" in chart and "latest “Left home with support”" in chart
    assert chart.count('class="setback-mark"') == 1
    assert chart.count('class="point"') == 2  # the voided step is not drawn
    assert "style=" not in chart  # the CSP forbids inline styles
    table = html[html.index("as a table</summary>") :]
    assert "Setback (at Left home with support)" in table


def test_ladder_points_place_setbacks_at_the_rung_reached(w):
    door, out, _ = w.outcome.rungs

    class E:
        def __init__(self, kind, rung_id=None, days=0):
            self.kind, self.rung_id = kind, rung_id
            self.recorded_at = datetime(2026, 1, 1) + timedelta(days=days)

    points = charts.ladder_points(
        w.outcome.rungs,
        [E("setback"), E("step", door.id, 1), E("step", out.id, 2), E("setback", days=3)],
    )
    assert [(p.kind, p.level) for p in points] == [
        ("setback", -1),
        ("step", 0),
        ("step", 1),
        ("setback", 1),
    ]


def test_timeline_shows_voids_and_filters_by_kind_and_worker(client, auth, w, history):
    auth.sign_in(w.supervisor)
    html = client.get(f"/journey/{w.person.id}").get_data(as_text=True)
    timeline = html[html.index('aria-label="Timeline entries"') :]
    assert "<del>Took the bus alone</del>" in timeline
    assert "Reason: Wrong person" in timeline
    assert "Removed an entry" in timeline
    steps = client.get(f"/journey/{w.person.id}?kind=step").get_data(as_text=True)
    steps = steps[steps.index('aria-label="Timeline entries"') :]
    assert steps.count('<li class="kind-step') == 3
    assert "Talked about buses" not in steps
    # The voided step is still marked when the void itself is filtered out.
    assert "<del>Took the bus alone</del>" in steps
    by_colleague = client.get(f"/journey/{w.person.id}?worker={w.colleague.id}").get_data(
        as_text=True
    )
    by_colleague = by_colleague[by_colleague.index('aria-label="Timeline entries"') :]
    assert "Talked about buses" in by_colleague and "Opened the door" not in by_colleague


def test_timeline_date_filter(client, auth, w, history):
    auth.sign_in(w.supervisor)
    first = (local_time.local_today() - timedelta(days=21)).isoformat()
    last = (local_time.local_today() - timedelta(days=9)).isoformat()
    html = client.get(f"/journey/{w.person.id}?from={first}&to={last}").get_data(as_text=True)
    timeline = html[html.index('aria-label="Timeline entries"') :]
    assert "Left home with support" in timeline and "Setback" in timeline
    assert "Opened the door" not in timeline and "Talked about buses" not in timeline


def test_journey_of_someone_never_seen(client, auth, w):
    auth.sign_in(w.supervisor)
    html = client.get(f"/journey/{w.person2.id}").get_data(as_text=True)
    assert "Not seen yet" in html
    assert "no steps recorded yet" in html


def test_feed_links_to_the_journey(client, auth, w, history):
    auth.sign_in(w.admin)
    html = client.get("/overview/").get_data(as_text=True)
    assert f'href="/journey/{w.person.id}"' in html


@pytest.mark.parametrize("role", ["worker", "funder"])
def test_only_office_staff_see_journeys(client, auth, w, role):
    user = w.worker if role == "worker" else make_user(w.org, "funder")
    db.session.commit()
    auth.sign_in(user)
    assert client.get(f"/journey/{w.person.id}").status_code == 403


def test_another_organisations_person_is_not_found(client, auth, w, history):
    auth.sign_in(w.other_admin)
    response = client.get(f"/journey/{w.person.id}")
    assert response.status_code == 404
    assert "Ada" not in response.get_data(as_text=True)
    own = client.get(f"/journey/{w.other_person.id}?worker={w.worker.id}")
    assert own.status_code == 200
    assert w.worker.name not in own.get_data(as_text=True)
