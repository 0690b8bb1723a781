"""Referral figures for a period: plain numbers, one function each, taking (organisation, period).

`period` is anything with `first` and `last` local dates (both included), such as
app.reports.periods.Period. Times are stored in UTC and read as the service's local days.

- Referrals received: by the day they arrived, by source.
- Decisions: by the day they were made (accepted, declined, referred on).
- Days from referral to first contact: for referrals received in the period and accepted,
  whose person had a first contact (their first effective contact at or after the referral, a
  contact as the counting layer defines it: a note or a did-not-attend is not one) by the end
  of the period; whole local days, so seen the day referred is 0.
- Median: the middle value (the mean of the two middle ones for an even count).
  90th percentile: nearest rank, the smallest value with at least 90% at or below it.
- Waiting at the period end: accepted by then, no first contact by then, not closed by then.
- Discharges: people closed in the period, by reason.
"""

import math
import statistics
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from app.entries.counting import CONTACT_KINDS
from app.entries.queries import effective
from app.extensions import db
from app.local_time import day_bounds, to_local
from app.models import Entry, Organisation, Person, Referral
from app.models.referral import DISCHARGE_REASONS, SOURCES


def _bounds(period) -> tuple[datetime, datetime]:
    return day_bounds(period.first, period.last)


def _referrals_by(org: Organisation, period, column, when) -> dict:
    """The organisation's referrals whose `when` falls in the period, counted by `column`."""
    start, end = _bounds(period)
    return dict(
        db.session.execute(
            select(column, func.count())
            .where(Referral.organisation_id == org.id, when >= start, when < end)
            .group_by(column)
        ).all()
    )


def received_by_source(org: Organisation, period) -> dict[str, int]:
    """Referrals received in the period, by source (every source listed, 0 included)."""
    counts = _referrals_by(org, period, Referral.source, Referral.received_at)
    return {label: counts.get(key, 0) for key, label in SOURCES.items()}


def decisions(org: Organisation, period) -> dict[str, int]:
    """Referrals accepted, declined and referred on in the period (by the day decided)."""
    counts = _referrals_by(org, period, Referral.status, Referral.decided_at)
    return {s: counts.get(s, 0) for s in ("accepted", "declined", "referred_on")}


def _first_contacts(org: Organisation, before: datetime) -> dict[tuple[int, datetime], datetime]:
    """For each accepted referral (person, received): the first effective contact after it."""
    rows = db.session.execute(
        select(Referral.person_id, Referral.received_at, func.min(Entry.recorded_at))
        .join(Entry, Entry.person_id == Referral.person_id)
        .where(
            Referral.organisation_id == org.id,
            Referral.status == "accepted",
            Entry.recorded_at >= Referral.received_at,
            Entry.recorded_at < before,
            Entry.kind.in_(CONTACT_KINDS),
            effective(),
        )
        .group_by(Referral.id, Referral.person_id, Referral.received_at)
    ).all()
    return {(person_id, received): first for person_id, received, first in rows}


def days_to_first_contact(org: Organisation, period) -> list[int]:
    """Whole local days from referral to first contact, for the period's referrals (sorted)."""
    start, end = _bounds(period)
    firsts = _first_contacts(org, end)
    days = [
        (to_local(first).date() - to_local(received).date()).days
        for (_, received), first in firsts.items()
        if start <= received < end
    ]
    return sorted(days)


def median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def percentile_90(values: list[int]) -> int | None:
    """Nearest rank: the smallest value with at least 90% of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1]


def waiting_at_end(org: Organisation, period) -> int:
    """People accepted by the period's end, not contacted by then, and not closed by then."""
    _, end = _bounds(period)
    firsts = _first_contacts(org, end)
    accepted = db.session.execute(
        select(Referral.person_id, Referral.received_at, Person.closed_on)
        .join(Person, Person.id == Referral.person_id)
        .where(
            Referral.organisation_id == org.id,
            Referral.status == "accepted",
            Referral.decided_at < end,
        )
    ).all()
    waiting = {
        person_id
        for person_id, received, closed_on in accepted
        if (person_id, received) not in firsts and (closed_on is None or closed_on > period.last)
    }
    return len(waiting)


def discharges_by_reason(org: Organisation, period) -> dict[str, int]:
    """People closed in the period, by the reason recorded ("Not recorded" if none)."""
    counts = Counter(
        db.session.scalars(
            select(Person.discharge_reason).where(
                Person.organisation_id == org.id,
                Person.status == "closed",
                Person.closed_on >= period.first,
                Person.closed_on <= period.last,
            )
        )
    )
    result = {label: counts.get(key, 0) for key, label in DISCHARGE_REASONS.items()}
    if counts.get(None):
        result["Not recorded"] = counts[None]
    return result
