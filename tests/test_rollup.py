"""The daily rollup: kept with every entry written, always what the log says, and checked.

Each write goes through the app the way a worker makes it (a tap, an undo, a correction, an
entry recorded offline days ago, a group register, an erasure); after each one the rollup is
worked out again from the log and must agree to the row, and the rows it holds are checked
against figures worked out by hand.
"""

import re
import threading
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from app import local_time
from app.entries import rollup
from app.extensions import db
from app.models import DailyRollup, Entry, Person
from app.models.clock import utcnow
from app.privacy import erasure
from tests.fixtures.factories import make_entry, make_group_session
from tests.fixtures.web import Auth


def _post(client, person, token, action, entry_id=None, **fields):
    data = {"csrf_token": token, "id": str(entry_id or uuid.uuid4()), "action": action, **fields}
    return client.post(
        f"/people/{person.id}/entries", data=data, headers={"X-Stepladder-Replay": "1"}
    )


def _hidden(client, entry, action: str) -> dict:
    """The hidden fields of an entry's change form for `action` (its new entry's id)."""
    html = client.get(f"/entries/{entry.id}/change").get_data(as_text=True)
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    found = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            found[name.group(1)] = value.group(1) if value else ""
    return found


def _rows(person) -> dict:
    """(local day, kind, outcome) -> (entries, minutes) of the person's rollup rows."""
    found = db.session.scalars(select(DailyRollup).where(DailyRollup.person_id == person.id))
    return {(r.day, r.kind, r.outcome_id): (r.entries, r.minutes) for r in found}


def _agrees():
    assert rollup.differences() == []


def test_every_way_of_writing_an_entry_keeps_the_rollup_equal_to_the_log(app, client, auth, w):
    today = local_time.local_today()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/people/{w.person.id}")
    rung = w.outcome.rungs[1]
    # Two taps of one kind on one day make one row of two.
    first = uuid.uuid4()
    assert _post(client, w.person, token, "seen", first, minutes=20).status_code == 201
    assert _post(client, w.person, token, "seen", minutes=15).status_code == 201
    assert _post(client, w.person, token, f"step:{rung.id}", activity=w.activity.id).status_code
    _agrees()
    assert _rows(w.person) == {
        (today, "seen", 0): (2, 35),
        (today, "step", w.outcome.id): (1, 0),
    }
    # A replay of the same entry adds nothing.
    assert _post(client, w.person, token, "seen", first, minutes=20).status_code == 200
    assert _rows(w.person)[today, "seen", 0] == (2, 35)
    # An undo takes the entry out; its minutes go with it.
    assert _post(client, w.person, token, f"void:{first}", reason="Wrong person").status_code
    _agrees()
    assert _rows(w.person)[today, "seen", 0] == (1, 15)
    # An entry made offline three days ago counts on the day it happened, when it arrives.
    happened = (utcnow() - timedelta(days=3)).replace(microsecond=0)
    late = _post(client, w.person, token, "seen", recorded_at=happened.isoformat() + "Z")
    assert late.status_code == 201
    _agrees()
    assert _rows(w.person)[local_time.to_local(happened).date(), "seen", 0] == (1, 0)
    # A correction moves the entry to its new row, at the time it happened.
    seen = db.session.scalar(
        select(Entry).where(Entry.person_id == w.person.id, Entry.recorded_at == happened)
    )
    supervisor = Auth(app.test_client())
    supervisor.sign_in(w.supervisor)
    client = supervisor.client
    action = f"/entries/{seen.id}/correct"
    fields = _hidden(client, seen, action)
    assert "id" in fields
    corrected = client.post(
        action,
        data={
            **fields,
            "kind": "step",
            "rung": w.outcome.rungs[0].id,
            "outcome": 0,
            "activity": w.activity.id,
            "note": "",
            "reason": "It was a step",
        },
    )
    assert corrected.status_code == 303
    _agrees()
    day = local_time.to_local(happened).date()
    assert (day, "seen", 0) not in _rows(w.person)
    assert _rows(w.person)[day, "step", w.outcome.id] == (1, 0)
    # Erasure blanks what was written about the person, never what is counted.
    before = _rows(w.person)
    erasure.erase(db.session.get(Person, w.person.id))
    db.session.commit()
    _agrees()
    assert _rows(w.person) == before


def test_a_group_register_counts_each_person_under_the_session(client, auth, w):
    session = make_group_session(w.activity, w.worker, members=[w.person, w.person2])
    db.session.commit()
    auth.sign_in(w.worker)
    token = auth.csrf(f"/sessions/{session.id}")
    response = client.post(
        f"/sessions/{session.id}/register",
        data={
            "csrf_token": token,
            "id": str(uuid.uuid4()),
            f"person-{w.person.id}": "attended",
            f"person-{w.person2.id}": "dna",
        },
        headers={"X-Stepladder-Replay": "1"},
    )
    assert response.status_code == 201, response.get_json()
    _agrees()
    rows = db.session.scalars(select(DailyRollup).where(DailyRollup.session_id == session.id))
    assert sorted((r.person_id, r.kind, r.entries) for r in rows) == sorted(
        [(w.person.id, "seen", 1), (w.person2.id, "dna", 1)]
    )


def test_a_void_of_the_days_first_entry_moves_the_rows_first_time_on(w):
    earlier = utcnow() - timedelta(minutes=30)
    first = make_entry(w.person, w.worker, "seen", at=earlier)
    second = make_entry(w.person, w.worker, "seen", at=earlier + timedelta(minutes=10))
    make_entry(w.person, w.worker, "void", amends_id=first.id)
    db.session.commit()
    [row] = db.session.scalars(select(DailyRollup).where(DailyRollup.kind == "seen"))
    assert (row.entries, row.first_at) == (1, second.recorded_at)
    _agrees()


def test_workers_recording_at_once_lose_no_count(app, w):
    """Four workers' phones send a tap for one person on one day at the same moment: every
    tap adds to the same rollup row, and all four are counted."""
    signed_in = []
    for _ in range(4):
        client = app.test_client()
        auth = Auth(client)
        auth.sign_in(w.worker)
        signed_in.append((client, auth.csrf(f"/people/{w.person.id}")))
    db.session.refresh(w.person)
    barrier = threading.Barrier(len(signed_in))
    statuses = []

    def post(client, token):
        with app.app_context():
            barrier.wait()
            statuses.append(_post(client, w.person, token, "seen").status_code)
            db.session.remove()

    threads = [threading.Thread(target=post, args=pair) for pair in signed_in]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * 4
    assert _rows(w.person) == {(local_time.local_today(), "seen", 0): (4, 0)}
    _agrees()


def test_check_rollups_says_they_agree_finds_a_difference_and_repairs_it(runner, w):
    make_entry(w.person, w.worker, "seen")
    make_entry(w.person2, w.colleague, "note", note="Called")
    db.session.commit()
    result = runner.invoke(args=["check-rollups"])
    assert result.exit_code == 0, result.output
    assert "The rollup agrees with the entry log (2 rows)." in result.output
    db.session.execute(
        update(DailyRollup)
        .where(DailyRollup.person_id == w.person.id)
        .values(entries=DailyRollup.entries + 1)
    )
    db.session.commit()
    result = runner.invoke(args=["check-rollups"])
    assert result.exit_code == 1
    assert "the log says 1 entries" in result.output
    assert "the rollup holds 2 entries" in result.output
    assert "disagrees with the entry log in 1 rows" in result.output
    result = runner.invoke(args=["check-rollups", "--repair"])
    assert result.exit_code == 0
    assert "Rebuilt the rollup from the entry log: 2 rows." in result.output
    db.session.expire_all()
    _agrees()


def test_a_report_counts_the_same_from_the_rollup_as_from_the_log(w):
    """A report's period (whole local days) is read from the rollup; any other period from the
    log. Over a week of varied work the two reads give the same tallies and contact figures."""
    from app.entries import contact_figures, counting
    from app.entries.scoped import Scope

    today = local_time.local_today()
    start, end = local_time.day_bounds(today - timedelta(days=6), today)
    base = start + timedelta(hours=9)
    rung = w.outcome.rungs[0]
    session = make_group_session(w.activity, w.worker, members=[w.person, w.person2])
    for day in range(6):
        at = base + timedelta(days=day)
        make_entry(w.person, w.worker, "seen", at=at, mode="phone", minutes=10)
        make_entry(w.person, w.colleague, "seen", at=at + timedelta(hours=1), mode="video")
        make_entry(w.person2, w.worker, "step", at=at, rung=rung, activity_id=w.activity.id)
        if day % 2:
            make_entry(w.person2, w.worker, "dna", at=at + timedelta(hours=2))
    # Two steps of one key on one day: one rollup row of two.
    make_entry(w.person2, w.worker, "step", at=base + _US, rung=rung, activity_id=w.activity.id)
    wrong = make_entry(w.person, w.worker, "setback", at=base, outcome_id=w.outcome.id)
    make_entry(w.person, w.supervisor, "void", amends_id=wrong.id)
    moved = make_entry(w.person2, w.worker, "seen", at=base + timedelta(days=2, hours=3))
    make_entry(w.person2, w.supervisor, "step", at=moved.recorded_at, amends_id=moved.id, rung=rung)
    make_entry(w.person, w.worker, "seen", at=base, session_id=session.id)
    make_entry(w.person2, w.worker, "dna", at=base, session_id=session.id)
    db.session.commit()
    scope = Scope(w.org.id)
    rolled = counting.PeriodLog(scope.reach(), start, end, scope.rolled_reach())
    logged = counting.PeriodLog(scope.reach(), start, end)
    assert sum(r.entries for r, _ in rolled.dated()) == len(logged.dated()) > len(rolled.dated())
    for column in ("activity_id", "outcome_id", "person_id", "mode", "session_id"):
        assert rolled.tally_by(column) == logged.tally_by(column), column
        # From the rollup the figures are counted in SQL; from the log, by Tally.
        assert rolled.figures_by(column) == logged.figures_by(column), column
    assert rolled.tally_by("kind")["step"].steps == 8
    # Each of the six days: one visit each (a second "seen", a register place, a corrected
    # entry or a did-not-attend on a day they were seen adds none); the voided setback is gone.
    everything = counting.Figures(steps=8, contacts=12, setbacks=0, people=2, step_people=1)
    assert rolled.whole() == logged.whole() == everything
    # The correction names no activity: its step is not the activity's.
    assert rolled.figures_by("activity_id")[w.activity.id] == counting.Figures(
        steps=7, contacts=6, people=1, step_people=1
    )
    assert rolled.people() == logged.people() == {w.person.id, w.person2.id}
    # One microsecond short of whole days, the same report reads the log.
    assert counting.whole_days(start, end) and not counting.whole_days(start, end - _US)
    for figure in (contact_figures.contact_figures, contact_figures.session_did_not_attend):
        assert figure(scope, start, end) == figure(scope, start, end - _US), figure
    # Each day: the first person's first mode is the phone (the video call came later, the
    # group session named none); the second person's steps name none, and on the days they
    # also did not attend they were seen, so no day is a did-not-attend.
    found = contact_figures.contact_figures(scope, start, end)
    assert (found.by_mode["Phone"], found.by_mode["Not recorded"], found.minutes) == (6, 6, 60)
    assert (found.by_mode["Video"], found.did_not_attend, found.expected) == (0, 0, 12)


_US = timedelta(microseconds=1)
