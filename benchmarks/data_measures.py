"""Measures in the benchmark data: SWEMWBS switched on, a baseline at each person's first
visit and a review every 12 weeks, scored by the measure's own rule.

The planner turns some of the generated "seen" visits into completed measures, so the
benchmark keeps exactly the number of entries asked for; it draws from its own random
stream, so the rest of the history is the same with or without it.
"""

import random
from datetime import timedelta

from sqlalchemy import insert

from app.extensions import db
from app.measures.definitions import shipped
from app.measures.scoring import score
from app.models import Funder, MeasurePlan, MeasureReading

KEY = "swemwbs"
EVERY = timedelta(weeks=12)
# Not every review is done: about a third of them are missed, as in a real service.
MISSED = 0.35


class Planner:
    """Decides, visit by visit in time order, which visits complete a measure."""

    def __init__(self, organisation_id: int, seed: int):
        self.organisation_id = organisation_id
        self.rng = random.Random(seed * 31 + 14)
        self.definition = shipped()[KEY]
        self.keys = [i.key for i in self.definition.items]
        self.last: dict[int, object] = {}
        self.level: dict[int, int] = {}
        self.readings: list[dict] = []

    def switch_on(self, funder: Funder | None) -> None:
        db.session.add(
            MeasurePlan(
                organisation_id=self.organisation_id,
                measure_key=KEY,
                every_weeks=12,
                funders=[funder] if funder else [],
            )
        )

    def take(self, row: dict) -> None:
        """Make this visit a completed measure if one is due for its person."""
        if row["kind"] != "seen":
            return
        person = row["person_id"]
        last = self.last.get(person)
        if last is not None and row["recorded_at"] < last + EVERY:
            return
        if last is not None and self.rng.random() < MISSED:
            self.last[person] = row["recorded_at"]  # this review was missed
            return
        raw = self.level.get(person) or self.rng.randint(12, 24)
        raw = max(7, min(35, raw + (self.rng.randint(-2, 4) if last is not None else 0)))
        self.level[person], self.last[person] = raw, row["recorded_at"]
        answers = self._spread(raw)
        result = score(self.definition, answers)
        row["kind"] = "measure"
        self.readings.append(
            dict(
                entry_id=row["id"],
                organisation_id=self.organisation_id,
                person_id=person,
                measure_key=KEY,
                answers=answers,
                wording={},
                score=result.total,
                raw=result.raw,
                parts={},
                risk=False,
            )
        )

    def _spread(self, total: int) -> dict[str, int]:
        values = [1] * len(self.keys)
        for _ in range(total - len(self.keys)):
            n = self.rng.choice([i for i, v in enumerate(values) if v < 5])
            values[n] += 1
        return dict(zip(self.keys, values, strict=True))

    def insert(self, batch: int = 5000) -> None:
        """Write the readings (after their entries, which they refer to)."""
        for start in range(0, len(self.readings), batch):
            db.session.execute(
                insert(MeasureReading.__table__), self.readings[start : start + batch]
            )
