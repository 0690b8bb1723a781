"""The benchmark organisation has SWEMWBS readings among its entries, scored by the rule."""

from sqlalchemy import func, select

from app.extensions import db
from app.measures.definitions import shipped
from app.measures.scoring import score
from app.models import Entry, MeasurePlan, MeasureReading


def test_benchmark_data_has_scored_measures_within_its_entry_count(runner):
    result = runner.invoke(args=["generate-data", "--entries", "3000", "--people", "40",
                                 "--workers", "4"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Entry)) == 3000
    plan = db.session.scalars(select(MeasurePlan)).one()
    assert (plan.measure_key, plan.every_weeks, len(plan.funders)) == ("swemwbs", 12, 1)
    readings = list(db.session.scalars(select(MeasureReading)))
    assert len(readings) >= 40  # a baseline each, and reviews
    kinds = {db.session.get(Entry, r.entry_id).kind for r in readings}
    assert kinds == {"measure"}
    definition = shipped()["swemwbs"]
    assert all(r.score == score(definition, r.answers).total for r in readings)
    people = {r.person_id for r in readings}
    assert len(readings) > len(people)  # follow-ups exist
