"""Measures switched on for the tests' small world, and a helper to complete one."""

import uuid
from datetime import timedelta

import pytest

from app.extensions import db
from app.measures.definitions import shipped
from app.models import MeasurePlan, MeasureReading
from app.models.clock import utcnow
from tests.fixtures.factories import make_entry


def switch_on(org, key: str, **plan) -> MeasurePlan:
    """Switch a measure on for `org`, with its plan (due every 12 weeks unless told)."""
    row = MeasurePlan(organisation_id=org.id, measure_key=key, **({"every_weeks": 12} | plan))
    db.session.add(row)
    db.session.commit()
    return row


def answers_form(key: str, values, token: str, entry_id=None) -> dict:
    """The form a phone posts for `key` with these values, item by item."""
    items = [i.key for i in shipped()[key].items]
    form = {f"q_{k}": str(v) for k, v in zip(items, values, strict=False)}
    return form | {"csrf_token": token, "id": str(entry_id or uuid.uuid4()), "recorded_at": ""}


def make_reading(person, worker, key: str, score, days_ago: int = 0, parts=None, answers=None):
    """A stored reading (entry kind measure) dated `days_ago`, as the recorder would write it."""
    entry = make_entry(person, worker, "measure", at=utcnow() - timedelta(days=days_ago))
    db.session.add(
        MeasureReading(
            entry_id=entry.id,
            organisation_id=person.organisation_id,
            person_id=person.id,
            measure_key=key,
            answers=answers or {},
            score=score,
            parts=parts or {},
        )
    )
    db.session.flush()
    return entry


@pytest.fixture
def on(w):
    """SWEMWBS and PHQ-9 switched on for Riverside."""
    return {"swemwbs": switch_on(w["org"], "swemwbs"), "phq9": switch_on(w["org"], "phq9")}
