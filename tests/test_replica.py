"""Reports, exports and the dashboard read from a real streaming replica; writes never go there.

The test run starts a PostgreSQL primary and a hot standby of its own (tests/fixtures/replica.py)
and holds the standby's replay still, so anything a page shows from before the pause was
read on the replica, and anything it shows from after was read on the primary.
"""

from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from app import create_app
from app.extensions import db
from app.models import AuditEvent, Funder
from app.models.clock import utcnow
from tests.fixtures.factories import PASSWORD, make_entry, world
from tests.fixtures.replica import primary_and_replica
from tests.fixtures.web import FAST_HASH, RequestClient, csrf_from


@pytest.fixture(scope="module")
def servers():
    with primary_and_replica() as replicated:
        admin = create_engine(replicated.primary_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('CREATE DATABASE "stepladder"'))
        admin.dispose()
        yield replicated


@pytest.fixture
def replicated_app(servers, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": servers.primary_url("stepladder"),
            "REPLICA_DATABASE_URL": servers.replica_url("stepladder"),
            "PASSWORD_HASH": FAST_HASH,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    app.test_client_class = RequestClient
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
        app.extensions["stepladder_replica_engine"].dispose()
        servers.set_replay_paused(False)


def _sign_in(client, email):
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    response = client.post(
        "/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303


def test_reports_exports_and_dashboard_read_the_replica_and_write_the_primary(
    servers, replicated_app
):
    w = world()
    funder = Funder(organisation_id=w.org.id, name="City Fund", activities=[w.activity])
    db.session.add(funder)
    before = make_entry(w.person, w.worker, "seen", activity_id=w.activity.id)
    db.session.commit()
    servers.wait_for_replay()
    client = replicated_app.test_client()
    _sign_in(client, w.supervisor.email)

    # Hold the replica still, then record an entry the primary has and the replica has not.
    servers.set_replay_paused(True)
    after = make_entry(
        w.person, w.worker, "note", at=utcnow() - timedelta(seconds=5), note="Bus pass sorted"
    )
    db.session.commit()

    today = utcnow().date()
    period = {
        "from": (today - timedelta(days=2)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat(),
    }
    export = client.get("/export/entries.csv", query_string=period)
    assert export.status_code == 200
    csv = export.get_data(as_text=True)
    assert str(before.id) in csv, "the export reads what the replica has"
    assert str(after.id) not in csv, "the export read the replica, which has not replayed it yet"

    # The export's audit row was written, and written to the primary: the replica is a hot
    # standby, so a write sent there would have failed the request.
    exported = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "export.entries")
    ).all()
    assert len(exported) == 1

    # The pages that read the replica say how fresh their figures are (once the replica has
    # at least received what it has not replayed; until then it cannot know it is behind).
    servers.wait_for_receipt()
    for path in (f"/reports/{funder.id}", "/overview/"):
        page = client.get(path).get_data(as_text=True)
        assert "reporting copy of the records, about" in page, path
        assert "behind the live records" in page, path

    # A person's journey is not a replica read: it shows the newest entry at once.
    journey = client.get(f"/journey/{w.person.id}").get_data(as_text=True)
    assert "Bus pass sorted" in journey
    assert "reporting copy" not in journey

    servers.set_replay_paused(False)
    servers.wait_for_replay()
    csv = client.get("/export/entries.csv", query_string=period).get_data(as_text=True)
    assert str(after.id) in csv, "once the replica catches up, the export has the new entry"
    page = client.get(f"/reports/{funder.id}").get_data(as_text=True)
    assert "reporting copy of the records, which is up to date" in page


def test_without_a_replica_pages_read_the_primary_and_say_nothing(client, auth, w):
    auth.sign_in(w.supervisor)
    page = client.get("/overview/").get_data(as_text=True)
    assert "reporting copy" not in page
