"""Times are stored as naive UTC; whatever people read is in the service's local zone
(Europe/London here), and time spans are measured without any zone at all."""

import time
from datetime import date, datetime

import pyotp
import pytest

from app import charts
from app.auth.routes import PENDING_SECONDS, PENDING_USER
from app.extensions import db
from app.models import Funder, Story
from app.reports import periods
from app.reports.report import build
from tests.fixtures.factories import make_entry

# 00:30 on 1 April 2026 in London (British Summer Time, UTC+1).
JUST_AFTER_MIDNIGHT_BST = datetime(2026, 3, 31, 23, 30)


def test_a_report_story_is_labelled_by_its_local_month(w):
    w.person.consent_scope = "records,stories"
    funder = Funder(organisation_id=w.org.id, name="Trust", activities=[w.activity])
    db.session.add(funder)
    entry = make_entry(
        w.person,
        w.worker,
        "seen",
        JUST_AFTER_MIDNIGHT_BST,
        activity_id=w.activity.id,
        note="Came to the door for the first time.",
        shareable=True,
    )
    db.session.add(
        Story(organisation_id=w.org.id, entry_id=entry.id, wording=entry.note)
    )  # approved as written
    db.session.commit()
    report = build(funder, periods.month(date(2026, 4, 1)))
    assert [(s.month, s.text) for s in report.stories] == [
        ("April 2026", "Came to the door for the first time.")
    ]


def test_a_ladder_chart_prints_local_dates(w):
    rungs = w.outcome.rungs
    step = make_entry(
        w.person,
        w.worker,
        "step",
        JUST_AFTER_MIDNIGHT_BST,
        rung=rungs[0],
        rung_id=rungs[0].id,
    )
    points = charts.ladder_points(rungs, [step])
    svg = charts.ladder_progress(
        "ladder", "Getting out and about", rungs, points, now=datetime(2026, 4, 30, 23, 30)
    )
    assert "first step “Opened the door” on 1 April 2026" in svg
    assert "<title>1 Apr 2026: Opened the door</title>" in svg
    assert ">1 Apr 2026</text>" in svg  # the axis start
    assert ">1 May 2026</text>" in svg  # the axis end: 00:30 on 1 May, local
    assert "31 Mar" not in svg and "30 Apr" not in svg


@pytest.fixture
def server_zone(monkeypatch):
    """Run the server process in a zone far from UTC, as a host might be configured."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_sign_in_code_window_is_timed_in_real_seconds(client, auth, w, server_zone):
    w.supervisor.totp_secret = pyotp.random_base32()
    db.session.commit()
    response = auth.sign_in(w.supervisor)
    assert response.status_code == 303 and response.location.startswith("/sign-in/code")
    with client.session_transaction() as session:
        # The moment the password was right, as seconds since the epoch, whatever the
        # server's zone: naive UTC read as local time would be hours out here.
        assert abs(session[PENDING_USER][1] - time.time()) < 60
    assert client.get("/sign-in/code").status_code == 200
    with client.session_transaction() as session:
        user_id, _ = session[PENDING_USER]
        session[PENDING_USER] = [user_id, time.time() - PENDING_SECONDS - 1]
    expired = client.get("/sign-in/code")
    assert expired.status_code == 302 and expired.location.endswith("/sign-in")
