"""The figures of contacts and group sessions a funder report shows, as plain numbers.

Each takes a report's scope (app/entries/scoped.py: the organisation, the funder's
activities) and a period as naive-UTC [start, end), as the other indicators do.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.entries import modes
from app.entries.contacts import day_counts
from app.entries.scoped import Scope, period_log
from app.extensions import db
from app.local_time import to_local
from app.models import GroupSession

NOT_RECORDED = "Not recorded"


@dataclass
class ContactFigures:
    by_mode: dict[str, int]  # contacts by how they happened, every mode listed, in order
    minutes: int  # minutes recorded on contacts (contacts without minutes add none)
    did_not_attend: int  # days someone was expected and did not attend
    expected: int  # contacts plus did-not-attends: the rate's denominator


def contact_figures(
    scope: Scope, start: datetime, end: datetime, memo: dict | None = None
) -> ContactFigures:
    """Contacts (one person, one day) by mode, their minutes, and did-not-attends, counted
    once for the period (`memo`: the report's, see `scoped.period_log`)."""
    found = day_counts(scope, start, end, memo)
    counts = Counter()
    for mode, number in found.modes.items():
        counts[modes.label(mode) or NOT_RECORDED] += number
    labels = [m.label for m in modes.MODES.values()] + [NOT_RECORDED]
    return ContactFigures(
        by_mode={label: counts[label] for label in labels},
        minutes=found.minutes,
        did_not_attend=found.expected - found.attended,
        expected=found.expected,
    )


def _sessions(scope: Scope, start: datetime, end: datetime):
    """SQL conditions: sessions in scope whose register was saved, held on a local day of the
    period (a session's day is local, the period's bounds are UTC)."""
    first = to_local(start).date()
    last = (to_local(end) - timedelta(microseconds=1)).date()
    conditions = [
        GroupSession.organisation_id == scope.organisation_id,
        GroupSession.register_id.is_not(None),
        GroupSession.held_on >= first,
        GroupSession.held_on <= last,
    ]
    if scope.activity_ids is not None:
        conditions.append(GroupSession.activity_id.in_(scope.activity_ids))
    return conditions


def sessions_delivered(scope: Scope, start: datetime, end: datetime) -> int:
    """Group sessions held in the period with their register saved: each counts once."""
    return db.session.scalar(select(func.count()).where(*_sessions(scope, start, end)))


def anonymous_attendees(scope: Scope, start: datetime, end: datetime) -> int:
    """Drop-in attendees counted at those sessions without being on the register."""
    query = select(func.coalesce(func.sum(GroupSession.anonymous_attendees), 0))
    return db.session.scalar(query.where(*_sessions(scope, start, end)))


def _register_places(
    scope: Scope, start: datetime, end: datetime, kind: str, memo: dict | None
) -> list:
    """The period's effective entries of `kind` made on a group session's register."""
    return [
        (r, day) for r, day in period_log(scope, start, end, memo).on_registers() if r.kind == kind
    ]


def attendances(scope: Scope, start: datetime, end: datetime, memo: dict | None = None) -> int:
    """Group session attendances: each person at each session once."""
    places = _register_places(scope, start, end, "seen", memo)
    return len({(r.session_id, r.person_id) for r, _ in places})


def unique_attendees(scope: Scope, start: datetime, end: datetime, memo: dict | None = None) -> int:
    """Distinct people who attended at least one group session in the period."""
    return len({r.person_id for r, _ in _register_places(scope, start, end, "seen", memo)})


def session_did_not_attend(
    scope: Scope, start: datetime, end: datetime, memo: dict | None = None
) -> int:
    """Places on group session registers marked "Did not attend" (a rollup row may hold more
    than one)."""
    return sum(r.entries for r, _ in _register_places(scope, start, end, "dna", memo))
