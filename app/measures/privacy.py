"""Erasure of a person's measures: their own words and concern notes go, scores stay.

Called by `privacy.erasure.erase` in the same transaction; the readings' answers and scores
stay so that past reports stay true, as the entries do.
"""

from sqlalchemy import update

from app.extensions import db
from app.models import MeasureReading, SafeguardingConcern


def erase(person) -> None:
    """Blank the goals in the person's own words and the text of concerns about them."""
    db.session.execute(
        update(MeasureReading).where(MeasureReading.person_id == person.id).values(wording={})
    )
    db.session.execute(
        update(SafeguardingConcern)
        .where(SafeguardingConcern.person_id == person.id)
        .values(note="")
    )
