"""The report's breakdowns cost the same number of queries however many activities and
demographic fields there are, and count what one query per activity used to count."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from app.reports import periods, report
from tests.fixtures.factories import make_activity


@contextmanager
def statements():
    """Every SQL statement sent inside the block."""
    seen = []

    def note(_conn, _cursor, statement, *_):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def _build(funder):
    db.session.expire_all()
    with statements() as seen:
        built = report.build(db.session.merge(funder), periods.parse("2025-Q2"))
    return built, len(seen)


def _table(built, title):
    """A table's cells as the funder sees them (numbers, or the word that stands for one)."""

    def seen(figures):
        return [f.hidden or f.value for f in figures]

    return {
        group: (seen(now), seen(before))
        for group, now, before in next(t for t in built.breakdowns if t.title == title).rows
    }


def test_breakdowns_do_not_query_once_per_activity_or_field(app, history):
    funder = history.funder
    _, few = _build(funder)
    funder.activities.append(history.other_activity)
    funder.activities.append(make_activity(history.org, "Unused", [history.outcome]))
    history.org.demographic_fields = "gender,age band,postcode district"
    db.session.commit()
    built, many = _build(funder)
    assert many == few
    activities = _table(built, "By activity")
    # [contacts, steps, people]: Fin's visit is a contact under Drop-in; a funded activity
    # with nothing recorded counts true zeros.
    # Counts of 1-4 contacts or steps are hidden as counts of people are: they are about as
    # few people.
    few = "fewer than 5"
    # Drop-in's hidden contacts and people stand beside the period's totals, which the report
    # shows: Travel training's 7 contacts and 5 people are hidden too, or Drop-in's would be
    # the total less them (disclosure rule 2). Steps hide nothing, so 5 stays.
    assert activities["Travel training"] == (["hidden", 5, "hidden"], [few, few, few])
    assert activities["Drop-in"] == ([few, 0, few], [0, 0, 0])
    assert activities["Unused"] == ([0, 0, 0], [0, 0, 0])
    assert _table(built, "People supported by gender") == {
        "Man": (["fewer than 5"], [0]),
        "Woman": (["fewer than 5"], ["fewer than 5"]),
    }
    # The one band is the period's people supported, hidden with Travel training's people
    # (from them and the total, Drop-in's would follow): so is the band.
    assert _table(built, "People supported by age band") == {
        "Not recorded": (["hidden"], ["fewer than 5"])
    }
