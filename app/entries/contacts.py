"""Contacts the NHS way: one person on one local day, with how it happened and how long it took.

A contact is what the counting layer (app/entries/counting.py) says it is: a person seen by
the service on one local day (a step, a "seen today", a setback or a group session attended,
however many); a day on which someone only did not attend is a did-not-attend. Here each
contact also carries how it happened: the mode of its first entry recording one, and the sum
of that day's minutes (none if none were given). Notes count for neither.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.entries import counting, scoped
from app.entries.scoped import Scope
from app.extensions import db
from app.models import Person

COUNTED = frozenset((*counting.CONTACT_KINDS, *counting.DID_NOT_ATTEND_KINDS))
ATTENDED = frozenset(counting.CONTACT_KINDS)


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
    scope: Scope,
    start: datetime,
    end: datetime,
    references: bool = False,
    memo: dict | None = None,
) -> list[Contact]:
    """Every contact and did-not-attend in [start, end), oldest first, one per person per day;
    with `references`, each carries the person's reference (for exports). Counted from the
    period's log (`memo`: shared with the rest of one report)."""
    log = scoped.period_log(scope, start, end, memo)
    visits: dict[tuple, Contact] = {}
    # The log is oldest first, so each day's first entry gives the contact its time and the
    # first entry recording a mode gives its mode.
    for row, day in zip(log.rows, log.days, strict=True):
        if row.kind not in COUNTED:
            continue
        current = visits.get((row.person_id, day))
        if current is None:
            current = Contact(row.person_id, "", day, row.recorded_at, attended=False)
            visits[row.person_id, day] = current
        if row.kind not in ATTENDED:
            continue
        current.attended = True
        current.mode = current.mode or row.mode
        current.session_id = current.session_id or row.session_id
        if row.minutes:
            current.minutes = (current.minutes or 0) + row.minutes
    found = list(visits.values())
    if references:
        named = dict(
            db.session.execute(
                select(Person.id, Person.reference).where(
                    Person.id.in_({c.person_id for c in found})
                )
            ).all()
        )
        for contact in found:
            contact.reference = named[contact.person_id]
    found.sort(key=lambda c: (c.first_at, c.person_id))
    return found
