"""GET /people/<id>/journey: how far the person has come, in their own words where they have them.

Only the person's own steps are shown: no other person, no worker's name, no notes (a note is
written by staff for staff), so the screen can be handed to the person.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, render_template

from app import audit, local_time
from app.access import STAFF, allow, person_or_404
from app.entries import queries
from app.measures import journey as measure_journey
from app.models import Rung

bp = Blueprint("my_journey", __name__)


@dataclass
class Step:
    rung: Rung
    reached_on: datetime | None  # first time this rung was reached; None if not yet


@dataclass
class Climb:
    """One ladder as the person sees it: each rung, reached or not, and what comes next."""

    name: str
    own_words: str
    steps: list[Step]
    current: Rung | None
    next_rung: Rung | None

    @property
    def reached(self) -> int:
        return sum(1 for s in self.steps if s.reached_on is not None)


def climbs(person) -> list[Climb]:
    """The person's ladders, from the same query layer as their page."""
    result = []
    for ladder in queries.ladders(person):
        steps = [Step(r, ladder.reached.get(r.id)) for r in ladder.rungs]
        following = ladder.next_rungs
        result.append(
            Climb(
                ladder.outcome.name,
                ladder.plan.own_words,
                steps,
                ladder.current,
                following[0] if following else None,
            )
        )
    return result


@bp.get("/people/<int:person_id>/journey")
@allow(*STAFF)
def journey(person_id: int):
    """The person's own ladders, large and friendly, printable as a one-page certificate."""
    person = person_or_404(person_id)
    audit.record("person.journey", f"person:{person.id}")
    return render_template(
        "my_journey/journey.html",
        person=person,
        climbs=climbs(person),
        today=local_time.local_today(),
        measure_lines=measure_journey.lines(person),
    )
