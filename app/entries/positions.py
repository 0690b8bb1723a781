"""Where a tapped rung stands against the person's current rung, checked on the server.

The page draws a rung above the current one, and the current one itself, as a step
("step:<rung>": reaching the current rung again is not a regression, and the page's
"Current step" button posts it), and one below it as going back ("back:", then
"goback:<rung>" once confirmed); but a post can say anything, and a stale page, a hand-made
form or a bug must not record a regression as progress. Where the person stands is worked
out as of the entry's own time (`recorded_at`), from the moves on that ladder before it (the
same moves `queries.ladders` places a person by), so an offline phone's steps, replayed hours
later and in any order, are judged by what the worker saw when they tapped, not by what
others recorded since; the entry itself is left out, so an identical repeat is judged as the
first post was.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from app.entries.counting import moves_on_ladder
from app.entries.queries import effective
from app.entries.recording import EntryError
from app.extensions import db
from app.models import Entry, Person, Rung


@dataclass(frozen=True)
class Position:
    """The tapped rung, and the rung of its ladder the person stood on before the tap."""

    rung: Rung
    current: Rung | None

    @property
    def below(self) -> bool:
        return self.current is not None and self.rung.position < self.current.position


def position(person: Person, rung_id: int, at: datetime, entry_id: uuid.UUID) -> Position:
    """Where rung `rung_id` stands against the person's place on its ladder as of `at`. One
    statement: the tapped rung, with the rung of their latest move on its outcome."""
    tapped = select(Rung.outcome_id).where(Rung.id == rung_id).scalar_subquery()
    current_id = (
        select(Entry.rung_id)
        .where(
            Entry.person_id == person.id,
            Entry.outcome_id == tapped,
            moves_on_ladder(),
            effective(),
            Entry.recorded_at <= at,
            Entry.id != entry_id,
        )
        .order_by(Entry.recorded_at.desc(), Entry.received_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Rung, current_id).where(or_(Rung.id == rung_id, Rung.id == current_id))
    ).all()
    by_id = {rung.id: rung for rung, _ in rows}
    found = rows[0][1] if rows else None
    return Position(by_id[rung_id], by_id.get(found))


def check_going_back(found: Position) -> None:
    """A confirmed going back must name a rung below where the person stands."""
    if not found.below:
        raise EntryError(
            f"‘{found.rung.text}’ is not below where this person stands now, so it cannot be "
            "recorded as going back. Please reload the page."
        )
