"""generate-data: the benchmark organisation per the public contract, with a realistic history."""

import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.auth.passwords import verify_password
from app.extensions import db
from app.models import (
    Activity,
    Entry,
    Funder,
    Indicator,
    Organisation,
    Outcome,
    Person,
    Plan,
    Rung,
    User,
    caseload,
)
from benchmarks.data import ORGANISATION, PASSWORD

SIZE = ["--entries", "2000", "--people", "50", "--workers", "5"]


@pytest.fixture
def bench(runner):
    """Benchmark Trust at a small size, made through the real command."""
    result = runner.invoke(args=["generate-data", *SIZE])
    assert result.exit_code == 0, result.output
    return db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATION))


def test_creates_benchmark_trust_with_contract_sign_ins(bench):
    users = {u.email: u for u in db.session.scalars(select(User))}
    expected = ["supervisor@bench.example.org"] + [
        f"worker{n}@bench.example.org" for n in range(1, 6)
    ]
    for email in expected:
        assert email in users, email
        assert verify_password(users[email].password_hash, PASSWORD)
    assert users["supervisor@bench.example.org"].role == "supervisor"
    assert {users[f"worker{n}@bench.example.org"].role for n in range(1, 6)} == {"worker"}
    assert "worker6@bench.example.org" not in users


def test_worker_signs_in_and_sees_their_caseload(bench, client, auth):
    response = auth.sign_in("worker1@bench.example.org", PASSWORD)
    assert response.status_code == 303
    page = client.get("/people").get_data(as_text=True)
    worker = db.session.scalar(select(User).where(User.email == "worker1@bench.example.org"))
    references = db.session.scalars(
        select(Person.reference)
        .join(caseload)
        .where(caseload.c.user_id == worker.id, Person.status == "active")
    ).all()
    assert references
    assert all(reference in page for reference in references)


def test_exact_entry_count_people_and_uneven_caseloads(bench):
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 2000
    assert db.session.scalar(select(func.count()).select_from(Person)) == 50
    sizes = db.session.execute(
        select(caseload.c.user_id, func.count()).group_by(caseload.c.user_id)
    ).all()
    counts = sorted(n for _user, n in sizes)
    assert counts[-1] > counts[0]
    assert db.session.scalar(select(func.count()).select_from(Plan)) >= 50


def test_history_spans_three_years_with_every_kind(bench):
    kinds = dict(db.session.execute(select(Entry.kind, func.count()).group_by(Entry.kind)).all())
    assert set(kinds) == {"step", "seen", "setback", "note", "measure", "void"}
    first, last = db.session.execute(
        select(func.min(Entry.recorded_at), func.max(Entry.recorded_at))
    ).one()
    assert last - first > timedelta(days=365 * 2)
    assert last - first < timedelta(days=365 * 3 + 2)


def test_voids_point_at_earlier_entries_of_the_same_person(bench):
    target = aliased(Entry)
    voids = db.session.execute(
        select(Entry, target).join(target, Entry.amends_id == target.id).where(Entry.kind == "void")
    ).all()
    assert voids
    total_voids = db.session.scalar(select(func.count()).where(Entry.kind == "void"))
    assert len(voids) == total_voids
    for void, earlier in voids:
        assert earlier.person_id == void.person_id
        assert earlier.recorded_at <= void.recorded_at
        assert earlier.kind != "void"
        assert void.worker_id == earlier.worker_id  # a worker undoes their own mistake
        assert void.reason
    # Nothing is voided twice: the log's unique amends_id refuses a second amendment, so the
    # generator would have failed to insert one; there is nothing to count here.


def test_steps_use_rungs_of_their_outcome_and_late_arrivals_exist(bench):
    mismatched = db.session.scalar(
        select(func.count())
        .select_from(Entry)
        .join(Rung, Entry.rung_id == Rung.id)
        .where(Rung.outcome_id != Entry.outcome_id)
    )
    assert mismatched == 0
    late = [
        received - recorded
        for recorded, received in db.session.execute(select(Entry.recorded_at, Entry.received_at))
        if received - recorded > timedelta(minutes=15)
    ]
    assert late
    assert db.session.scalar(select(func.count()).where(Entry.received_at < Entry.recorded_at)) == 0


@pytest.mark.parametrize("model", [User, Person, Entry, Activity, Outcome, Rung, Funder, Indicator])
def test_every_row_belongs_to_benchmark_trust(bench, model):
    organisations = set(db.session.scalars(select(model.organisation_id).distinct()))
    assert organisations == {bench.id}


def test_caseloads_and_entries_stay_inside_the_organisation(bench):
    strays = db.session.scalar(
        select(func.count())
        .select_from(caseload)
        .join(User, User.id == caseload.c.user_id)
        .join(Person, Person.id == caseload.c.person_id)
        .where(User.organisation_id != Person.organisation_id)
    )
    assert strays == 0
    worker_orgs = set(
        db.session.scalars(
            select(User.organisation_id).join(Entry, Entry.worker_id == User.id).distinct()
        )
    )
    assert worker_orgs == {bench.id}


def test_a_funder_counts_one_indicator_of_each_kind(bench):
    funder = db.session.scalar(select(Funder))
    assert funder.activities and funder.outcomes
    assert {i.kind for i in funder.indicators} == {
        "people_supported",
        "new_people",
        "contacts",
        "climbed",
        "reached_rung",
        "average_climbed",
        "setback",
    }


def test_second_run_is_refused_and_adds_nothing(bench, runner):
    result = runner.invoke(args=["generate-data", *SIZE])
    assert result.exit_code != 0
    assert "Benchmark Trust already exists" in result.output
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 2000
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_without_a_benchmarks_folder_the_command_says_so_and_creates_nothing(
    runner, monkeypatch, tmp_path
):
    # As installed from a wheel: `app` alone, with no source checkout around it.
    monkeypatch.setattr("app.cli.SOURCE_ROOT", tmp_path)
    result = runner.invoke(args=["generate-data", *SIZE])
    assert result.exit_code == 1
    assert "generate-data needs the benchmarks folder" in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_the_app_and_its_commands_load_without_the_benchmarks():
    # A fresh interpreter: in this one the benchmark tests have already imported them.
    check = (
        "import sys; from flask import Flask; import app.cli; flask_app = Flask('check'); "
        "app.cli.register(flask_app); assert 'generate-data' in flask_app.cli.commands; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'benchmarks'); "
        "assert not loaded, loaded"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_benchmark_runner_measures_every_figure_at_a_tiny_size(app, tmp_path):
    from benchmarks import report, run
    from benchmarks.data import generate

    generate(entries=300, people=12, workers=2)
    before = db.session.scalar(select(func.count()).select_from(Entry))
    result = run.measure(app, requests=3, downloads=1)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Entry)) == before
    names = [
        "Record an entry (POST, htmx)",
        "Record with how and how long (POST, htmx)",
        "Person page",
        "My people (largest caseload)",
        "Overview page",
        "Overview refresh (live fragment)",
        "Overview poll, nothing new (204)",
        "Export a quarter (CSV)",
        "Floor: bare Flask, one INSERT",
    ]
    for name in names:
        assert len(result.measures[name].samples) >= 1, name
    assert result.measures["Record an entry (POST, htmx)"].queries > 0
    assert result.measures["Record with how and how long (POST, htmx)"].queries > 0
    reports = ["Funder report, a quarter (HTML)", "Funder report, a quarter (Excel)"]
    if "reports.report" in app.view_functions:
        names += reports
    else:
        assert "Funder report" in result.absent
    markdown = run.render(result)
    for name in names:
        assert f"| {name} |" in markdown, name
    assert "the floor's in the same run" in markdown
    assert "With how and how long the record path's p50 is" in markdown
    assert "cores" in markdown and "commit" in markdown
    path = tmp_path / "results.md"
    report.write_section("server-test", markdown, path)
    report.write_section("other", "kept", path)
    report.write_section("server-test", "replaced", path)
    text = path.read_text()
    assert "replaced" in text and "kept" in text and "Record an entry" not in text


def test_the_rollup_of_the_generated_log_agrees_with_it(bench, runner):
    """Written in bulk past the flush that keeps it, the rollup is worked out from the log: it
    holds every entry but the voids and the entries they (or corrections) amend."""
    from app.entries import rollup
    from app.models import DailyRollup

    assert rollup.differences() == []
    stored = db.session.scalar(select(func.sum(DailyRollup.entries)))
    voids = db.session.scalar(select(func.count()).select_from(Entry).where(Entry.kind == "void"))
    amended = db.session.scalar(select(func.count()).where(Entry.amends_id.is_not(None)))
    total = db.session.scalar(select(func.count()).select_from(Entry))
    assert voids and stored == total - voids - amended
    result = runner.invoke(args=["check-rollups"])
    assert result.exit_code == 0 and "agrees with the entry log" in result.output
