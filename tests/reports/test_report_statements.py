"""A funder report sends a fixed number of SQL statements, however many people and entries.

Counting per person (new people, distance travelled) goes through per-person index walks
inside each statement, never a statement per person: growing the history must not move the
count, and the report's figures must still be right afterwards.
"""

from app.extensions import db
from tests.fixtures.clock import at
from tests.fixtures.factories import make_entry, make_person
from tests.fixtures.statements import count_statements


def _statements(client, path: str) -> int:
    with count_statements() as seen:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return len(seen)


def _grow(history, people: int = 6):
    """More people on the funded ladder: some new this period, some climbing from before it,
    with setbacks, contacts and a correction, so every per-person path is taken."""
    rungs = history.rungs
    funded = history.funded.id
    worker = history.staff
    for n in range(people):
        person = make_person(history.org, [worker], [history.outcome])
        if n % 2:
            make_entry(
                person,
                worker,
                "step",
                at("2025-01-15T10:00"),
                rung=rungs[0],
                activity_id=funded,
            )
        make_entry(
            person, worker, "step", at("2025-04-10T10:00"), rung=rungs[1], activity_id=funded
        )
        wrong = make_entry(
            person, worker, "step", at("2025-05-10T10:00"), rung=rungs[3], activity_id=funded
        )
        make_entry(
            person,
            worker,
            "step",
            at("2025-05-10T10:00"),
            rung=rungs[2],
            activity_id=funded,
            amends_id=wrong.id,
            reason="Wrong rung",
        )
        make_entry(
            person,
            worker,
            "setback",
            at("2025-06-01T10:00"),
            outcome_id=history.outcome.id,
            activity_id=funded,
        )
        make_entry(person, worker, "seen", at("2025-06-02T10:00"), activity_id=funded)
    db.session.commit()


def test_report_statements_do_not_grow_with_people_or_entries(client, auth, history):
    auth.sign_in(history.supervisor)
    fid = history.funder.id
    paths = [f"/reports/{fid}?period=2025-Q2", f"/reports/{fid}/report.xlsx?period=2025-Q2"]
    for path in paths:
        client.get(path)  # warm the session
    small = [_statements(client, path) for path in paths]
    _grow(history)
    grown = [_statements(client, path) for path in paths]
    assert grown == small
    csv = client.get(f"/reports/{fid}/report.csv?period=2025-Q2").get_data(as_text=True)
    # 5 people supported before, 6 more now: all of them new but Ada and 3 of the 6.
    assert "Indicator,People supported,People supported,11," in csv
    assert "Indicator,New people,New people started,7," in csv
