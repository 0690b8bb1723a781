"""The demo has SWEMWBS, ONS4 and Goal-Based Outcomes switched on with months of readings."""

from datetime import timedelta

from sqlalchemy import select

from app.entries.scoped import Scope
from app.extensions import db
from app.local_time import day_bounds, local_today
from app.measures import queries
from app.measures.definitions import shipped
from app.measures.scoring import score
from app.models import MeasurePlan, MeasureReading, Organisation
from app.models.clock import utcnow


def test_demo_measures_have_pairs_missing_follow_ups_and_every_kind_of_change(runner, app):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    org = db.session.scalar(select(Organisation))
    on = {p.measure_key for p in db.session.scalars(select(MeasurePlan)) if p.active}
    assert on == {"swemwbs", "ons4", "gbo"}
    names = {shipped()[k].name for k in on}
    assert names == {"SWEMWBS", "ONS4", "Goal-Based Outcomes"}
    start, end = day_bounds(local_today() - timedelta(days=365), local_today())
    summaries = {s.definition.key: s for s in queries.summaries(Scope(org.id), start, end)}
    swemwbs = summaries["swemwbs"]
    assert swemwbs.with_baseline == 24
    assert 0 < swemwbs.with_pair < swemwbs.with_baseline  # some follow-ups missing
    assert swemwbs.improved and swemwbs.no_change and swemwbs.deteriorated
    assert summaries["ons4"].items and summaries["gbo"].with_pair
    readings = list(db.session.scalars(select(MeasureReading)))
    first = min(r.entry_id for r in readings)  # any one: its score is the rule's own
    reading = next(r for r in readings if r.entry_id == first)
    assert (
        reading.score
        == score(shipped()[reading.measure_key], reading.answers, list(reading.answers)).total
    )
    from app.models import Entry

    assert (
        db.session.scalar(select(Entry.recorded_at).order_by(Entry.recorded_at.desc())) < utcnow()
    )
