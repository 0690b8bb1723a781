"""The command line: organisations, users, the demo, and the health check."""

from datetime import timedelta

from sqlalchemy import func, select

from app.auth.passwords import verify_password
from app.extensions import db
from app.models import Entry, Funder, Organisation, Outcome, Person, User, caseload
from app.models.clock import utcnow

GETTING_OUT = [
    "Opened the door",
    "Left home with support",
    "Took a taxi with support",
    "Took the bus with support",
    "Took the bus alone",
    "Came through the centre's doors on my own",
]


def test_create_organisation_makes_an_empty_organisation_and_its_admin(runner, monkeypatch):
    monkeypatch.setenv("STEPLADDER_ADMIN_PASSWORD", "a long enough passphrase")
    result = runner.invoke(
        args=[
            "create-organisation",
            "Northside Outreach",
            "--admin-email",
            "Boss@North.example.org",
        ]
    )
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Northside Outreach"))
    [admin] = db.session.scalars(select(User).where(User.organisation_id == org.id))
    assert (admin.email, admin.role, org.setup_done) == ("boss@north.example.org", "admin", False)
    assert verify_password(admin.password_hash, "a long enough passphrase")
    assert admin.password_hash.startswith("$argon2id$")
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_create_organisation_refuses_a_weak_password_and_stores_nothing(runner, monkeypatch):
    monkeypatch.setenv("STEPLADDER_ADMIN_PASSWORD", "password")
    result = runner.invoke(
        args=["create-organisation", "Weak", "--admin-email", "a@weak.example.org"]
    )
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_create_user_adds_a_user_to_an_organisation(runner, monkeypatch, w):
    monkeypatch.setenv("STEPLADDER_ADMIN_PASSWORD", "another good passphrase")
    result = runner.invoke(
        args=[
            "create-user",
            "new@riverside.example.org",
            "--name",
            "New Worker",
            "--organisation",
            "Riverside Support",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "new@riverside.example.org"))
    assert (user.organisation_id, user.role) == (w.org.id, "worker")
    again = runner.invoke(
        args=[
            "create-user",
            "new@riverside.example.org",
            "--name",
            "X",
            "--organisation",
            "Riverside Support",
        ]
    )
    assert again.exit_code != 0 and "already has an account" in again.output


def test_demo_data_keeps_the_public_contract(runner, app):
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Demo Recovery Centre"))
    users = {
        u.email: u for u in db.session.scalars(select(User).where(User.organisation_id == org.id))
    }
    assert set(users) == {
        "worker@example.org",
        "worker2@example.org",
        "supervisor@example.org",
        "admin@example.org",
        "funder@example.org",
    }
    assert all(verify_password(u.password_hash, "stepladder-demo") for u in users.values())
    for email in ("worker@example.org", "worker2@example.org"):
        people = db.session.scalar(
            select(func.count()).select_from(caseload).where(caseload.c.user_id == users[email].id)
        )
        assert people >= 10
        first = db.session.scalar(
            select(func.min(Entry.recorded_at)).where(Entry.worker_id == users[email].id)
        )
        assert first < utcnow() - timedelta(days=90)  # several months of history
    outcomes = list(db.session.scalars(select(Outcome).where(Outcome.organisation_id == org.id)))
    getting_out = next(o for o in outcomes if o.name == "Getting out and about")
    assert [r.text for r in getting_out.rungs] == GETTING_OUT
    assert len([o for o in outcomes if o.name != "Getting out and about" and o.rungs]) >= 2
    assert db.session.scalar(select(func.max(Entry.recorded_at))) <= utcnow()
    assert db.session.scalar(select(func.max(Entry.received_at))) <= utcnow()
    funders = list(db.session.scalars(select(Funder).where(Funder.organisation_id == org.id)))
    assert len(funders) == 2 and all(f.indicators and f.activities for f in funders)
    assert "already holds organisations" in runner.invoke(args=["load-demo"]).output


def test_the_demo_funders_report_a_real_quarter(runner, client, auth):
    runner.invoke(args=["load-demo"])
    auth.sign_in("supervisor@example.org", "stepladder-demo")
    funder = db.session.scalar(
        select(Funder).where(Funder.name == "City Council Mental Health Fund")
    )
    page = client.get(f"/reports/{funder.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "People supported" in html and "Download Excel" in html and "Download CSV" in html


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_a_served_process_freezes_what_it_loaded_and_collects_less_often():
    """`settle_for_serving` (run by `serve` before gunicorn forks): what was loaded is out of
    the cycle collector's reach, and collections come every COLLECT_EVERY allocations. Run in
    a process of its own, so this test process's collector is left as it was."""
    import subprocess
    import sys

    code = (
        "import gc\n"
        "from app.cli import COLLECT_EVERY, settle_for_serving\n"
        "before = gc.get_freeze_count()\n"
        "settle_for_serving()\n"
        "print(before, gc.get_freeze_count() > 10_000, gc.get_threshold()[0] == COLLECT_EVERY)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.split() == ["0", "True", "True"]
