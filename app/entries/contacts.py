"""Contacts the NHS way: one person on one local day, with how it happened and how long it took.

A contact is what the counting layer (app/entries/counting.py) says it is: a person seen by
the service on one local day (a step, a "seen today", a setback or a group session attended,
however many); a day on which someone only did not attend is a did-not-attend. Here each
contact also carries how it happened: the mode of its first entry recording one, and the sum
of that day's minutes (none if none were given). Notes count for neither.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select

from app.entries import counting, scoped
from app.entries.scoped import Scope
from app.extensions import db
from app.models import DailyRollup, Person


def _kinds() -> tuple[tuple, tuple]:
    """(the kinds a contact is made of, those and the did-not-attends), read from the
    counting layer's table when asked, so the list and the counts follow it alike."""
    attended = counting.kinds_counting_as(counting.CONTACT)
    return attended, attended + counting.kinds_counting_as(counting.DID_NOT_ATTEND)


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
    attended, counted = _kinds()
    visits: dict[tuple, Contact] = {}
    # The log is oldest first, so each day's first entry gives the contact its time and the
    # first entry recording a mode gives its mode.
    for row, day in log.dated():
        if row.kind not in counted:
            continue
        current = visits.get((row.person_id, day))
        if current is None:
            current = Contact(row.person_id, "", day, row.recorded_at, attended=False)
            visits[row.person_id, day] = current
        if row.kind not in attended:
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


@dataclass(frozen=True)
class DayCounts:
    """The period's contacts and did-not-attends counted, not listed."""

    modes: Counter  # contacts by their mode (None: not recorded)
    minutes: int  # the contacts' minutes summed
    attended: int  # contacts
    expected: int  # contacts and did-not-attends


def day_counts(scope: Scope, start: datetime, end: datetime, memo: dict | None = None) -> DayCounts:
    """What `contacts` lists, counted: from the daily rollup in SQL where the period is whole
    local days (the same definitions: a person's day, its first mode recorded, the sum of
    its minutes), otherwise from the list."""
    log = scoped.period_log(scope, start, end, memo)
    if log.rolled is None:
        found = contacts(scope, start, end, memo=memo)
        attended = [c for c in found if c.attended]
        return DayCounts(
            Counter(c.mode for c in attended),
            sum(c.minutes or 0 for c in attended),
            len(attended),
            len(found),
        )
    r = DailyRollup
    attended_kinds, counted = _kinds()
    came = r.kind.in_(attended_kinds)
    days = (
        select(
            func.max(case((came, 1), else_=0)).label("came"),
            func.sum(case((came, r.minutes), else_=0)).label("minutes"),
        )
        .where(*log.rolled, r.kind.in_(counted))
        .group_by(r.person_id, r.day)
        .subquery()
    )
    # PostgreSQL sums integers as numeric: the figures are plain ints, as the list's are.
    expected, attended, minutes = (
        int(n or 0)
        for n in db.session.execute(
            select(func.count(), func.sum(days.c.came), func.sum(days.c.minutes))
        ).one()
    )
    # A contact's mode is that of its day's first row recording one (of one time, the first
    # mode by name, so that the figure never depends on the order rows come back in).
    first = (
        select(
            r.mode,
            func.row_number()
            .over(partition_by=(r.person_id, r.day), order_by=(r.first_at, r.mode))
            .label("n"),
        )
        .where(*log.rolled, came, r.mode != "")
        .subquery()
    )
    modes = Counter(
        dict(
            db.session.execute(
                select(first.c.mode, func.count()).where(first.c.n == 1).group_by(first.c.mode)
            ).all()
        )
    )
    modes[None] = attended - sum(modes.values())
    return DayCounts(+modes, minutes, attended, expected)
