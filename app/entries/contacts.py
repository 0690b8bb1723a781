"""Contacts the NHS way: one person on one local day, with how it happened and how long it took.

A contact is what the counting layer (app/entries/counting.py) says it is: a person seen by
the service on one local day (a step, a "seen today", a setback or a group session attended,
however many); a day on which someone only did not attend is a did-not-attend. Here each
contact also carries how it happened: the mode of its first entry recording one, and the sum
of that day's minutes (none if none were given). Notes count for neither.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import literal, select

from app.entries import counting
from app.entries.scoped import Scope, within
from app.extensions import db
from app.local_time import local_zone
from app.models import Entry, Person

COUNTED = (*counting.CONTACT_KINDS, *counting.DID_NOT_ATTEND_KINDS)


@dataclass
class Contact:
    person_id: int
    reference: str
    day: date
    first_at: datetime  # naive UTC, the day's first entry
    attended: bool
    mode: str | None = None
    minutes: int | None = None
    session_id: int | None = None


def contacts(
    scope: Scope, start: datetime, end: datetime, references: bool = False
) -> list[Contact]:
    """Every contact and did-not-attend in [start, end), oldest first, one per person per day;
    with `references`, each carries the person's reference (for exports)."""
    reference = Person.reference if references else literal("")
    query = (
        select(
            Entry.person_id,
            reference,
            Entry.recorded_at,
            Entry.kind,
            Entry.mode,
            Entry.minutes,
            Entry.session_id,
        )
        .where(*scope.conditions(), *within(start, end), Entry.kind.in_(COUNTED))
        .order_by(Entry.person_id, Entry.recorded_at)
    )
    if references:
        query = query.join(Person, Person.id == Entry.person_id)
    # The zone is looked up once: to_local() per row reads the app's config each time, which
    # took a third of the report section's time on a quarter of entries.
    zone = local_zone()
    current: Contact | None = None
    found: list[Contact] = []
    for person_id, reference, at, kind, mode, minutes, session_id in db.session.execute(
        query.execution_options(yield_per=2000)
    ):
        day = at.replace(tzinfo=UTC).astimezone(zone).date()
        if current is None or (current.person_id, current.day) != (person_id, day):
            current = Contact(person_id, reference, day, at, attended=False)
            found.append(current)
        if not counting.counts_as(kind, counting.CONTACT):
            continue
        current.attended = True
        current.mode = current.mode or mode
        current.session_id = current.session_id or session_id
        if minutes:
            current.minutes = (current.minutes or 0) + minutes
    found.sort(key=lambda c: (c.first_at, c.person_id))
    return found
